"""Fixtures ``clock``, ``ctx`` and ``team``: the service context on a fresh database, on the tests'
own clock, and the whole cast (tests/cast.py) added to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from checking.check import Checker
from sanshen.service import drafts, users
from sanshen.service.context import AppContext
from sanshen.service.views import UserView
from sanshen.settings import Settings
from storage.clock import ManualClock
from storage.db import transaction
from tests.cast import PEOPLE, display, signers


def run_checks(ctx: AppContext) -> int:
    """Drive the pending ``check`` outbox items (drafts 检查中) through the real code path, at the
    context's clock: the tests' way to wait for the automated pass."""
    from sanshen.service import checks

    return checks.run_pending(ctx)


def settle(ctx: AppContext, view: drafts.DraftView) -> drafts.DraftView:
    """``view`` (what submit or revise answered) after the pending automated passes ran: wrap a
    submit or revise made through the service in it, as a worker would have run the pass."""
    from sanshen.service.tx import reading
    from storage.models import Draft

    run_checks(ctx)
    with reading(ctx) as session:
        return drafts._draft_view(session, session.get(Draft, view.id))

# Every test that acts through the service starts at this instant of its own clock, never the machine's.
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TITLE = "安全生产工作会议召开"
CLEAN_BODY = "区政府召开全体会议，研究部署今冬明春安全生产工作。\n会议强调，要压实责任，确保群众安全。\n"
# A valid resident ID number (GB 11643 checksum), planted to be found by the automated pass.
ID_NUMBER = "11010519491231002X"


def open_context(home: Path, db_url: str, *, checker: Checker | None, clock: ManualClock,
                 workflow_file: Path | None = None, sign_requires_hash: bool = False) -> AppContext:
    """The tests' context. Signing without the content hash is allowed here unless asked for
    (``sign_requires_hash``: the installed default, tested in tests/test_sign_hash.py), so that tests
    about other rules need not look the hash up first."""
    return AppContext.open(Settings(home=home, db_url=db_url, link_check=False, workflow_file=workflow_file,
                                    sign_requires_hash=sign_requires_hash), checker=checker, clock=clock)


@dataclass
class Team:
    """The cast as users of one context (API tokens, no web passwords). Submitting and signing
    through the team move the clock a minute on first, so its actions follow one another in time."""

    ctx: AppContext
    people: dict[str, UserView]
    tokens: dict[str, str]

    @classmethod
    def gather(cls, ctx: AppContext) -> Team:
        """Add the whole cast to ``ctx``, at its clock's time."""
        people, tokens = {}, {}
        for name, roles in PEOPLE.items():
            people[name], tokens[name] = users.add_user(ctx, None, name, roles, display=display(name),
                                                        now=ctx.clock())
        return cls(ctx, people, tokens)

    @property
    def clock(self) -> ManualClock:
        return self.ctx.clock

    def __getitem__(self, name: str) -> UserView:
        return self.people[name]

    def _next_minute(self) -> datetime:
        return self.clock.advance(timedelta(minutes=1))

    def submit(self, body: str = CLEAN_BODY, *, title: str = TITLE, checked: bool = True,
               **fields) -> drafts.DraftView:
        """Submit as the editor; 主动公开 unless ``disclosure`` says otherwise. The draft comes back with
        its automated pass done (:meth:`settle`) unless ``checked`` is False (then it is 检查中)."""
        fields.setdefault("disclosure", "主动公开")
        view = drafts.submit(self.ctx, self["bian"], drafts.SubmitInput(title=title, body=body, **fields),
                             now=self._next_minute())
        if not checked:
            return view
        self.settle()
        return drafts.view(self.ctx, self["bian"], view.id)

    def settle(self) -> int:
        """Run every pending automated pass now, through the worker's code (flows/draftcheck.py), as
        the dispatcher would; returns how many ran. Call it after a submit or revise made another way."""
        return run_checks(self.ctx)

    def sign(self, who: str, draft_id: int, **kw) -> drafts.DraftView:
        return drafts.sign(self.ctx, self[who], draft_id, now=self._next_minute(), **kw)

    def walk(self, draft_id: int, *, through: str | None = None) -> None:
        """Sign the stages in order, each by the cast member the workflow picks, through the stage
        ``through`` (every stage when None)."""
        done = False
        for stage, who in signers(self.ctx.workflow):
            if done and stage != through:
                return
            self.sign(who, draft_id, stage=stage)
            done = stage == through

    def count(self, model) -> int:
        with transaction(self.ctx.engine, readonly=True) as session:
            return session.scalar(select(func.count()).select_from(model))

    def rows(self, stmt) -> list:
        with transaction(self.ctx.engine, readonly=True) as session:
            return list(session.scalars(stmt))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def ctx(tmp_path, db_url, default_checker, clock):
    """The service context on a fresh database, with no users yet."""
    context = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    yield context
    context.close()


@pytest.fixture
def team(ctx) -> Team:
    return Team.gather(ctx)
