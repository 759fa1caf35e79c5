"""意见 on the draft page: comments on passages, suggested edits (留痕) with their confirm step, the
confirm step before a revision voids sign-offs, and the printable 审签单."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from review.refusals import Refused
from sanshen.service import drafts, opinions, suggestions
from sanshen.service.drafts import AttachmentChange
from sanshen.service.views import DraftDetail, UserView
from sanshen.web.auth import csrf_protect, current_user
from sanshen.web.forms import carried_attachments, optional_int
from sanshen.web.render import STATIC_DIR, page
from sanshen.web.sheet_pdf import chromium_path, html_to_pdf
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _back(draft_id: int, what: str, anchor: str) -> Response:
    return RedirectResponse(f"/drafts/{draft_id}?done={what}#{anchor}", status_code=303)


def opinions_context(ctx, detail: DraftDetail, me: UserView) -> dict:
    """What the draft page's 意见 and 修改建议 sections show, and which of their forms this user gets
    (the service still guards each action)."""
    from review import remarks

    def allowed(rule) -> bool:
        try:
            rule()
        except Refused:
            return False
        return True

    case = _case(ctx, detail.id)
    wf = _workflow(ctx, detail.id)
    actor = me.actor()
    return {
        "opinions": opinions.timeline(ctx, me, detail.id),
        "suggestions": suggestions.for_draft(ctx, me, detail.id),
        "suggestion_status": suggestions.STATUS_LABELS,
        "can_comment": allowed(lambda: remarks.may_comment(wf, case, actor)),
        "can_suggest": allowed(lambda: remarks.may_suggest(wf, case, actor)),
        "can_decide": allowed(lambda: remarks.may_decide(wf, case, actor)),
        "sheet_pdf": chromium_path() is not None,
    }


def _case(ctx, draft_id: int):
    from casestore.load import load_case
    from sanshen.service.tx import reading

    with reading(ctx) as session:
        return load_case(session, draft_id, with_interpretation=False)


def _workflow(ctx, draft_id: int):
    from sanshen.service.tx import reading
    from storage.models import Draft

    with reading(ctx) as session:
        return ctx.workflows.of(session, session.get(Draft, draft_id))


@router.post("/drafts/{draft_id}/comments")
def add_comment(request: Request, draft_id: int, quote: str = Form(""), occurrence: str = Form("1"),
                text: str = Form(""), revision: str = Form(""), me: UserView = Depends(current_user)) -> Response:
    opinions.add_comment(app_ctx(request), me, draft_id, text=text, quote=quote.replace("\r\n", "\n"),
                         occurrence=optional_int(occurrence, what="第几处") or 1,
                         revision=optional_int(revision, what="稿件版本"), now=now(request))
    return _back(draft_id, "commented", "opinions")


@router.post("/drafts/{draft_id}/suggestions")
def suggest(request: Request, draft_id: int, old_text: str = Form(""), new_text: str = Form(""),
            reason: str = Form(""), occurrence: str = Form("1"), revision: str = Form(""),
            me: UserView = Depends(current_user)) -> Response:
    suggestions.suggest(app_ctx(request), me, draft_id, old_text=old_text.replace("\r\n", "\n"),
                        new_text=new_text.replace("\r\n", "\n"), reason=reason,
                        occurrence=optional_int(occurrence, what="第几处") or 1,
                        revision=optional_int(revision, what="稿件版本"), now=now(request))
    return _back(draft_id, "suggested", "suggestions")


@router.get("/drafts/{draft_id}/suggestions/{suggestion_id}/accept")
def confirm_accept(request: Request, draft_id: int, suggestion_id: int,
                   me: UserView = Depends(current_user)) -> Response:
    preview = suggestions.preview_accept(app_ctx(request), me, draft_id, suggestion_id)
    shown = next(s for s in suggestions.for_draft(app_ctx(request), me, draft_id) if s.id == suggestion_id)
    return page(request, "confirm_revision.html", "采纳修改建议", heading=f"采纳修改建议 #{suggestion_id}",
                draft_id=draft_id, preview=preview, carry={}, suggestion=shown,
                action=f"/drafts/{draft_id}/suggestions/{suggestion_id}/accept",
                confirm_label="确认采纳并生成新版本")


@router.post("/drafts/{draft_id}/suggestions/{suggestion_id}/accept")
async def accept(request: Request, draft_id: int, suggestion_id: int, me: UserView = Depends(current_user)) -> Response:
    form = await request.form()
    suggestions.accept(app_ctx(request), me, draft_id, suggestion_id, note=str(form.get("note", "")),
                       expect_voided=_expected(form), now=now(request))
    return _back(draft_id, "suggestion_accepted", "suggestions")


@router.post("/drafts/{draft_id}/suggestions/{suggestion_id}/reject")
def reject(request: Request, draft_id: int, suggestion_id: int, note: str = Form(""),
           me: UserView = Depends(current_user)) -> Response:
    suggestions.reject(app_ctx(request), me, draft_id, suggestion_id, note=note, now=now(request))
    return _back(draft_id, "suggestion_rejected", "suggestions")


def _expected(form: FormData) -> list[str]:
    return [str(v) for v in form.getlist("expect_voided")]


def confirm_revision(request: Request, me: UserView, draft_id: int, form: FormData, *, body: str,
                     title: str | None, attachments: AttachmentChange | None = None
                     ) -> tuple[Response | None, list[str] | None]:
    """Before a revision is saved from the web form: the confirm page when it would void sign-offs
    (and it was not confirmed yet); else None and the sign-offs the author agreed to void. The
    attachment changes are carried through the confirm page (new files as Base64 fields)."""
    if form.get("confirm") == "1":
        return None, _expected(form)
    preview = drafts.revision_preview(app_ctx(request), me, draft_id, body, title=title, attachments=attachments)
    if not preview.voided:
        return None, []
    carry = {"title": title or "", "body": body, "comment": str(form.get("comment", ""))}
    change = attachments or AttachmentChange()
    return page(request, "confirm_revision.html", "确认提交修改稿", heading="提交修改稿前请确认",
                draft_id=draft_id, preview=preview, carry=carry, action=f"/drafts/{draft_id}/revise",
                confirm_label="确认提交修改稿", carried_files=carried_attachments(change),
                removed_files=change.remove), None


@router.get("/drafts/{draft_id}/sheet")
def sign_sheet(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    sheet = opinions.sign_sheet(app_ctx(request), me, draft_id)
    return page(request, "sign_sheet.html", f"审签单 · {sheet.title}", sheet=sheet, now=now(request))


@router.get("/drafts/{draft_id}/sheet.pdf")
def sign_sheet_pdf(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    sheet = opinions.sign_sheet(app_ctx(request), me, draft_id)
    templates = request.app.state.web.templates
    html = templates.get_template("sign_sheet_pdf.html").render(
        sheet=sheet, now=now(request), for_pdf=True, css=(STATIC_DIR / "sanshen.css").read_text(encoding="utf-8"))
    return Response(html_to_pdf(html), media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'审签单-{draft_id}.pdf', safe='')}"})
