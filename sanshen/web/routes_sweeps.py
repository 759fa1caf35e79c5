"""Admin page: the site-wide re-check (存量信息排查) — ask for one, watch its progress, read the pages
that now have errors per column — and the latest link sweep's dead and moved links."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from sanshen.service.site_links import link_report
from sanshen.service.site_sweep import recent_sweeps, request_site_sweep, sweep_view
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.forms import optional_int
from sanshen.web.render import page
from sanshen.web.state import app_ctx

router = APIRouter(prefix="/admin/sweeps", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")
REFRESH_SECONDS = 3
STATE_LABELS = {"queued": "排队中", "running": "进行中", "done": "完成", "failed": "失败"}
TRIGGER_LABELS = {"manual": "手动", "lexicon": "词库变更"}


@router.get("")
def sweeps(request: Request, id: str = "", me: UserView = Depends(admin_only)) -> Response:
    ctx = app_ctx(request)
    chosen = sweep_view(ctx, optional_int(id, what="复查编号"))
    runs = recent_sweeps(ctx)
    active = any(run.state in ("queued", "running") for run in runs)
    return page(request, "admin_sweeps.html", "站点巡检", chosen=chosen, runs=runs, links=link_report(ctx),
                refresh=REFRESH_SECONDS if active else None, states=STATE_LABELS, triggers=TRIGGER_LABELS)


@router.post("")
def request_sweep(request: Request, column: str = Form(""), me: UserView = Depends(admin_only)) -> Response:
    view = request_site_sweep(app_ctx(request), me, column=column.strip() or None)
    return RedirectResponse(f"/admin/sweeps?id={view.id}&done=sweep_requested", status_code=303)
