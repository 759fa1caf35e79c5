"""The in-app notification list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sanshen.service import notifications
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, current_user
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/notifications", dependencies=[Depends(csrf_protect)])


@router.get("")
def inbox(request: Request, me: UserView = Depends(current_user)) -> Response:
    return page(request, "notifications.html", "通知", items=notifications.for_user(app_ctx(request), me))


@router.post("/read-all")
def read_all(request: Request, me: UserView = Depends(current_user)) -> Response:
    notifications.mark_read(app_ctx(request), me, now=now(request))
    return RedirectResponse("/notifications?done=read", status_code=303)


@router.post("/{notification_id}/read")
def read_one(request: Request, notification_id: int, me: UserView = Depends(current_user)) -> Response:
    notifications.mark_read(app_ctx(request), me, [notification_id], now=now(request))
    return RedirectResponse("/notifications?done=read", status_code=303)
