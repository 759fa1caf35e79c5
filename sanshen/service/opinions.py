"""意见 as first-class records: comments on passages, and every sign, return, waiver, withdrawal and
revision note of a draft in time order (from its audit trail), and the 审签单 built from them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from casestore.load import current_revision, load_case
from review import remarks
from review.anchors import CONTEXT
from review.case import SYSTEM_USER
from review.refusals import Conflict
from review.workflow import ROLE_LABELS, WorkflowDef
from sanshen.service import validate
from sanshen.service.drafts import _get_draft, _require_reader
from sanshen.service.passages import PARTS, WHOLE, clean_span_text, locate, part_text, passage_now
from sanshen.service.tx import action, reading
from sanshen.service.views import OpinionView, SheetStageView, SignSheetView, UserView
from storage.audit import append_event
from storage.models import AuditEvent, Draft, FindingRow, PassageComment, Revision, SignOff, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

KIND_LABELS = {
    "submit": "提交稿件", "sign": "签批通过", "return": "退回", "waive": "豁免问题", "withdraw": "撤稿",
    "revise": "提交修改稿", "comment": "意见", "suggest": "修改建议", "suggest_decided": "处理修改建议",
    "waiver_carried": "豁免沿用", "signoff_carried": "签批沿用",
}
_ACTIONS = {
    "draft.submitted": "submit", "stage.signed": "sign", "draft.returned": "return", "finding.waived": "waive",
    "draft.withdrawn": "withdraw", "revision.created": "revise", "comment.added": "comment",
    "suggestion.made": "suggest", "suggestion.decided": "suggest_decided",
    "finding.waiver_carried": "waiver_carried", "signoff.carried": "signoff_carried",
}


# --- comments --------------------------------------------------------------------------

def add_comment(ctx: "AppContext", actor: UserView, draft_id: int, *, text: str, quote: str = "",
                occurrence: int = 1, start: int | None = None, end: int | None = None, part: str = "body",
                revision: int | None = None, now: datetime) -> OpinionView:
    """A comment on a passage of the current revision (or on the whole draft when no passage is named)."""
    text = validate.one_line(text, what="意见")
    quote = clean_span_text(quote, what="所引原文")
    whole = not quote and start is None and end is None
    with action(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        case = load_case(session, draft_id, with_interpretation=False)
        stage = remarks.may_comment(wf, case, actor.actor())
        if revision is not None and revision != draft.current_revision:
            raise_stale(draft, revision)
        rev = current_revision(session, draft)
        if whole:
            row = PassageComment(draft_id=draft_id, revision=rev.number, user_id=actor.id, stage=stage, part=WHOLE,
                                 start=0, end=0, quote="", text=text, at=now)
        else:
            body = part_text(part, title=rev.title, body=rev.body)
            s, e = locate(body, quote=quote, occurrence=occurrence, start=start, end=end, where=PARTS[part])
            row = PassageComment(draft_id=draft_id, revision=rev.number, user_id=actor.id, stage=stage, part=part,
                                 start=s, end=e, quote=body[s:e], before=body[max(0, s - CONTEXT):s],
                                 after=body[e:e + CONTEXT], text=text, at=now)
        session.add(row)
        session.flush()
        append_event(session, action="comment.added", actor=actor.name, draft_id=draft_id, at=now, payload={
            "comment_id": row.id, "user": actor.name, "revision": rev.number, "stage": stage,
            "part": row.part, "quote": row.quote, "text": text})
    return next(o for o in timeline(ctx, actor, draft_id) if o.comment_id == row.id)


def raise_stale(draft: Draft, revision: int) -> None:
    raise Conflict("stale_revision", f"稿件已更新为第 {draft.current_revision} 版（您看到的是第 {revision} 版），"
                                     "请查看最新版本后再发表意见")


# --- the timeline ------------------------------------------------------------------------

def timeline(ctx: "AppContext", actor: UserView, draft_id: int) -> tuple[OpinionView, ...]:
    """Every 意见 on the draft in time order: who (display name, role), at which stage, when, what."""
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        return _timeline(session, wf, draft)


def _timeline(session: Session, wf: WorkflowDef, draft: Draft) -> tuple[OpinionView, ...]:
    people = {u.name: u for u in session.scalars(select(User))}
    author = session.get(User, draft.author_id)
    revisions = [(r.number, r.title, r.body) for r in session.scalars(
        select(Revision).where(Revision.draft_id == draft.id).order_by(Revision.number))]
    comments = {c.id: c for c in session.scalars(select(PassageComment).where(PassageComment.draft_id == draft.id))}
    finding_text = dict(session.execute(select(FindingRow.id, FindingRow.text).where(
        FindingRow.draft_id == draft.id)).all())
    stage_roles = {s.name: s.roles for s in wf.stages}
    out: list[OpinionView] = []
    signed_notes: dict[tuple[str, str, int], str] = {}  # (stage, user, revision) -> the sign's comment
    revision, digest = 1, None
    for e in session.scalars(select(AuditEvent).where(AuditEvent.draft_id == draft.id, AuditEvent.action.in_(
            list(_ACTIONS))).order_by(AuditEvent.seq)):
        p = e.payload
        kind = _ACTIONS[e.action]
        if kind in ("submit", "revise"):
            revision, digest = p.get("revision", revision), p.get("content_hash", digest)
        user = p.get("user") or e.actor or SYSTEM_USER
        if kind == "sign" and user == SYSTEM_USER:
            continue
        stage = p.get("stage") or p.get("from_stage")
        text, passage, comment_id, suggestion_id = "", None, None, p.get("suggestion_id")
        if kind == "sign":
            text = p.get("comment") or ""
            signed_notes[(stage or "", user, p.get("revision", revision))] = text
        elif kind == "return":
            to = p.get("to_stage")
            text = f"{p.get('comment') or ''}（退回到{'“' + to + '”' if to else '作者'}）"
        elif kind == "waive":
            text = f"问题 #{p.get('finding_id')}“{finding_text.get(p.get('finding_id'), '')}”：{p.get('reason') or ''}"
        elif kind == "withdraw":
            text = p.get("reason") or ""
        elif kind == "revise":
            text = p.get("comment") or ""
        elif kind == "submit":
            text = ""
        elif kind == "comment":
            c = comments.get(p.get("comment_id"))
            comment_id = p.get("comment_id")
            text = p.get("text") or ""
            if c is not None:
                passage = passage_now(c.part, c.quote, c.before, c.after, c.start, c.revision, revisions)
        elif kind == "suggest":
            text = f"建议将“{p.get('old_text')}”改为“{p.get('new_text')}”" + (
                f"：{p['reason']}" if p.get("reason") else "")
        elif kind == "suggest_decided":
            verdict = "采纳" if p.get("accepted") else "不采纳"
            made = f"，生成第 {p['made_revision']} 版" if p.get("made_revision") else ""
            text = f"{verdict}修改建议 #{suggestion_id}{made}" + (f"：{p['note']}" if p.get("note") else "")
        elif kind == "waiver_carried":
            user = p.get("waived_by") or user
            text = (f"第 {p.get('revision')} 版中问题 #{p.get('finding_id')} 的原文与上下文未变，沿用对问题 "
                    f"#{p.get('from_finding_id')} 的豁免：{p.get('reason') or ''}")
        elif kind == "signoff_carried":
            user = p.get("signer") or user
            note = signed_notes.get((stage or "", user, p.get("from_revision")), "")
            signed_notes[(stage or "", user, p.get("revision"))] = note
            text = (f"第 {p.get('from_revision')} 版至第 {p.get('revision')} 版仅标点符号修改，按流程规则保留此签批"
                    + (f"（原签批意见：{note}）" if note else ""))
        person = people.get(user)
        out.append(OpinionView(
            kind=kind, kind_label=KIND_LABELS[kind], user=user,
            display=(person.display if person and person.display else user) if user != SYSTEM_USER else "系统",
            role=_role(person, stage_roles.get(stage or ""), is_author=author is not None and user == author.name),
            stage=stage, revision=p.get("revision", revision), content_hash=p.get("content_hash", digest),
            at=e.at, text=text, comment_id=comment_id, suggestion_id=suggestion_id, passage=passage,
        ))
    return tuple(out)


def _role(person: User | None, stage_roles: frozenset[str] | None, *, is_author: bool) -> str:
    if person is None:
        return "系统"
    roles = [r for r in person.roles.split(",") if r]
    acting = sorted(set(roles) & stage_roles) if stage_roles else []
    if acting:
        return "、".join(ROLE_LABELS.get(r, r) for r in acting)
    if is_author:
        return "作者"
    return "、".join(ROLE_LABELS.get(r, r) for r in roles) or "—"


# --- the 审签单 ------------------------------------------------------------------------------

def sign_sheet(ctx: "AppContext", actor: UserView, draft_id: int) -> SignSheetView:
    """The draft's 审签单: each stage with the sign-offs that count on the current content hash,
    then every 意见 in time order."""
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        rev = current_revision(session, draft)
        opinions = _timeline(session, wf, draft)
        author = session.get(User, draft.author_id)
        live = {(s.stage, name) for s, name in session.execute(
            select(SignOff, User.name).join(User, User.id == SignOff.user_id).where(
                SignOff.draft_id == draft.id, SignOff.revision == rev.number, SignOff.content_hash == rev.content_hash,
                SignOff.decision == "approve", SignOff.voided_at.is_(None)))}
        stages = []
        for stage in wf.stages:
            signs = tuple(o for o in opinions if o.kind in ("sign", "signoff_carried") and o.stage == stage.name
                          and o.revision == rev.number and (stage.name, o.user) in live)
            if not stage.human:
                status = "done" if (stage.name, SYSTEM_USER) in live else "pending"
            else:
                status = "done" if len({o.user for o in signs}) >= stage.quorum else "pending"
            stages.append(SheetStageView(name=stage.name, label=stage.label, status=status, signoffs=signs))
        return SignSheetView(
            id=draft.id, title=draft.title, revision=rev.number, content_hash=rev.content_hash, status=draft.status,
            author=author.name, author_display=author.display or author.name, column=draft.column, kind=draft.kind,
            disclosure=draft.disclosure, submitted_at=draft.submitted_at, published_at=draft.published_at,
            stages=tuple(stages), opinions=opinions,
        )


def display_names(ctx: "AppContext") -> dict[str, str]:
    """User name → display name (for pages that list people by name, like the audit trail)."""
    with reading(ctx) as session:
        return {name: display for name, display in session.execute(select(User.name, User.display)) if display}
