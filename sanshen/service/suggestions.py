"""Suggested edits (留痕): a proofreader or reviewer proposes old text → new text with a reason;
the author (or a stage the workflow permits) accepts it, which saves a new revision, or rejects it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from casestore.load import current_revision, load_case
from review import remarks
from review.anchors import CONTEXT
from review.events import Event, SuggestionDecided
from review.refusals import Conflict, InvalidInput
from sanshen.service import drafts, validate
from sanshen.service.drafts import _get_draft, _require_reader
from sanshen.service.errors import NotFound
from sanshen.service.passages import PARTS, clean_span_text, locate, part_text, passage_now
from sanshen.service.tx import action, reading
from sanshen.service.views import DraftView, RevisionPreview, SuggestionView, UserView
from storage.audit import append_event
from storage.models import Revision, SuggestedEdit, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

OPEN, ACCEPTED, REJECTED, STALE = "open", "accepted", "rejected", "stale"
STATUS_LABELS = {OPEN: "待处理", ACCEPTED: "已采纳", REJECTED: "未采纳", STALE: "原文已不存在"}


def suggest(ctx: "AppContext", actor: UserView, draft_id: int, *, old_text: str, new_text: str, reason: str = "",
            occurrence: int = 1, start: int | None = None, end: int | None = None, part: str = "body",
            revision: int | None = None, now: datetime) -> SuggestionView:
    old_text = clean_span_text(old_text, what="原文")
    new_text = clean_span_text(new_text, what="建议改为")
    reason = validate.one_line(reason, what="修改理由", required=False)
    if old_text == new_text:
        raise InvalidInput("same_text", "建议的文字与原文相同")
    with action(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        stage = remarks.may_suggest(wf, load_case(session, draft_id, with_interpretation=False), actor.actor())
        if revision is not None and revision != draft.current_revision:
            raise Conflict("stale_revision", f"稿件已更新为第 {draft.current_revision} 版（您看到的是第 {revision} 版），"
                                             "请查看最新版本后再提出修改建议")
        rev = current_revision(session, draft)
        text = part_text(part, title=rev.title, body=rev.body)
        s, e = locate(text, quote=old_text, occurrence=occurrence, start=start, end=end, where=PARTS[part])
        row = SuggestedEdit(draft_id=draft_id, revision=rev.number, user_id=actor.id, stage=stage, part=part, start=s,
                            end=e, old_text=text[s:e], new_text=new_text, before=text[max(0, s - CONTEXT):s],
                            after=text[e:e + CONTEXT], reason=reason, status=OPEN, at=now)
        session.add(row)
        session.flush()
        append_event(session, action="suggestion.made", actor=actor.name, draft_id=draft_id, at=now, payload={
            "suggestion_id": row.id, "user": actor.name, "revision": rev.number, "stage": stage, "part": part,
            "start": s, "end": e, "old_text": row.old_text, "new_text": new_text, "reason": reason})
        return _views(session, draft_id, [row])[0]


def for_draft(ctx: "AppContext", actor: UserView, draft_id: int) -> tuple[SuggestionView, ...]:
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        _require_reader(ctx.workflows.of(session, draft), actor, draft)
        rows = session.scalars(select(SuggestedEdit).where(SuggestedEdit.draft_id == draft_id)
                               .order_by(SuggestedEdit.id)).all()
        return tuple(_views(session, draft_id, rows))


def _views(session: Session, draft_id: int, rows: Sequence[SuggestedEdit]) -> list[SuggestionView]:
    people = {u.id: u for u in session.scalars(select(User))}
    revisions = [(r.number, r.title, r.body) for r in session.scalars(
        select(Revision).where(Revision.draft_id == draft_id).order_by(Revision.number))]
    out = []
    for r in rows:
        passage = passage_now(r.part, r.old_text, r.before, r.after, r.start, r.revision, revisions)
        status = STALE if r.status == OPEN and passage.detached else r.status
        who, decider = people[r.user_id], people.get(r.decided_by) if r.decided_by else None
        out.append(SuggestionView(
            id=r.id, user=who.name, display=who.display or who.name, stage=r.stage, revision=r.revision,
            old_text=r.old_text, new_text=r.new_text, reason=r.reason, status=status, passage=passage, at=r.at,
            decided_by=decider.name if decider else None, decided_at=r.decided_at, decision_note=r.decision_note,
            made_revision=r.made_revision,
        ))
    return out


def _open_one(session: Session, draft_id: int, suggestion_id: int) -> tuple[SuggestedEdit, SuggestionView]:
    row = session.get(SuggestedEdit, suggestion_id) if validate.is_row_id(suggestion_id) else None
    if row is None or row.draft_id != draft_id:
        raise NotFound("unknown_suggestion", f"稿件 {draft_id} 没有编号为 {suggestion_id} 的修改建议")
    view = _views(session, draft_id, [row])[0]
    if row.status != OPEN:
        raise Conflict("suggestion_decided", f"修改建议 #{suggestion_id} 已{STATUS_LABELS[row.status]}")
    if view.passage.detached:
        raise Conflict("suggestion_stale", f"修改建议 #{suggestion_id} 所针对的原文“{row.old_text}”在当前版本中已不存在，"
                                           "无法采纳；请拒绝或请建议人按当前版本重新提出")
    return row, view


def _applied(ctx: "AppContext", actor: UserView, draft_id: int, suggestion_id: int) -> tuple[str, str, bool]:
    """The current title and body with the suggestion applied, and whether the actor decides as a stage."""
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        case = load_case(session, draft_id, with_interpretation=False)
        remarks.may_decide(wf, case, actor.actor())
        row, view = _open_one(session, draft_id, suggestion_id)
        rev = current_revision(session, draft)
        title, body = rev.title, rev.body
        s, e = view.passage.start, view.passage.end
        if row.part == "title":
            title = title[:s] + row.new_text + title[e:]
        else:
            body = body[:s] + row.new_text + body[e:]
        return title, body, actor.name != case.author


def preview_accept(ctx: "AppContext", actor: UserView, draft_id: int, suggestion_id: int) -> RevisionPreview:
    """Which sign-offs accepting this suggestion would void (and keep), before anything is saved."""
    title, body, _ = _applied(ctx, actor, draft_id, suggestion_id)
    return drafts.revision_preview(ctx, actor, draft_id, body, title=title)


def accept(ctx: "AppContext", actor: UserView, draft_id: int, suggestion_id: int, *, note: str = "",
           expect_voided: Sequence[str] | None = None, now: datetime) -> DraftView:
    """Apply the suggestion to the current revision as a new revision (one transaction with the decision)."""
    note = validate.one_line(note, what="处理说明", required=False)
    title, body, decider = _applied(ctx, actor, draft_id, suggestion_id)

    def decided(session: Session, number: int) -> list[Event]:
        row = session.get(SuggestedEdit, suggestion_id)
        if row.status != OPEN:
            raise Conflict("suggestion_decided", f"修改建议 #{suggestion_id} 已{STATUS_LABELS[row.status]}")
        row.status, row.decided_by, row.decided_at = ACCEPTED, actor.id, now
        row.decision_note, row.made_revision = note, number
        return [SuggestionDecided(suggestion_id, actor.name, True, note, number)]

    row_text = f"采纳修改建议 #{suggestion_id}" + (f"：{note}" if note else "")
    return drafts.revise(ctx, actor, draft_id, body, title=title, comment=row_text, now=now,
                         expect_voided=expect_voided, made_by=decided, decider=decider)


def reject(ctx: "AppContext", actor: UserView, draft_id: int, suggestion_id: int, *, note: str = "",
           now: datetime) -> SuggestionView:
    note = validate.one_line(note, what="不采纳的理由", required=False)
    with action(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        remarks.may_decide(wf, load_case(session, draft_id, with_interpretation=False), actor.actor())
        row = session.get(SuggestedEdit, suggestion_id) if validate.is_row_id(suggestion_id) else None
        if row is None or row.draft_id != draft_id:
            raise NotFound("unknown_suggestion", f"稿件 {draft_id} 没有编号为 {suggestion_id} 的修改建议")
        if row.status != OPEN:
            raise Conflict("suggestion_decided", f"修改建议 #{suggestion_id} 已{STATUS_LABELS[row.status]}")
        row.status, row.decided_by, row.decided_at, row.decision_note = REJECTED, actor.id, now, note
        session.flush()
        append_event(session, action="suggestion.decided", actor=actor.name, draft_id=draft_id, at=now,
                     payload=SuggestionDecided(suggestion_id, actor.name, False, note, None).payload())
        return _views(session, draft_id, [row])[0]
