"""Pages of a draft's revisions: the list with a selector of any two to compare, an old version,
and the character-level diff."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sanshen.service import revisions
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, current_user
from sanshen.web.forms import optional_int
from sanshen.web.render import page
from sanshen.web.state import app_ctx

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/drafts/{draft_id}/revisions")
def list_revisions(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    revs = revisions.list_revisions(app_ctx(request), me, draft_id)
    return page(request, "revisions.html", f"稿件 {draft_id} 的版本", draft_id=draft_id, revisions=revs, diff=None)


@router.get("/drafts/{draft_id}/revisions/{number}")
def show_revision(request: Request, draft_id: int, number: int, me: UserView = Depends(current_user)) -> Response:
    rev = revisions.revision(app_ctx(request), me, draft_id, number)
    return page(request, "revision.html", f"{rev.title}（第 {rev.number} 稿）", draft_id=draft_id, rev=rev)


@router.get("/drafts/{draft_id}/diff")
def show_diff(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    q = request.query_params
    ctx = app_ctx(request)
    diff = revisions.diff(ctx, me, draft_id, old=optional_int(q.get("from"), what="旧版本"),
                          new=optional_int(q.get("to"), what="新版本"))
    return page(request, "revisions.html", f"稿件 {draft_id} 的修改对比", draft_id=draft_id,
                revisions=revisions.list_revisions(ctx, me, draft_id), diff=diff)
