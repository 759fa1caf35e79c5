"""Pages of one draft: the queue, new draft, my drafts, the draft page and its actions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from checking.categories import CATEGORY_LABELS
from checking.located import Part
from flows.site import item_path
from lexicon.vocabulary import DraftKind, DraftStatus
from review.refusals import Refused
from sanshen.service import audit, claims, columns, drafts, revisions
from sanshen.service.errors import answer
from sanshen.service.paragraphs import follow_paragraph_breaks
from sanshen.service.schedule import moment
from sanshen.service.sign_refusal import sign_refusals
from sanshen.service.views import DraftDetail, DraftView, UserView
from sanshen.web import routes_opinions
from sanshen.web.auth import csrf_protect, current_user, require_roles
from sanshen.web.forms import CARRY_PART_BYTES, attachment_change, body_from_form, optional_int, read_attachments
from sanshen.web.highlight import segments
from sanshen.web.render import page
from sanshen.web.routes_findings import ALLOW_LISTED
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])

QUEUE_PAGE_LIMIT = 200


def _done(draft_id: int, what: str) -> Response:
    return RedirectResponse(f"/drafts/{draft_id}?done={what}", status_code=303)


@router.get("/queue")
def queue(request: Request, me: UserView = Depends(current_user)) -> Response:
    ctx = app_ctx(request)
    if me.has_role("editor") and not _reviews(ctx, me):  # an editor's desk is their drafts, not an empty queue
        return RedirectResponse("/drafts/mine", status_code=303)
    items = drafts.queue(ctx, me, now=now(request), limit=QUEUE_PAGE_LIMIT)
    return page(request, "queue.html", "我的待办", items=items, limit=QUEUE_PAGE_LIMIT, now=now(request),
                next_item=claims.pick_next(items, me), urgent_alerts=[i for i in items if i.urgent])


def _reviews(ctx, me: UserView) -> bool:
    """Whether the user holds a role of some human stage (has a queue at all)."""
    return any(s.human and s.roles & set(me.roles) for s in ctx.workflow.stages)


@router.get("/drafts/new")
def new_draft_form(request: Request, me: UserView = Depends(require_roles("editor"))) -> Response:
    return _new_draft_page(request, FormData(), error=None)


def _new_draft_page(request: Request, form: FormData, *, error: str | None, status_code: int = 200) -> Response:
    values = {k: form.get(k, "") for k in ("title", "column", "kind", "disclosure", "disclosure_reason",
                                            "interprets", "body", "urgent", "disclosure_ground", "publish_at",
                                            "expires_at")}
    values["kind"] = values["kind"] or DraftKind.NEWS
    return page(
        request, "new_draft.html", "新建稿件", status_code=status_code, form=values, error=error,
        idempotency_key=form.get("idempotency_key") or secrets.token_urlsafe(16),
        urgent_hours=f"{app_ctx(request).settings.urgent_deadline_hours:g}",
        columns=[c.name for c in columns.list_columns(app_ctx(request), include_inactive=False)],
    )


@router.post("/drafts")
async def submit(request: Request, me: UserView = Depends(require_roles("editor"))) -> Response:
    form = await request.form()
    try:
        body = await body_from_form(form)
        submission = drafts.SubmitInput(
            title=str(form.get("title", "")),
            body=body,
            column=str(form.get("column", "")).strip(),
            kind=str(form.get("kind", DraftKind.NEWS)),
            disclosure=str(form.get("disclosure", "")) or None,
            disclosure_reason=str(form.get("disclosure_reason", "")).strip() or None,
            disclosure_ground=str(form.get("disclosure_ground", "")).strip() or None,
            urgent=form.get("urgent") == "1",
            interprets=optional_int(form.get("interprets"), what="所解读的政策文件编号"),
            idempotency_key=str(form.get("idempotency_key", "")) or None,
            attachments=await read_attachments(form.getlist("attachments")),
            publish_at=moment(str(form.get("publish_at", "")), what="定时发布时间"),
            expires_at=moment(str(form.get("expires_at", "")), what="下线时间"),
        )
        view = drafts.submit(app_ctx(request), me, submission, now=now(request))
    except Refused as exc:  # bad input or a refusal: the form again, with what was typed
        return _new_draft_page(request, form, error=exc.message, status_code=answer(exc).http_status)
    return _done(view.id, "submitted")


@router.get("/drafts/mine")
def my_drafts(request: Request, me: UserView = Depends(require_roles("editor"))) -> Response:
    ctx = app_ctx(request)
    rows = [MyDraft(view, _return_reason(ctx, me, view) if view.status == DraftStatus.RETURNED else None)
            for view in drafts.my_drafts(ctx, me)]
    return page(request, "my_drafts.html", "我的稿件", drafts=rows)


@dataclass(frozen=True)
class MyDraft:
    draft: DraftView
    return_reason: str | None


def _return_reason(ctx, me: UserView, view: DraftView) -> str | None:
    """The comment of the draft's latest return, from its audit trail."""
    returns = [e for e in audit.for_draft(ctx, me, view.id) if e.action == "draft.returned"]
    return str(returns[-1].payload.get("comment") or "") if returns else None


@router.get("/drafts/{draft_id}")
def show(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    ctx = app_ctx(request)
    detail = drafts.show(ctx, me, draft_id, now=now(request))
    after_sign = request.query_params.get("done") == "signed"
    return page(request, "draft.html", detail.title, **draft_page_context(ctx, detail, me, now(request)),
                **routes_opinions.opinions_context(ctx, detail, me),
                holders=claims.holder_of(ctx, draft_id),
                char_diff=(revisions.diff(ctx, me, draft_id, old=detail.diff_from, new=detail.revision)
                           if detail.diff_from else None),
                sign_refusals=(sign_refusals(ctx, me, draft_id, now=now(request))
                               if not detail.can_sign and detail.status == DraftStatus.IN_REVIEW else []),
                open_errors=sum(1 for f in detail.findings if f.severity == "error" and not f.waived),
                can_allow="admin" in me.roles, allow_listed=ALLOW_LISTED,
                next_item=claims.next_item(ctx, me, now=now(request), after=draft_id) if after_sign else None)


def draft_page_context(ctx, detail: DraftDetail, me: UserView, at: datetime) -> dict:
    """What the draft page shows, and the forms the review rules allow this user now (the service
    still guards each action)."""
    return {
        "d": detail,
        "now": at,
        "title_segments": segments(detail.title, [f for f in detail.findings if f.location.part == Part.TITLE]),
        "segments": segments(detail.body, [f for f in detail.findings if f.location.part == Part.BODY]),
        "diff_lines": diff_lines(detail.diff),
        "category_labels": {str(k): v for k, v in CATEGORY_LABELS.items()},
        "sign_stages": [s for s in detail.stages if s.name in detail.can_sign],
        "return_stages": [s for s in detail.stages if s.name in detail.return_to],
        "can_audit": "admin" in me.roles,
        "published_url": (f"/site/{item_path(detail.id)}"
                          if detail.status == DraftStatus.PUBLISHED else None),
    }


def diff_lines(diff: str | None) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs; file headers dropped."""
    out: list[tuple[str, str]] = []
    for line in (diff or "").splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(("hunk", "⋯"))
        elif line.startswith("-"):
            out.append(("del", line[1:]))
        elif line.startswith("+"):
            out.append(("ins", line[1:]))
        else:
            out.append(("same", line[1:] if line.startswith(" ") else line))
    return out


@router.get("/drafts/{draft_id}/attachments/{attachment_id}")
def download_attachment(request: Request, draft_id: int, attachment_id: int,
                        me: UserView = Depends(current_user)) -> Response:
    found = drafts.attachment(app_ctx(request), me, draft_id, attachment_id)
    # Always a download, never rendered in the app's origin (an HTML attachment must not run here).
    return Response(found.data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name, safe='')}",
        "X-Content-Type-Options": "nosniff",
    })


@router.post("/drafts/{draft_id}/sign")
def sign(request: Request, draft_id: int, stage: str = Form(""), comment: str = Form(""),
         expect_hash: str = Form(""), me: UserView = Depends(current_user)) -> Response:
    drafts.sign(app_ctx(request), me, draft_id, stage=stage or None, comment=comment,
                expect_hash=expect_hash or None, now=now(request))
    return _done(draft_id, "signed")


@router.post("/drafts/{draft_id}/return")
def return_draft(request: Request, draft_id: int, comment: str = Form(""), to_stage: str = Form(""),
                 me: UserView = Depends(current_user)) -> Response:
    drafts.return_draft(app_ctx(request), me, draft_id, comment=comment, to_stage=to_stage or None,
                        now=now(request))
    return _done(draft_id, "returned")


@router.post("/drafts/{draft_id}/waive")
def waive(request: Request, draft_id: int, finding_id: int = Form(...), reason: str = Form(""),
          me: UserView = Depends(current_user)) -> Response:
    drafts.waive(app_ctx(request), me, draft_id, finding_id, reason=reason, now=now(request))
    return _done(draft_id, "waived")


@router.post("/drafts/{draft_id}/revise")
async def revise(request: Request, draft_id: int, me: UserView = Depends(current_user)) -> Response:
    form = await request.form(max_part_size=CARRY_PART_BYTES)
    body = await body_from_form(form)
    if _uploaded_docx(form):  # paragraphs, not lines: keep the breaks of the revision it replaces
        body = follow_paragraph_breaks(body, drafts.show(app_ctx(request), me, draft_id).body)
    title = str(form.get("title", "")).strip() or None
    files = await attachment_change(form)
    confirm, agreed = routes_opinions.confirm_revision(request, me, draft_id, form, body=body, title=title,
                                                       attachments=files)
    if confirm is not None:  # it would void sign-offs: say which before saving
        return confirm
    drafts.revise(app_ctx(request), me, draft_id, body, title=title, comment=str(form.get("comment", "")),
                  now=now(request), expect_voided=agreed, attachments=files)
    return _done(draft_id, "revised")


@router.post("/drafts/{draft_id}/withdraw")
def withdraw(request: Request, draft_id: int, reason: str = Form(""), me: UserView = Depends(current_user)) -> Response:
    drafts.withdraw(app_ctx(request), me, draft_id, reason=reason, now=now(request))
    return _done(draft_id, "withdrawn")


@router.post("/drafts/{draft_id}/disclosure")
def change_disclosure(request: Request, draft_id: int, disclosure: str = Form(""), reason: str = Form(""),
                      ground: str = Form(""), explanation: str = Form(""),
                      me: UserView = Depends(current_user)) -> Response:
    drafts.change_disclosure(app_ctx(request), me, draft_id, disclosure=disclosure, reason=reason,
                             ground=ground or None, explanation=explanation or None, now=now(request))
    return _done(draft_id, "disclosure_changed")


def _uploaded_docx(form: FormData) -> bool:
    upload = form.get("body_file")
    return bool(getattr(upload, "filename", "")) and upload.filename.lower().endswith(".docx")
