"""Helpers shared by the web, API and browser tests: a data directory with a full team."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from checking.check import Checker
from sanshen.service import drafts, users
from sanshen.service.context import AppContext
from sanshen.service.views import UserView
from sanshen.settings import Settings
from sanshen.web.security import SESSION_COOKIE, Session
from storage.clock import ManualClock, epoch_seconds

PASSWORD = "mima-2026-sanshen"
TEAM: dict[str, tuple[str, ...]] = {
    "bian": ("editor",),
    "jiao1": ("proofreader",),
    "jiao2": ("proofreader",),
    "jiao3": ("proofreader",),
    "shen1": ("reviewer",),
    "shen2": ("reviewer",),
    "bao": ("secrecy",),
    "ling": ("leader",),
    "guan": ("admin",),
}
# Who signs which stage of the default workflow, in order (复审 ∥ 保密审查 in either order).
SIGNERS = (("一校", "jiao1"), ("初审", "shen1"), ("二校", "jiao2"), ("复审", "shen2"), ("保密审查", "bao"),
           ("三校", "jiao3"), ("终审", "ling"))
# A valid resident ID number (GB 11643 checksum), planted to be found by the automated pass.
ID_NUMBER = "11010519491231002X"
# The time every web test acts at: a fixed instant on the test's own clock, never the machine's.
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


@dataclass
class Team:
    ctx: AppContext
    members: dict[str, UserView]
    tokens: dict[str, str]

    def __getitem__(self, name: str) -> UserView:
        return self.members[name]


@pytest.fixture(scope="session")
def checker(default_checker) -> Checker:
    return default_checker


def open_context(home: Path, db_url: str, checker: Checker | None = None) -> AppContext:
    return AppContext.open(Settings(home=home, db_url=db_url, link_check=False), checker=checker, clock=ManualClock(T0))


@pytest.fixture
def team(tmp_path, db_url, checker) -> Iterator["Team"]:
    """A fresh data directory with the whole TEAM (API tokens, no web passwords)."""
    ctx = open_context(tmp_path / "home", db_url, checker)
    yield make_team(ctx)
    ctx.close()


@pytest.fixture
def app(team):
    from sanshen.web.app import create_app

    return create_app(team.ctx, secret=b"test-secret")


def make_team(ctx: AppContext, *, passwords: tuple[str, ...] = ()) -> Team:
    """Every member of TEAM, with a web password for those named (argon2 is slow: only as needed)."""
    now = ctx.clock()
    members, tokens = {}, {}
    for name, roles in TEAM.items():
        user, token = users.add_user(ctx, None, name, roles, display=name.upper(), now=now)
        members[name], tokens[name] = user, token
    for name in passwords:
        users.set_password(ctx, None, name, PASSWORD, now=now)
    return Team(ctx, members, tokens)


def submit(team: Team, *, title: str = "关于开展安全生产检查的通知", body: str = "各单位：请于本月底前完成自查。",
           **extra) -> int:
    data = drafts.SubmitInput(title=title, body=body, column="通知公告", kind="notice", disclosure="主动公开", **extra)
    return drafts.submit(team.ctx, team["bian"], data, now=team.ctx.clock()).id


def sign_through(team: Team, draft_id: int, *, upto: str | None = None) -> None:
    """Sign the stages in order, stopping before `upto` (all of them when None)."""
    for stage, who in SIGNERS:
        if stage == upto:
            return
        drafts.sign(team.ctx, team[who], draft_id, stage=stage, now=team.ctx.clock())


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def signed_in(app, name: str):
    """A test client holding a valid signed session for `name`, without the (slow) password sign-in."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    epoch = users.get_user(app.state.web.ctx, name).session_epoch
    session = Session.anonymous().signed_in(name, at=epoch_seconds(app.state.web.clock), epoch=epoch)
    client.cookies.set(SESSION_COOKIE, app.state.web.codec.encode(session))
    return client


def sign_in(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text),
                                       "next": "/queue"}, follow_redirects=False)
