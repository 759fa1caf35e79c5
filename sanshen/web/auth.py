"""Sign-in, sessions, CSRF and role checks for the HTML pages.

Every page depends on `current_user` or `require_roles`; every POST of the web
routers goes through `csrf_protect`. The API (api.py) uses bearer tokens instead
and has no cookies.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review.workflow import ROLE_LABELS
from sanshen.service import users
from sanshen.service.errors import NotFound
from sanshen.web.security import SESSION_COOKIE, Session, csrf_ok
from storage.clock import epoch_seconds

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
    "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):
    def __init__(self, message: str = "您没有执行此操作的权限。") -> None:
        super().__init__(message)
        self.message = message


class CsrfRejected(Exception):
    message = "表单已失效或来源不明（缺少或错误的 CSRF 令牌），未做任何更改。请刷新页面后重试。"


class SessionMiddleware:
    """Decode the signed session cookie before the route; re-sign it after if it changed.

    A plain ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which runs every request,
    the API's too, through a task group and a streamed copy of the response): the API (bearer
    tokens, no cookies) and static files pass straight through; for the pages the cookie and the
    headers are set on the response's start message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/api/", "/static/")):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        web = request.app.state.web
        cookie = request.cookies.get(SESSION_COOKIE)
        original = web.codec.decode(cookie, now=epoch_seconds(web.clock))
        request.state.session = original or Session.anonymous()  # scope["state"]: the route's request shares it

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                session = request.state.session
                # Compared by value: an expired session decodes to a fresh anonymous one, which must be
                # stored too, or its CSRF token would change on every request and sign-in could never pass.
                if session is not original or web.codec.encode(original) != cookie:
                    headers.append("set-cookie", _session_cookie(web, session))
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_session)


def _session_cookie(web, session: Session) -> str:
    """The Set-Cookie value storing ``session`` (as Starlette's ``Response.set_cookie`` writes it)."""
    response = Response()
    response.set_cookie(SESSION_COOKIE, web.codec.encode(session), max_age=web.codec.max_age,
                        httponly=True, samesite="lax", secure=web.secure_cookies, path="/")
    return response.headers["set-cookie"]


def session_of(request: Request) -> Session:
    return request.state.session


def sign_in(request: Request, user: users.UserView) -> None:
    request.state.session = request.state.session.signed_in(user.name, at=epoch_seconds(request.app.state.web.clock),
                                                            epoch=user.session_epoch)


def sign_out(request: Request) -> None:
    request.state.session = Session.anonymous()


def end_sessions(request: Request) -> None:
    """Sign-out: this cookie and every copy of it, and the user's other sessions, stop working."""
    session: Session = request.state.session
    if session.user:
        try:
            users.end_sessions(request.app.state.web.ctx, users.get_user(request.app.state.web.ctx, session.user))
        except NotFound:
            pass
    sign_out(request)


async def csrf_protect(request: Request) -> None:
    """Router dependency: a state-changing request must carry this session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    if not csrf_ok(request.state.session, form.get("csrf_token")):
        raise CsrfRejected()


def current_user(request: Request) -> users.UserView:
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    session: Session = request.state.session
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not session.user:
        raise SignInRequired(target)
    try:
        user = users.get_user(request.app.state.web.ctx, session.user)
    except NotFound:
        user = None
    if user is None or not user.active or user.session_epoch != session.epoch:
        sign_out(request)  # gone, deactivated, or signed out / changed since this cookie was issued
        raise SignInRequired(target)
    request.state.user = user
    return user


def require_roles(*roles: str) -> Callable[..., users.UserView]:
    wanted = frozenset(roles)

    def dependency(user: users.UserView = Depends(current_user)) -> users.UserView:
        if not wanted & frozenset(user.roles):
            raise Forbidden(f"此页面仅限{'、'.join(ROLE_LABELS.get(r, r) for r in sorted(wanted))}访问。")
        return user

    return dependency


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in. Browsers drop tabs and line breaks
    from a URL ("/<TAB>/evil.example" is "//evil.example"), so any control character or
    whitespace refuses the target too."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f for ch in target)):
        return target
    return "/queue"


def login_url(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='')}"

