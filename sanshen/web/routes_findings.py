"""Acting on a finding where it is shown: adding its text to the allow list (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from checking.categories import CATEGORIES
from review.refusals import InvalidInput
from sanshen.service import drafts, lexicon
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])

ALLOW_LISTED = frozenset(str(c) for c, rule in CATEGORIES.items() if rule.allow_listed)


@router.post("/drafts/{draft_id}/findings/{finding_id}/allow")
def allow(request: Request, draft_id: int, finding_id: int, note: str = Form(""),
          me: UserView = Depends(require_roles("admin"))) -> Response:
    ctx = app_ctx(request)
    found = next((f for f in drafts.show(ctx, me, draft_id).findings if f.id == finding_id), None)
    if found is None:
        raise InvalidInput("unknown_finding", f"稿件 {draft_id} 的当前版本没有编号为 {finding_id} 的问题")
    if found.category not in ALLOW_LISTED:
        raise InvalidInput("not_allow_listed", "这一类问题不受白名单约束，请豁免或修改稿件")
    if not note.strip():
        raise InvalidInput("note_required", "加入白名单须说明理由")
    lexicon.add_entry(ctx, me, lexicon.LexiconInput(kind="allow", term=found.text, category=found.category,
                                                   note=f"稿件 {draft_id} 问题 #{finding_id}：{note.strip()}"),
                      now=now(request))
    return RedirectResponse(f"/drafts/{draft_id}?done=allowed", status_code=303)
