"""Admin pages: users and roles."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from sanshen.service import users
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")


def _users_page(request: Request, **extra) -> Response:
    return page(request, "admin_users.html", "用户与角色", users=users.list_users(app_ctx(request)),
                now=now(request), **extra)


@router.get("/users")
def list_users(request: Request, me: UserView = Depends(admin_only)) -> Response:
    return _users_page(request, new_user=None, new_token=None)


@router.post("/users")
def add_user(request: Request, name: str = Form(""), display: str = Form(""), dept: str = Form(""),
             email: str = Form(""), roles: list[str] = Form(default_factory=list), password: str = Form(""),
             me: UserView = Depends(admin_only)) -> Response:
    ctx = app_ctx(request)
    if password:
        users.check_password(password)  # before the user exists: a refused password creates no one
    user, token = users.add_user(ctx, me, name.strip(), roles, display=display, dept=dept,
                                 email=email.strip() or None, now=now(request))
    if password:
        users.set_password(ctx, me, user.name, password, now=now(request))
    # The token is shown once, in this response, never again.
    return _users_page(request, new_user=user.name, new_token=token)


@router.post("/users/{name}/roles")
def set_roles(request: Request, name: str, roles: list[str] = Form(default_factory=list),
              me: UserView = Depends(admin_only)) -> Response:
    users.set_roles(app_ctx(request), me, name, roles, now=now(request))
    return RedirectResponse("/admin/users?done=roles_set", status_code=303)


@router.post("/users/{name}/password")
def set_password(request: Request, name: str, password: str = Form(""), me: UserView = Depends(admin_only)) -> Response:
    users.set_password(app_ctx(request), me, name, password, now=now(request))
    return RedirectResponse("/admin/users?done=password_set", status_code=303)


@router.post("/users/{name}/active")
def set_active(request: Request, name: str, active: str = Form(""), me: UserView = Depends(admin_only)) -> Response:
    users.set_active(app_ctx(request), me, name, active == "1", now=now(request))
    return RedirectResponse(f"/admin/users?done={'activated' if active == '1' else 'deactivated'}", status_code=303)


@router.post("/users/{name}/unlock")
def unlock(request: Request, name: str, me: UserView = Depends(admin_only)) -> Response:
    users.unlock(app_ctx(request), me, name, now=now(request))
    return RedirectResponse("/admin/users?done=unlocked", status_code=303)
