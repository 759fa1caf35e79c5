"""Sign-in and sign-out pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from sanshen.service import users
from sanshen.service.errors import AuthError
from sanshen.web.auth import csrf_protect, end_sessions, safe_next, sign_in
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/queue") -> Response:
    return page(request, "login.html", "登录", next=safe_next(next), username="", error=None)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/queue")) -> Response:
    try:
        user = users.authenticate_password(app_ctx(request), username.strip(), password, now=now(request))
    except AuthError as exc:
        return page(request, "login.html", "登录", status_code=401,
                    next=safe_next(next), username=username, error=exc.message)
    sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    end_sessions(request)
    return RedirectResponse("/login", status_code=303)
