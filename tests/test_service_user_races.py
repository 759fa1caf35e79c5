"""Concurrent sign-ins and admin changes on a real database (SQLite here, PostgreSQL with -m db)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlmodel import Session

from review.refusals import Conflict
from sanshen.service import users
from sanshen.service.errors import AuthError
from storage.clock import pause
from storage.models import AuditEvent, User
from tests.team import T0

pytestmark = pytest.mark.db

PASSWORD = "correct-horse-1"
BURST = 16


def _attempt(ctx, password: str, at=T0) -> str:
    try:
        users.authenticate_password(ctx, "zhao", password, now=at)
    except AuthError as exc:
        return exc.code
    return "signed_in"


def _together(calls: list[Callable[[], str]]) -> list[str]:
    """Run the calls in threads released at the same instant."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], str]) -> str:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _user(ctx, name: str) -> User:
    with Session(ctx.engine) as session:
        return session.scalar(select(User).where(User.name == name))


def _actions(ctx, action: str) -> list[AuditEvent]:
    with Session(ctx.engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_burst_of_wrong_passwords_locks_the_account_once(ctx):
    users.add_user(ctx, None, "zhao", ["editor"], now=T0)
    users.set_password(ctx, None, "zhao", PASSWORD, now=T0)

    codes = _together([lambda: _attempt(ctx, "wrong-password")] * BURST)

    assert set(codes) <= {"bad_login", "locked"} and codes.count("bad_login") >= users.MAX_FAILED_LOGINS - 1  # the fifth says locked
    user = _user(ctx, "zhao")
    assert user.failed_logins == BURST  # every attempt counted: none lost to another
    assert user.locked_until == T0 + users.LOCKOUT
    assert len(_actions(ctx, "user.locked")) == 1
    assert _attempt(ctx, PASSWORD, T0 + timedelta(minutes=1)) == "locked"


def test_failures_counted_during_a_lockout_start_afresh_when_it_ends(ctx):
    users.add_user(ctx, None, "zhao", ["editor"], now=T0)
    users.set_password(ctx, None, "zhao", PASSWORD, now=T0)
    for _ in range(users.MAX_FAILED_LOGINS + 1):
        _attempt(ctx, "wrong-password")
    assert _user(ctx, "zhao").failed_logins == users.MAX_FAILED_LOGINS + 1

    after = T0 + users.LOCKOUT + timedelta(seconds=1)
    assert _attempt(ctx, "wrong-password", after) == "bad_login"
    assert (_user(ctx, "zhao").failed_logins, _user(ctx, "zhao").locked_until) == (1, None)
    assert _attempt(ctx, PASSWORD, after) == "signed_in"
    assert _user(ctx, "zhao").failed_logins == 0
    assert len(_actions(ctx, "user.locked")) == 1


@contextmanager
def _commits_meet(parties: int, *, wait: float = 2.0) -> Iterator[None]:
    """Hold each committing transaction until ``parties`` of them are ready to commit, so that two
    changes check the rule before either is committed (a transaction still waiting for a lock
    never gets there: then the others go on after ``wait`` seconds)."""
    arrived = 0
    count = threading.Lock()
    everyone = threading.Event()

    def before_commit(_session) -> None:
        nonlocal arrived
        with count:
            arrived += 1
            if arrived == parties:
                everyone.set()
        pause(everyone, wait)  # sliced sleeps: a timed lock wait would last years under faketime

    event.listen(Session, "before_commit", before_commit)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", before_commit)


@pytest.mark.parametrize("change", ["deactivate", "demote"])
def test_two_last_admins_removing_each_other_leave_one(ctx, change):
    first, _ = users.add_user(ctx, None, "guan1", ["admin"], now=T0)
    second, _ = users.add_user(ctx, None, "guan2", ["admin"], now=T0)

    def remove(actor, name: str) -> Callable[[], str]:
        def call() -> str:
            try:
                if change == "deactivate":
                    users.set_active(ctx, actor, name, False, now=T0)
                else:
                    users.set_roles(ctx, actor, name, ["editor"], now=T0)
            except Conflict as exc:
                return exc.code
            return "done"
        return call

    with _commits_meet(2):
        outcomes = _together([remove(first, "guan2"), remove(second, "guan1")])

    assert sorted(outcomes) == ["done", "last_admin"]
    admins = [u.name for u in users.list_users(ctx) if u.active and u.has_role("admin")]
    assert len(admins) == 1
