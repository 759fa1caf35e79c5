"""Admin page: the background work not done yet and the dead letters; a dead item can be requeued (audited)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sanshen.service import outbox
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/admin/outbox", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")
SHOWN = {"open": "未完成", "dead": "已放弃", "all": "全部"}


@router.get("")
def items(request: Request, state: str = "open", me: UserView = Depends(admin_only)) -> Response:
    state = state if state in SHOWN else "open"
    rows = outbox.list_items(app_ctx(request), me, state=state)
    return page(request, "admin_outbox.html", "后台任务", items=rows, state=state, shown=SHOWN,
                labels=outbox.STATE_LABELS, limit=outbox.LIST_LIMIT)


@router.post("/{item_id}/requeue")
def requeue(request: Request, item_id: int, me: UserView = Depends(admin_only)) -> Response:
    outbox.requeue(app_ctx(request), me, item_id, now=now(request))
    return RedirectResponse("/admin/outbox?state=dead&done=requeued", status_code=303)
