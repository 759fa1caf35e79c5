"""Fixtures for the service tests: a context on a fresh database and the default team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sanshen.service import drafts, users
from sanshen.service.context import AppContext
from sanshen.service.views import UserView
from sanshen.settings import Settings
from storage.db import transaction
from tests.flows_support import write_behind_the_program

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
ROLES = {
    "editor": ("editor",),
    "p1": ("proofreader",), "p2": ("proofreader",), "p3": ("proofreader",),
    "r1": ("reviewer",), "r2": ("reviewer",), "r3": ("reviewer",),
    "sec": ("secrecy",),
    "leader": ("leader",),
    "admin": ("admin",),
}
# one signer per stage of the default workflow, in order
WALK = (("一校", "p1"), ("初审", "r1"), ("二校", "p2"), ("复审", "r2"), ("保密审查", "sec"),
        ("三校", "p3"), ("终审", "leader"))
CLEAN_BODY = "区政府召开全体会议，研究部署今冬明春安全生产工作。\n会议强调，要压实责任，确保群众安全。\n"


class Clock:
    """The tests' time: each action steps it a minute on (``now`` reads it without a step)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@dataclass
class Team:
    ctx: AppContext
    people: dict[str, UserView]
    tokens: dict[str, str]
    clock: Clock

    def __getitem__(self, name: str) -> UserView:
        return self.people[name]

    def submit(self, body: str = CLEAN_BODY, *, title: str = "安全生产工作会议召开", **kw) -> drafts.DraftView:
        kw.setdefault("disclosure", "主动公开")
        return drafts.submit(self.ctx, self["editor"], drafts.SubmitInput(title=title, body=body, **kw),
                             now=self.clock())

    def sign(self, who: str, draft_id: int, **kw) -> drafts.DraftView:
        return drafts.sign(self.ctx, self[who], draft_id, now=self.clock(), **kw)

    def walk(self, draft_id: int, upto: str | None = None) -> None:
        for stage, who in WALK:
            self.sign(who, draft_id, stage=stage)
            if stage == upto:
                return

    def count(self, model) -> int:
        with transaction(self.ctx.engine, readonly=True) as session:
            return session.scalar(select(func.count()).select_from(model))

    def rows(self, stmt) -> list:
        with transaction(self.ctx.engine, readonly=True) as session:
            return list(session.scalars(stmt))


@pytest.fixture
def steps() -> Clock:
    return Clock()


@pytest.fixture
def ctx(db_url, tmp_path, default_checker, steps):
    """The service context on a fresh database; it reads the time from the tests' clock."""
    context = AppContext.open(Settings(home=tmp_path / "home", db_url=db_url, link_check=False),
                              checker=default_checker, clock=lambda: steps.now)
    yield context
    context.close()


@pytest.fixture
def team(ctx, steps) -> Team:
    people, tokens = {}, {}
    for name, roles in ROLES.items():
        people[name], tokens[name] = users.add_user(ctx, None, name, roles, now=steps())
    return Team(ctx, people, tokens, steps)


def tamper_audit_row(engine, *, seq: int) -> None:
    """Edit one audit row behind the program's back."""
    write_behind_the_program(engine, f"UPDATE auditevent SET actor = 'mallory' WHERE seq = {int(seq)}")
