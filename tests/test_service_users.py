"""Users, tokens and passwords."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import users
from sanshen.service.errors import AuthError, answer
from storage.models import ApiToken, AuditEvent, User
from tests.team import T0

pytestmark = pytest.mark.db


def test_token_is_shown_once_and_stored_as_sha256(ctx):
    view, token = users.add_user(ctx, None, "zhang", ["editor", "reviewer"], display="张三", dept="办公室", now=T0)
    assert view.roles == ("editor", "reviewer")
    from storage.db import transaction
    with transaction(ctx.engine, readonly=True) as s:
        stored = s.scalars(select(ApiToken.token_hash)).all()
        assert token not in stored
        assert stored == [hashlib.sha256(token.encode()).hexdigest()]
        assert s.scalars(select(AuditEvent.action)).all() == ["user.added"]
    assert users.authenticate_token(ctx, token).name == "zhang"
    with pytest.raises(AuthError):
        users.authenticate_token(ctx, token + "x")
    with pytest.raises(AuthError):
        users.authenticate_token(ctx, None)


@pytest.mark.parametrize("name, roles, code", [
    ("li", [], "no_roles"),
    ("li", ["editor", "boss"], "bad_role"),
    ("bad name", ["editor"], "bad_user_name"),
    ("system", ["editor"], "reserved_name"),
])
def test_bad_users_are_bad_input(ctx, name, roles, code):
    with pytest.raises(InvalidInput) as e:
        users.add_user(ctx, None, name, roles, now=T0)
    assert e.value.code == code
    assert users.list_users(ctx) == []


def test_duplicate_user_is_refused(ctx):
    users.add_user(ctx, None, "wang", ["editor"], now=T0)
    with pytest.raises(Conflict):
        users.add_user(ctx, None, "wang", ["admin"], now=T0)


def test_password_lockout_after_five_failures(ctx):
    users.add_user(ctx, None, "zhao", ["editor"], now=T0)
    users.set_password(ctx, None, "zhao", "correct-horse-1", now=T0)
    assert users.authenticate_password(ctx, "zhao", "correct-horse-1", now=T0).name == "zhao"
    for attempt in range(1, 6):
        with pytest.raises(AuthError) as e:
            users.authenticate_password(ctx, "zhao", "wrong-password", now=T0)
        assert e.value.code == ("locked" if attempt == 5 else "bad_login")  # the fifth locks, and says so
    with pytest.raises(AuthError) as e:
        users.authenticate_password(ctx, "zhao", "correct-horse-1", now=T0 + timedelta(minutes=5))
    assert e.value.code == "locked" and "已被锁定" in e.value.message and "用户名或密码错误" not in e.value.message
    later = T0 + timedelta(minutes=16)
    assert users.authenticate_password(ctx, "zhao", "correct-horse-1", now=later).name == "zhao"
    with pytest.raises(InvalidInput):
        users.set_password(ctx, None, "zhao", "short", now=T0)


def test_set_roles_needs_an_admin(team):
    with pytest.raises(NotPermitted) as e:
        users.set_roles(team.ctx, team["bian"], "shen1", ["leader"], now=team.clock())
    assert answer(e.value).http_status == 403
    changed = users.set_roles(team.ctx, team["guan"], "shen1", ["reviewer", "leader"], now=team.clock())
    assert changed.roles == ("reviewer", "leader")
    names = [u.name for u in users.list_users(team.ctx)]
    assert "system" not in names and "shen1" in names
    assert team.count(User) >= len(names)


def _audited(ctx, action: str) -> list[AuditEvent]:
    from storage.db import transaction
    with transaction(ctx.engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_admin_actions_name_the_admin_or_the_cli_operator(team):
    ctx, admin = team.ctx, team["guan"]
    cli_added = _audited(ctx, "user.added")[0]  # the team was added at the CLI (actor None)
    assert cli_added.actor == users.CLI_ACTOR and cli_added.payload["operator"]
    users.add_user(ctx, admin, "newcomer", ["editor"], now=team.clock())
    users.set_password(ctx, admin, "newcomer", "correct-horse-1", now=team.clock())
    users.set_roles(ctx, admin, "newcomer", ["editor", "reviewer"], now=team.clock())
    users.set_active(ctx, admin, "newcomer", False, now=team.clock())
    for act in ("user.added", "user.password_set", "user.roles_set", "user.deactivated"):
        last = _audited(ctx, act)[-1]
        assert last.actor == "guan" and last.payload["name"] == "newcomer" and "operator" not in last.payload, act
    assert not users.get_user(ctx, "newcomer").active


@pytest.mark.parametrize("act", [
    lambda ctx, who: users.add_user(ctx, who, "intruder", ["admin"], now=T0),
    lambda ctx, who: users.set_password(ctx, who, "shen1", "correct-horse-1", now=T0),
    lambda ctx, who: users.set_active(ctx, who, "shen1", False, now=T0),
])
def test_only_an_admin_acts_on_other_users(team, act):
    with pytest.raises(NotPermitted) as e:
        act(team.ctx, team["bian"])
    assert answer(e.value).http_status == 403
    assert users.get_user(team.ctx, "shen1").active and "intruder" not in [u.name for u in users.list_users(team.ctx)]


def test_a_user_may_set_their_own_password(team):
    users.set_password(team.ctx, team["shen1"], "shen1", "correct-horse-1", now=team.clock())
    assert _audited(team.ctx, "user.password_set")[-1].actor == "shen1"


def test_password_roles_deactivation_and_sign_out_end_the_sessions(team):
    ctx = team.ctx
    epochs = [users.get_user(ctx, "shen1").session_epoch]
    for change in (
        lambda: users.set_password(ctx, None, "shen1", "correct-horse-1", now=team.clock()),
        lambda: users.set_roles(ctx, team["guan"], "shen1", ["reviewer", "leader"], now=team.clock()),
        lambda: users.end_sessions(ctx, team["shen1"]),
        lambda: users.set_active(ctx, None, "shen1", False, now=team.clock()),
    ):
        change()
        epochs.append(users.get_user(ctx, "shen1").session_epoch)
    assert epochs == sorted(set(epochs)) and len(epochs) == 5


def test_the_last_active_admin_cannot_be_removed_or_deactivated(team):
    ctx, admin = team.ctx, team["guan"]
    with pytest.raises(Conflict) as e:
        users.set_roles(ctx, None, admin.name, ["reviewer"], now=team.clock())
    assert e.value.code == "last_admin"
    with pytest.raises(Conflict) as e:
        users.set_active(ctx, None, admin.name, False, now=team.clock())
    assert e.value.code == "last_admin"
    assert "admin" in users.get_user(ctx, admin.name).roles and users.get_user(ctx, admin.name).active
    users.add_user(ctx, admin, "guan2", ["admin"], now=team.clock())
    assert users.set_roles(ctx, None, admin.name, ["reviewer"], now=team.clock()).roles == ("reviewer",)


def test_an_admin_unlocks_a_locked_account(team):
    users.set_password(team.ctx, None, "jiao1", "correct-horse-1", now=T0)
    for _ in range(5):
        with pytest.raises(AuthError):
            users.authenticate_password(team.ctx, "jiao1", "wrong-password", now=T0)
    assert users.get_user(team.ctx, "jiao1").locked_until is not None
    with pytest.raises(NotPermitted):
        users.unlock(team.ctx, team["shen1"], "jiao1", now=T0)
    users.unlock(team.ctx, team["guan"], "jiao1", now=T0 + timedelta(minutes=1))
    assert users.authenticate_password(team.ctx, "jiao1", "correct-horse-1", now=T0 + timedelta(minutes=2)).name == "jiao1"
    with pytest.raises(Conflict):
        users.unlock(team.ctx, team["guan"], "jiao1", now=T0 + timedelta(minutes=3))
