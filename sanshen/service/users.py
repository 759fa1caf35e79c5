"""Users, roles, API tokens (stored as SHA-256) and web passwords (argon2, with lockout)."""

from __future__ import annotations

import getpass
import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, bindparam, select
from sqlmodel import Session

from review.case import SYSTEM_USER
from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import validate
from sanshen.service.errors import AuthError, NotFound
from sanshen.service.tx import action, reading
from sanshen.service.views import UserView
from storage.audit import append_event
from storage.db import reader
from storage.dialect import dialect_for
from storage.models import ApiToken, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

BASE_ROLES = frozenset({"editor", "admin"})
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_BEIJING = timezone(timedelta(hours=8))
MIN_PASSWORD_CHARS = 8
CLI_ACTOR = "cli"  # the audit actor of an admin action taken by the installation's operator at the CLI

_ADMINS_LOCK = 0x5A45_0003  # lock key held by a change that may leave no active admin

_hasher = PasswordHasher()


def known_roles(ctx: "AppContext") -> frozenset[str]:
    stages = ctx.workflow.stages + (ctx.reply_workflow.stages if ctx.reply_workflow else ())
    return BASE_ROLES | frozenset(r for s in stages for r in s.roles)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def view(user: User | Row) -> UserView:
    return UserView(
        id=user.id, name=user.name, display=user.display, dept=user.dept,
        roles=tuple(r for r in user.roles.split(",") if r), email=user.email, active=user.active,
        session_epoch=user.session_epoch, locked_until=user.locked_until,
    )


def parse_roles(ctx: "AppContext", roles: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(r.strip() for r in roles if r.strip()))
    if not wanted:
        raise InvalidInput("no_roles", "至少要指定一个角色")
    unknown = [r for r in wanted if r not in known_roles(ctx)]
    if unknown:
        raise InvalidInput(
            "bad_role",
            f"未知的角色：{'、'.join(unknown)}；可用角色：{'、'.join(sorted(known_roles(ctx)))}",
        )
    return wanted


def _get(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None or user.name == SYSTEM_USER:
        raise NotFound("unknown_user", f"用户“{name}”不存在")
    return user


def _require_admin(actor: UserView) -> None:
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以执行此操作")


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"


def _admin_acting(actor: UserView | None) -> tuple[str, dict]:
    """Who takes an admin action, for its audit row: the signed-in admin, or (None) the
    installation's operator at the CLI, named by the OS user in the payload."""
    if actor is None:
        return CLI_ACTOR, {"operator": _operator()}
    _require_admin(actor)
    return actor.name, {}


def _end_sessions(user: User) -> None:
    """Every web session of this user signed before now is refused from now on."""
    user.session_epoch += 1


def add_user(
    ctx: "AppContext", actor: UserView | None, name: str, roles: Iterable[str], *, display: str = "",
    dept: str = "", email: str | None = None, now: datetime,
) -> tuple[UserView, str]:
    """Create a user and its first API token; the token is returned once and stored hashed.

    ``actor``: the admin who adds the user, or None for the operator at the CLI."""
    by, extra = _admin_acting(actor)
    validate.user_name(name)
    if name == SYSTEM_USER:
        raise InvalidInput("reserved_name", f"“{SYSTEM_USER}”是系统保留的用户名")
    role_list = parse_roles(ctx, roles)
    display = validate.one_line(display, what="显示名", required=False, max_chars=64)
    dept = validate.one_line(dept, what="部门", required=False, max_chars=128)
    if email is not None:
        email = validate.one_line(email, what="邮箱", max_chars=256)
        if "@" not in email or any(ch.isspace() for ch in email):
            raise InvalidInput("bad_email", f"邮箱地址“{email}”无效")
    token = "ss_" + secrets.token_urlsafe(32)
    with action(ctx) as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise Conflict("user_exists", f"用户“{name}”已存在")
        user = User(name=name, display=display, dept=dept, roles=",".join(role_list), email=email,
                    created_at=now)
        session.add(user)
        session.flush()
        session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), created_at=now))
        append_event(session, action="user.added", actor=by, draft_id=None,
                     payload={"name": name, "roles": list(role_list), "dept": dept, **extra}, at=now)
        return view(user), token


def check_password(password: str) -> None:
    """Refuse a password set_password would refuse (callers check it before writing anything else)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput("weak_password", f"密码至少 {MIN_PASSWORD_CHARS} 个字符")
    validate.one_line(password, what="密码", max_chars=256)


def set_password(ctx: "AppContext", actor: UserView | None, name: str, password: str, *, now: datetime) -> None:
    """Set a user's web password (an admin, the user themself, or None: the operator at the CLI);
    the user's web sessions end."""
    if actor is not None and actor.name == name:
        by, extra = actor.name, {}
    else:
        by, extra = _admin_acting(actor)
    check_password(password)
    digest = _hasher.hash(password)
    with action(ctx) as session:
        user = _get(session, name)
        user.password_hash = digest
        user.failed_logins = 0
        user.locked_until = None
        _end_sessions(user)
        append_event(session, action="user.password_set", actor=by, draft_id=None,
                     payload={"name": name, **extra}, at=now)


def authenticate_token(ctx: "AppContext", token: str | None) -> UserView:
    if not token:
        raise AuthError("no_token", "缺少令牌：请用 --token 或环境变量 SANSHEN_TOKEN 提供")
    # Every API request runs this: one prepared statement on a plain connection (no ORM session,
    # no objects), the columns of the view only.
    with reader(ctx.engine).connect() as conn:
        user = conn.execute(_TOKEN_USER, {"token_hash": token_hash(token.strip())}).first()
    if user is None or not user.active:
        raise AuthError("bad_token", "令牌无效或已被撤销")
    return view(user)


# Built once (a statement is immutable): the lookup of every API request skips building it and its cache key.
_TOKEN_USER = (
    select(User.id, User.name, User.display, User.dept, User.roles, User.email, User.active,
           User.session_epoch, User.locked_until)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


@cache
def _decoy_hash() -> str:
    """Verified in place of a real hash when the user has none, so that the refusal takes as long."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _password_matches(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def _can_sign_in(user: User | None) -> bool:
    return user is not None and user.active and user.name != SYSTEM_USER and bool(user.password_hash)


def authenticate_password(ctx: "AppContext", name: str, password: str, *, now: datetime) -> UserView:
    """Check a web sign-in; five failures lock the account for 15 minutes.

    The slow argon2 verification runs outside any write transaction; its outcome is then recorded
    on the user's row, locked, as the row is by then: concurrent attempts are each counted once
    and the one that reaches the limit locks the account."""
    # One message, after one argon2 verification, for every refusal (unknown user, wrong password,
    # locked account), so that neither the answer nor its time says which names exist; the code
    # ("locked") is for the caller, never shown.
    message = (f"用户名或密码错误（连续输错 {MAX_FAILED_LOGINS} 次，账户将锁定 "
               f"{int(LOCKOUT.total_seconds() // 60)} 分钟）")
    with reading(ctx) as session:
        user = session.scalar(select(User).where(User.name == name))
    digest = user.password_hash if _can_sign_in(user) else None
    matches = _password_matches(digest or _decoy_hash(), password)
    if digest is None:
        raise AuthError("bad_login", message)
    with action(ctx) as session:
        user = session.scalar(select(User).where(User.id == user.id).with_for_update())
        if not _can_sign_in(user):  # deactivated since it was read
            raise AuthError("bad_login", message)
        if user.locked_until is not None and user.locked_until <= now:  # a lockout over: count afresh
            user.failed_logins, user.locked_until = 0, None
        locked = user.locked_until is not None
        if matches and user.password_hash == digest:
            if not locked:
                user.failed_logins = 0
                return view(user)
        else:
            user.failed_logins += 1
            if not locked and user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                append_event(session, action="user.locked", actor=None, draft_id=None,
                             payload={"name": name, "until": user.locked_until}, at=now)
        until = user.locked_until
    # the failure count is committed, then the attempt is refused
    if until is not None:  # locked before, or by this attempt: say so, and until when
        raise AuthError("locked", locked_message(until))
    raise AuthError("bad_login", message)


def locked_message(until: datetime) -> str:
    """What a locked account is told. Saying "locked" tells whoever made the five failures that
    the name exists; the lockout itself already showed them that, and the user must know why
    the right password is refused."""
    local = until.astimezone(_BEIJING).strftime("%H:%M")
    return (f"该账户因连续 {MAX_FAILED_LOGINS} 次输错密码已被锁定，请于 {local}（北京时间）后再试，"
            "或请管理员解锁")


def unlock(ctx: "AppContext", actor: UserView | None, name: str, *, now: datetime) -> UserView:
    """An admin (or the operator at the CLI) ends a user's lockout before it runs out."""
    by, extra = _admin_acting(actor)
    with action(ctx) as session:
        user = _get(session, name)
        if user.locked_until is None or user.locked_until <= now:
            raise Conflict("not_locked", f"用户 {name} 没有被锁定")
        user.failed_logins, user.locked_until = 0, None
        append_event(session, action="user.unlocked", actor=by, draft_id=None, payload={"name": name, **extra},
                     at=now)
        return view(user)


def list_users(ctx: "AppContext") -> list[UserView]:
    with reading(ctx) as session:
        return [view(u) for u in session.scalars(
            select(User).where(User.name != SYSTEM_USER).order_by(User.name)
        )]


def get_user(ctx: "AppContext", name: str) -> UserView:
    with reading(ctx) as session:
        return view(_get(session, name))


def set_roles(ctx: "AppContext", actor: UserView | None, name: str, roles: Iterable[str], *,
              now: datetime) -> UserView:
    """Replace a user's roles (an admin, or None: the operator at the CLI); the user's web sessions end."""
    by, extra = _admin_acting(actor)
    role_list = parse_roles(ctx, roles)
    with action(ctx) as session:
        _lock_admins(session)
        user = _get(session, name)
        before = user.roles
        user.roles = ",".join(role_list)
        _keep_an_admin(session, user)
        _end_sessions(user)
        append_event(session, action="user.roles_set", actor=by, draft_id=None,
                     payload={"name": name, "before": [r for r in before.split(",") if r],
                              "roles": list(role_list), **extra}, at=now)
        return view(user)


def set_active(ctx: "AppContext", actor: UserView | None, name: str, active: bool, *, now: datetime) -> UserView:
    """Deactivate (no sign-in, no token, web sessions end) or reactivate a user."""
    by, extra = _admin_acting(actor)
    if actor is not None and actor.name == name and not active:
        raise Conflict("self_deactivate", "不能停用自己的账户")
    with action(ctx) as session:
        _lock_admins(session)
        user = _get(session, name)
        if user.active != active:
            user.active = active
            _keep_an_admin(session, user)
            _end_sessions(user)
            append_event(session, action="user.activated" if active else "user.deactivated", actor=by,
                         draft_id=None, payload={"name": name, **extra}, at=now)
        return view(user)


def _lock_admins(session: Session) -> None:
    """Serialise the changes that may remove an admin, so that each counts the admins left by the
    others (two admins removing each other at once would otherwise both see the other remain)."""
    dialect_for(session.get_bind()).lock_transaction(session, _ADMINS_LOCK)


def _keep_an_admin(session: Session, changed: User) -> None:
    """Refuse a change that would leave the installation without an active admin."""
    if changed.active and "admin" in changed.roles.split(","):
        return
    others = session.exec(select(User).where(User.active, User.id != changed.id)).scalars()
    if not any("admin" in u.roles.split(",") for u in others):
        raise Conflict("last_admin", "这是最后一个有效的管理员账户，请先为其他用户授予管理员（admin）角色")


def end_sessions(ctx: "AppContext", actor: UserView) -> None:
    """Sign-out: every web session of this user, on every device, is refused from now on."""
    with action(ctx) as session:
        _end_sessions(_get(session, actor.name))
