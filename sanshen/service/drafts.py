"""Draft actions: submit, revise, sign, return, waive, withdraw; and what people read: show, queue."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from casestore.apply import apply_events
from casestore.load import DraftHead, current_revision, interpretation_of, load_case, load_head
from checking.located import Location
from disclosure.reply import ReplyRefused, check_explanation
from disclosure.terms import WithholdGround
from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from review import transitions
from review.case import Case, OpenFinding
from review.change import CHANGE_LABELS, classify
from review.deadlines import draft_deadline
from review.events import CheckQueued, DraftSubmitted, Event, FindingWaived
from review.refusals import Conflict, InvalidInput, NotPermitted, lost_race
from review.revision import content_hash, publish_meta
from review.workflow import WorkflowDef
from sanshen.service import validate
from sanshen.service.allowed import allowed_actions
from sanshen.service.attachment_text import accepted_type
from sanshen.service.columns import require_column
from sanshen.service.diff import unified_body_diff
from sanshen.service.errors import NotFound
from sanshen.service.queue_extras import queue_extras
from sanshen.service.schedule import check_schedule
from sanshen.service.tx import action, reading
from sanshen.service.views import (
    AttachmentFile,
    AttachmentView,
    DraftDetail,
    DraftView,
    FindingView,
    LocationView,
    QueueItem,
    RevisionPreview,
    SignOffBrief,
    SignOffView,
    StageView,
    UserView,
)
from storage.audit import append_event
from storage.chain import format_at
from storage.models import (
    Attachment,
    Draft,
    Revision,
    SignOff,
    StageTask,
    User,
)

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class AttachmentInput:
    filename: str
    data: bytes
    media_type: str = "application/octet-stream"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class SubmitInput:
    title: str
    body: str
    column: str = ""
    kind: str | None = None  # default: interpretation when ``interprets`` is set, else news
    disclosure: str | None = None
    disclosure_reason: str | None = None
    urgent: bool = False
    interprets: int | None = None
    disclosure_ground: str | None = None  # 不予公开: a disclosure.terms.WithholdGround value or label
    idempotency_key: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()
    publish_at: datetime | None = None  # 定时发布: not before (UTC; see sanshen/service/schedule.py)
    expires_at: datetime | None = None  # 到期下线: taken off the site then, with a record


# --- input ---------------------------------------------------------------------------

def _clean_submission(data: SubmitInput) -> SubmitInput:
    kind = data.kind or (DraftKind.INTERPRETATION if data.interprets is not None else DraftKind.NEWS)
    if DraftKind.of(kind) is None:
        raise InvalidInput("bad_kind", f"未知的稿件类型“{kind}”；可用：{'、'.join(DraftKind)}")
    if data.interprets is not None and kind != DraftKind.INTERPRETATION:
        raise InvalidInput("bad_kind", "只有政策解读稿（类型为“政策解读”）才填写所解读的政策文件编号")
    if kind == DraftKind.INTERPRETATION and data.interprets is None:
        raise InvalidInput("missing_policy", "政策解读稿须指明所解读的政策文件的稿件编号")
    if data.disclosure is not None and Disclosure.of(data.disclosure) is None:
        raise InvalidInput("bad_disclosure", f"公开属性“{data.disclosure}”无效；可用：{'、'.join(Disclosure)}")
    key = data.idempotency_key
    if key is not None:
        key = validate.one_line(key, what="幂等键", max_chars=128)
    _check_new_files(data.attachments)
    reason = validate.one_line(data.disclosure_reason or "", what="不公开理由", required=False) or None
    ground = validate.one_line(data.disclosure_ground or "", what="不予公开的法定依据", required=False) or None
    if ground is not None and WithholdGround.of(ground) is not None:
        ground = WithholdGround.of(ground).value
    return replace(
        data,
        title=validate.title_text(data.title),
        body=validate.body_text(data.body),
        column=validate.one_line(data.column, what="栏目", required=False, max_chars=128),
        kind=kind,
        disclosure_reason=reason,
        disclosure_ground=ground,
        idempotency_key=key,
    )


def _check_attachment(a: AttachmentInput) -> None:
    """The checks every attachment passes before it is stored (at submit and in a revision): a
    one-line name, the size cap, a type the automated pass reads (by its name only: the file is read
    by the pass, off the request)."""
    validate.one_line(a.filename, what="附件文件名", max_chars=255)
    if "\n" in a.filename or "\r" in a.filename:
        raise InvalidInput("bad_attachment_name", f"附件文件名不能换行：“{a.filename.splitlines()[0]}…”")
    if len(a.data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("attachment_too_big", f"附件“{a.filename}”超过 {MAX_ATTACHMENT_BYTES // 1048576} MB")
    accepted_type(a.filename)


@dataclass(frozen=True)
class AttachmentChange:
    """What a revision does to the attachments of the revision it replaces: every file is kept
    unless named in ``remove``; a file in ``add`` is added, and replaces a kept file of the same name."""

    add: tuple[AttachmentInput, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class _FileRow:
    """One attachment of the new revision: copied from the old one or new."""

    filename: str
    sha256: str
    size: int
    media_type: str
    data: bytes


def _named(files: Iterable[AttachmentInput | Attachment | _FileRow]) -> list[tuple[str, str]]:
    """(name, SHA-256) of each file: what the content hash covers of an attachment (review/revision.py)."""
    return [(a.filename, a.sha256) for a in files]


def _check_new_files(files: Sequence[AttachmentInput]) -> None:
    """The files of one submission or one revision: each passes :func:`_check_attachment`, and a name
    comes once (the name is the file's identity on the site and in later revisions)."""
    for a in files:
        _check_attachment(a)
    names = [a.filename for a in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInput("duplicate_attachment", f"同一次提交中有同名的附件：{'、'.join(twice)}；每个文件名只能上传一个")


def _clean_change(change: AttachmentChange | None) -> AttachmentChange:
    if change is None:
        return AttachmentChange()
    _check_new_files(change.add)
    remove = tuple(validate.one_line(n, what="要删除的附件名", max_chars=255) for n in change.remove)
    return AttachmentChange(add=change.add, remove=remove)


def _apply_change(old: Sequence[Attachment], change: AttachmentChange) -> tuple[list[_FileRow], dict]:
    """The new revision's attachments and what changed (for the audit trail): the old files not
    removed, each replaced in its place by a new file of the same name, then the other new files."""
    names = {a.filename for a in old}
    unknown = [n for n in change.remove if n not in names]
    if unknown:
        listed = "、".join(sorted(names)) or "（当前版本没有附件）"
        raise InvalidInput("no_such_attachment", f"当前版本没有名为“{'、'.join(unknown)}”的附件；现有附件：{listed}")
    new = {a.filename: _FileRow(a.filename, a.sha256, len(a.data), a.media_type, a.data) for a in change.add}
    files: list[_FileRow] = []
    placed: set[str] = set()
    for a in old:  # a replaced file takes its old place
        if a.filename in new:
            if a.filename not in placed:
                files.append(new[a.filename])
                placed.add(a.filename)
        elif a.filename not in change.remove:
            files.append(_FileRow(a.filename, a.sha256, a.size, a.media_type, a.data))
    files += [f for name, f in new.items() if name not in placed]
    gone = [a for a in old if a.filename in change.remove or a.filename in new]
    record = {
        "added": [{"name": a.filename, "sha256": a.sha256, "size": a.size} for a in new.values()],
        "removed": [{"name": a.filename, "sha256": a.sha256, "size": a.size} for a in gone],
    }
    return files, record


def _stage_name(wf: WorkflowDef, stage: str | None) -> str | None:
    """The stage asked for, checked before the rules look at the draft: an unknown one is bad input first."""
    return wf.stage(stage).name if stage is not None else None


def _comment(text: str, *, what: str = "意见", required: bool = False) -> str:
    return validate.one_line(text or "", what=what, required=required)


# --- reading rows --------------------------------------------------------------------

def _get_draft(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id) if validate.is_row_id(draft_id) else None
    if draft is None:
        raise _unknown_draft(draft_id)
    return draft


def _get_head(session: Session, draft_id: int) -> DraftHead:
    """The draft with what its case needs of its author and revision (one statement for both)."""
    head = load_head(session, draft_id) if validate.is_row_id(draft_id) else None
    if head is None:
        raise _unknown_draft(draft_id)
    return head


def _unknown_draft(draft_id: int) -> NotFound:
    return NotFound("unknown_draft", f"稿件 {draft_id} 不存在")


def _require_reader(wf: WorkflowDef, actor: UserView, draft: Draft) -> None:
    """Who may read a draft: its author, admins, whoever holds a role of one of its workflow's
    human stages (they work the queue), and, once published, everyone. Another editor's
    unpublished draft (perhaps 不予公开) is not theirs to read."""
    if draft.author_id == actor.id or draft.status == DraftStatus.PUBLISHED or actor.has_role("admin"):
        return
    if any(stage.roles & frozenset(actor.roles) for stage in wf.stages if stage.human):
        return
    raise NotPermitted("forbidden", f"稿件 {draft.id} 不是您的稿件，您也不参与其审核，无权查看")


def _finding_view(of: OpenFinding) -> FindingView:
    f = of.finding
    return FindingView(id=of.id, rule=f.rule, category=str(f.category), severity=str(f.severity), start=f.start,
                       end=f.end, text=f.text, suggestion=f.suggestion, message=f.message, waived=of.waived,
                       location=_location_view(of.location))


def _location_view(where: Location) -> LocationView:
    return LocationView(part=str(where.part), attachment=where.attachment, page=where.page, sheet=where.sheet,
                        label=where.label)


def _view_of_case(draft: Draft, case: Case) -> DraftView:
    """The draft as ``case`` describes it (the case of its current revision)."""
    return DraftView(
        id=draft.id, title=draft.title, revision=case.revision, content_hash=case.content_hash,
        status=draft.status, kind=draft.kind, column=draft.column, disclosure=draft.disclosure,
        urgent=draft.urgent, author=case.author, submitted_at=draft.submitted_at,
        findings=tuple(_finding_view(of) for of in case.findings),
    )


def _draft_view(session: Session, draft: Draft) -> DraftView:
    return _view_of_case(draft, load_case(session, draft.id, with_interpretation=False))


# --- saving a revision ---------------------------------------------------------------

def _save_revision(session: Session, revision: Revision, files: Sequence[Attachment | _FileRow]) -> None:
    """A new revision of a draft with copies of ``files`` (the attachments it keeps); its automated
    pass is queued by the transition's ``CheckQueued``."""
    session.add(revision)
    session.flush()
    for a in files:
        session.add(Attachment(revision_id=revision.id, filename=a.filename, sha256=a.sha256,
                               size=a.size, media_type=a.media_type, data=a.data))


# --- actions -------------------------------------------------------------------------

def _existing_submission(session: Session, actor: UserView, key: str, data: SubmitInput,
                         digest: str) -> Draft | None:
    """The draft an earlier submission with this key created, if it was this same submission;
    a key reused for other content is refused rather than answered with the other draft."""
    draft = session.scalar(select(Draft).where(Draft.idempotency_key == key))
    if draft is None:
        return None
    if draft.author_id != actor.id:
        raise Conflict("idempotency_conflict", "该幂等键已被其他用户的稿件使用，请换一个")
    first = session.scalar(select(Revision.content_hash).where(Revision.draft_id == draft.id, Revision.number == 1))
    if (first, draft.urgent, draft.disclosure_reason) != (digest, data.urgent, data.disclosure_reason):
        raise Conflict("idempotency_conflict",
                       f"该幂等键已用于提交内容不同的稿件 {draft.id}；新的稿件请换一个幂等键")
    return draft


def submit(ctx: "AppContext", actor: UserView, data: SubmitInput, *, now: datetime,
           workflow: WorkflowDef | None = None, along: Callable[[Session, int], None] | None = None) -> DraftView:
    """Store a new draft with its first revision, waiting for its automated pass (检查中): a ``check``
    outbox item in the same transaction runs the pass off the request path and then starts the
    review (flows/draftcheck.py; :mod:`sanshen.service.checks` runs it in this process).

    ``workflow``: the definition the draft starts under (a reply to a request starts under the
    reply workflow; its caller checks who may draft it); the configured one otherwise, for editors.
    ``along``: the caller's own writes of the same transaction, given the session and the new draft's
    id (a request records its reply draft: both are stored or neither)."""
    data = _clean_submission(data)
    if workflow is None and not actor.has_role("editor"):
        raise NotPermitted("forbidden", "只有编辑（editor）可以提交稿件")
    if workflow is None and data.kind == DraftKind.REPLY:
        raise InvalidInput("bad_kind", "政府信息公开申请答复书由 sanshen request reply 拟写，不能作为普通稿件提交")
    wf = workflow or ctx.workflow
    transitions.validate_submission(kind=data.kind, disclosure=data.disclosure,
                                    disclosure_reason=data.disclosure_reason, title=data.title, body=data.body,
                                    disclosure_ground=data.disclosure_ground)
    meta = publish_meta(column=data.column, kind=data.kind, disclosure=data.disclosure,
                        interprets=data.interprets)
    digest = content_hash(data.title, data.body, _named(data.attachments), meta)
    check_schedule(data.publish_at, data.expires_at, now=now)
    with reading(ctx) as session:
        require_column(session, data.column)
    if data.idempotency_key is not None:
        with reading(ctx) as session:
            existing = _existing_submission(session, actor, data.idempotency_key, data, digest)
            if existing is not None:
                return _draft_view(session, existing)
    draft = _new_draft(wf, actor, data, now=now)
    try:
        with action(ctx) as session:
            if data.interprets is not None:
                _check_policy(session, data.interprets)
            draft.department = session.scalar(select(User.dept).where(User.id == actor.id)) or ""
            view = _create_draft(wf, session, actor, draft, data, meta, digest, now=now)
            if along is not None:
                along(session, view.id)
    except IntegrityError:
        if data.idempotency_key is None:
            raise
        with reading(ctx) as session:  # the same submission won a race
            existing = _existing_submission(session, actor, data.idempotency_key, data, digest)
            if existing is None:
                raise
            return _draft_view(session, existing)
    return view


def _new_draft(wf: WorkflowDef, actor: UserView, data: SubmitInput, *, now: datetime) -> Draft:
    return Draft(
        title=data.title, column=data.column, kind=data.kind, disclosure=data.disclosure,
        disclosure_reason=data.disclosure_reason, disclosure_ground=data.disclosure_ground,
        urgent=data.urgent, author_id=actor.id,
        interprets_id=data.interprets, workflow_name=wf.name, workflow_version=wf.version,
        status=DraftStatus.CHECKING, current_revision=1, submitted_at=now,
        deadline_at=draft_deadline(wf, submitted_at=now, urgent=data.urgent),
        idempotency_key=data.idempotency_key, publish_at=data.publish_at, expires_at=data.expires_at,
    )


def _check_policy(session: Session, policy_id: int) -> None:
    policy = _get_draft(session, policy_id)
    if policy.kind != DraftKind.POLICY:
        raise InvalidInput("not_a_policy", f"稿件 {policy_id} 不是政策文件（policy），不能为它提交解读稿")
    other = interpretation_of(session, policy_id)
    if other is not None:
        raise Conflict("has_interpretation",
                       f"政策文件 {policy_id} 已有解读稿 {other.id}，请修改该解读稿，不要另行提交")


def _create_draft(wf: WorkflowDef, session: Session, actor: UserView, draft: Draft, data: SubmitInput,
                  meta: dict, digest: str, *, now: datetime) -> DraftView:
    session.add(draft)
    session.flush()
    revision = Revision(draft_id=draft.id, number=1, title=data.title, body=data.body, meta=meta,
                        content_hash=digest, author_id=actor.id, created_at=now)
    session.add(revision)
    session.flush()
    session.add_all(
        Attachment(revision_id=revision.id, filename=a.filename, sha256=a.sha256, size=len(a.data),
                   media_type=a.media_type, data=a.data)
        for a in data.attachments
    )
    submitted = DraftSubmitted(
        user=actor.name, revision=1, content_hash=digest, kind=data.kind, disclosure=data.disclosure,
        urgent=data.urgent, deadline_at=draft.deadline_at, workflow=wf.name, workflow_version=wf.version,
    )
    events = [submitted, CheckQueued(1, digest)]
    apply_events(session, draft, events, now=now, actor=actor.name, workflow=wf)
    if draft.publish_at is not None or draft.expires_at is not None:
        append_event(session, action="draft.scheduled", actor=actor.name, draft_id=draft.id, at=now,
                     payload={"publish_at": format_at(draft.publish_at) if draft.publish_at else None,
                              "expires_at": format_at(draft.expires_at) if draft.expires_at else None})
    return _draft_view(session, draft)


def revise(ctx: "AppContext", actor: UserView, draft_id: int, body: str, *, title: str | None = None,
           comment: str = "", now: datetime, expect_voided: Sequence[str] | None = None,
           made_by: Callable[[Session, int], Sequence[Event]] | None = None, decider: bool = False,
           attachments: AttachmentChange | None = None) -> DraftView:
    """A new revision: voids the sign-offs the workflow does not keep for this kind of change (by
    default all of them); the revision waits for its automated pass (检查中), after which review
    restarts at the first human stage not done and waivers of findings whose text and context are
    unchanged carry over (flows/draftcheck.py).

    ``expect_voided``: the sign-offs ("stage:user") the author was shown would be voided; if the
    revision would now void others, it is refused (someone signed in between). ``made_by``: extra
    events of the same transaction (an accepted suggested edit), given the session and the new
    revision number. ``attachments``: files added, replaced or removed (the rest are kept); the new
    bytes are part of the content hash, so no sign-off carries over to a changed attachment."""
    body = validate.body_text(body)
    title = validate.title_text(title) if title is not None else None
    comment = _comment(comment, what="修改说明")
    wanted = _clean_change(attachments)
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        _require_reader(ctx.workflows.of(session, draft), actor, draft)
        old = current_revision(session, draft)
        read_version = draft.lock_version
        new_title = title or old.title
        old_files = session.scalars(select(Attachment).where(Attachment.revision_id == old.id)
                                    .order_by(Attachment.id)).all()
        files, record = _apply_change(old_files, wanted)
        digest = content_hash(new_title, body, _named(files), old.meta)
        # the old revision under the current definition too: one stored before names were hashed
        if digest in (old.content_hash, content_hash(old.title, old.body, _named(old_files), old.meta)):
            raise Conflict("no_change", f"内容与当前第 {old.number} 版完全相同，未生成新的修订版本")
        meta = dict(old.meta)
        same_files = sorted(_named(old_files)) == sorted(_named(files))
    change = classify(old.title, old.body, new_title, body, same_files=same_files)
    with action(ctx) as session:
        draft = _get_draft(session, draft_id)
        if draft.lock_version != read_version:
            raise lost_race()
        case = load_case(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        number = old.number + 1
        if expect_voided is not None:
            would = {f"{s.stage}:{s.user}" for s in transitions.voided_by_revision(wf, case, change)}
            if not would <= set(expect_voided):
                raise Conflict("voids_changed", "在您确认之后又有人签批了本稿件，保存将作废更多签批，请重新查看后再确认")
        events = transitions.revise(wf, case, actor.actor(), revision=number, content_hash=digest,
                                    comment=comment, now=now, change=change, decider=decider, check_first=True)
        revision = Revision(draft_id=draft_id, number=number, title=new_title, body=body, meta=meta,
                            content_hash=digest, author_id=actor.id, comment=comment, created_at=now)
        _save_revision(session, revision, files)
        if made_by is not None:
            events += made_by(session, number)
        draft.title = new_title
        apply_events(session, draft, events, now=now, actor=actor.name, workflow=wf)
        if record["added"] or record["removed"]:
            append_event(session, action="revision.attachments", actor=actor.name, draft_id=draft_id, at=now,
                         payload={"revision": number, **record})
        return _draft_view(session, draft)


def change_disclosure(ctx: "AppContext", actor: UserView, draft_id: int, *, disclosure: str,
                      reason: str, ground: str | None = None, explanation: str | None = None,
                      request_id: int | None = None, now: datetime) -> DraftView:
    """Re-decide the 公开属性 with a reason (audited). The attribute is part of the content hash, so the
    change is a new revision reviewed from the first human stage: a 依申请公开 item made 主动公开 is
    published only after every gate is passed again. 不予公开 needs a legal ground and an explanation."""
    try:
        reason = check_explanation(validate.one_line(reason or "", what="改变公开属性的理由", required=False),
                                   what="改变公开属性")
    except ReplyRefused as exc:
        raise InvalidInput(exc.code, exc.message) from None
    after = Disclosure.of(disclosure)
    if after is None:
        raise InvalidInput("bad_disclosure", f"公开属性“{disclosure}”无效；可用：{'、'.join(Disclosure)}")
    chosen = WithholdGround.of(ground) if ground else None
    ground_value = chosen.value if chosen else (ground or None)
    explanation = validate.one_line(explanation or "", what="不予公开的理由", required=False) or None
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        if not set(actor.roles) & transitions.DISCLOSURE_ROLES:  # the 信息公开 staff read every item
            _require_reader(wf, actor, draft)
        old = current_revision(session, draft)
        read_version = draft.lock_version
        files = session.scalars(select(Attachment).where(Attachment.revision_id == old.id)
                                .order_by(Attachment.id)).all()
        meta = {**old.meta, "disclosure": str(after)}
        digest = content_hash(old.title, old.body, _named(files), meta)
        case = load_case(session, draft_id)
    # the rules first (who, which state, ground and explanation): a refusal writes nothing
    transitions.redecide_disclosure(wf, case, actor.actor(), revision=old.number + 1, content_hash=digest,
                                    after=after, ground=ground_value, explanation=explanation, reason=reason,
                                    request_id=request_id, now=now)
    draft.disclosure, draft.disclosure_reason = str(after), explanation if after == Disclosure.WITHHELD else None
    draft.disclosure_ground = ground_value if after == Disclosure.WITHHELD else None
    with action(ctx) as session:
        row = _get_draft(session, draft_id)
        if row.lock_version != read_version:
            raise lost_race()
        case = load_case(session, draft_id)
        events = transitions.redecide_disclosure(
            wf, case, actor.actor(), revision=old.number + 1, content_hash=digest, after=after,
            ground=draft.disclosure_ground, explanation=explanation, reason=reason, request_id=request_id, now=now,
            check_first=True)
        revision = Revision(draft_id=draft_id, number=old.number + 1, title=old.title, body=old.body, meta=meta,
                            content_hash=digest, author_id=actor.id, comment=events[1].comment, created_at=now)
        _save_revision(session, revision, files)
        row.disclosure, row.disclosure_reason = draft.disclosure, draft.disclosure_reason
        row.disclosure_ground = draft.disclosure_ground
        apply_events(session, row, events, now=now, actor=actor.name, workflow=wf)
        return _draft_view(session, row)


def revision_preview(ctx: "AppContext", actor: UserView, draft_id: int, body: str, *,
                     title: str | None = None, attachments: AttachmentChange | None = None) -> RevisionPreview:
    """What saving this text (and these attachment changes) as a new revision would do to the
    sign-offs, before it is saved."""
    body = validate.body_text(body)
    title = validate.title_text(title) if title is not None else None
    wanted = _clean_change(attachments)
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        old = current_revision(session, draft)
        case = load_case(session, draft_id)
        old_files = session.scalars(select(Attachment).where(Attachment.revision_id == old.id)).all()
        files, _ = _apply_change(old_files, wanted)
        same_files = sorted(_named(old_files)) == sorted(_named(files))
        change = classify(old.title, old.body, title or old.title, body, same_files=same_files)
        voided = transitions.voided_by_revision(wf, case, change)
        kept = transitions.kept_signoffs(wf, case, change)
        displays = dict(session.execute(select(User.name, User.display)).all())
    def view(s) -> SignOffBrief:
        return SignOffBrief(stage=s.stage, user=s.user, display=displays.get(s.user) or s.user, revision=s.revision,
                            at=s.at)
    return RevisionPreview(change=str(change), change_label=CHANGE_LABELS[change],
                           voided=tuple(view(s) for s in voided), kept=tuple(view(s) for s in kept))


Transition = Callable[[WorkflowDef, Case], Sequence[Event]]


def _transition(ctx: "AppContext", actor: UserView, draft_id: int, step: Transition, *,
                now: datetime) -> DraftView:
    """Run one transition on the draft's case, under the workflow version the draft started with."""
    with action(ctx) as session:
        head = _get_head(session, draft_id)
        draft = head.draft
        wf = ctx.workflows.of(session, draft)
        case = load_case(session, draft_id, head=head)
        events = step(wf, case)
        apply_events(session, draft, events, now=now, actor=actor.name, workflow=wf, actor_id=actor.id)
        waived = {e.finding_id for e in events if isinstance(e, FindingWaived)}
        findings = tuple(replace(of, waived=of.waived or of.id in waived) for of in case.findings)
        return _view_of_case(draft, replace(case, findings=findings))


def sign(ctx: "AppContext", actor: UserView, draft_id: int, *, stage: str | None = None, comment: str = "",
         expect_hash: str | None = None, now: datetime) -> DraftView:
    comment = _comment(comment)
    expect = expect_hash.strip().lower() if expect_hash and expect_hash.strip() else None
    if expect is None and ctx.settings.sign_requires_hash:
        raise InvalidInput("hash_required", "签批须注明您审阅的版本的内容哈希（命令行用 --expect-hash，接口用 expect_hash），"
                                            f"以免签批未看过的内容；可用 sanshen show {draft_id} 查看当前版本及其哈希")
    return _transition(ctx, actor, draft_id, lambda wf, case: transitions.sign(
        wf, case, actor.actor(), stage=_stage_name(wf, stage), expect_hash=expect, comment=comment, now=now),
        now=now)


def return_draft(ctx: "AppContext", actor: UserView, draft_id: int, *, comment: str,
                 to_stage: str | None = None, now: datetime) -> DraftView:
    comment = _comment(comment, what="退回理由", required=True)
    return _transition(ctx, actor, draft_id, lambda wf, case: transitions.return_draft(
        wf, case, actor.actor(), comment=comment, to_stage=_stage_name(wf, to_stage), now=now), now=now)


def waive(ctx: "AppContext", actor: UserView, draft_id: int, finding_id: int, *, reason: str,
          now: datetime) -> DraftView:
    reason = _comment(reason, what="豁免理由", required=True)

    def step(wf: WorkflowDef, case: Case) -> Sequence[Event]:
        if case.status != DraftStatus.CHECKING and not any(f.id == finding_id for f in case.findings):
            raise InvalidInput("unknown_finding",
                               f"稿件 {draft_id} 的当前版本没有编号为 {finding_id} 的问题（问题编号见稿件详情）")
        return transitions.waive(wf, case, actor.actor(), finding_id=finding_id, reason=reason, now=now)

    return _transition(ctx, actor, draft_id, step, now=now)


def withdraw(ctx: "AppContext", actor: UserView, draft_id: int, *, reason: str, now: datetime) -> DraftView:
    reason = _comment(reason, what="撤稿理由", required=True)
    return _transition(ctx, actor, draft_id, lambda wf, case: transitions.withdraw(
        wf, case, actor.actor(), reason=reason, now=now), now=now)


# --- reading -------------------------------------------------------------------------

def show(ctx: "AppContext", actor: UserView, draft_id: int, *, now: datetime | None = None) -> DraftDetail:
    """The draft with its stages, findings, attachments, diff, and what ``actor`` may do on it now."""
    now = now or ctx.clock()
    with reading(ctx) as session:
        head = _get_head(session, draft_id)
        draft = head.draft
        wf = ctx.workflows.of(session, draft)
        _require_reader(wf, actor, draft)
        case = load_case(session, draft_id, head=head)
        rev = current_revision(session, draft)
        diff, diff_from = _diff_since_signed(session, actor, draft, rev)
        waiting = draft.status in (DraftStatus.IN_REVIEW, DraftStatus.APPROVED)  # approved but not yet out: why not
        blockers = transitions.publication_blockers(wf, case) if waiting else []
        interp = interpretation_of(session, draft.id) if draft.kind == DraftKind.POLICY else None
        return DraftDetail(
            **dict(_view_of_case(draft, case)),  # the case read above, not read again
            body=rev.body,
            disclosure_reason=draft.disclosure_reason,
            disclosure_ground=draft.disclosure_ground,
            interprets=draft.interprets_id,
            interpretation=interp.id if interp else None,
            deadline_at=draft.deadline_at,
            publish_at=draft.publish_at,
            expires_at=draft.expires_at,
            live=case.live,
            stages=_stage_views(wf, session, draft, case),
            blockers=tuple(blockers),
            diff=diff,
            diff_from=diff_from,
            attachments=tuple(
                AttachmentView(id=a.id, name=a.filename, size=a.size, sha256=a.sha256, media_type=a.media_type)
                for a in session.execute(_ATTACHMENTS, {"revision_id": rev.id})
            ),
            **dict(allowed_actions(wf, case, actor.actor(), now=now)),
        )


def view(ctx: "AppContext", actor: UserView, draft_id: int) -> DraftView:
    """The draft as submit and revise answer it (status, current revision, findings)."""
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        _require_reader(ctx.workflows.of(session, draft), actor, draft)
        return _draft_view(session, draft)


def attachment(ctx: "AppContext", actor: UserView, draft_id: int, attachment_id: int) -> AttachmentFile:
    """One attachment of one of the draft's revisions, to download."""
    with reading(ctx) as session:
        draft = _get_draft(session, draft_id)
        _require_reader(ctx.workflows.of(session, draft), actor, draft)
        found = session.scalar(
            select(Attachment).join(Revision, Revision.id == Attachment.revision_id)
            .where(Attachment.id == attachment_id, Revision.draft_id == draft_id)
        ) if validate.is_row_id(attachment_id) else None
        if found is None:
            raise NotFound("unknown_attachment", f"稿件 {draft_id} 没有编号为 {attachment_id} 的附件")
        return AttachmentFile(name=found.filename, media_type=found.media_type, data=found.data)


# The statements of show, built once (statements are immutable).
_ATTACHMENTS = (select(Attachment.id, Attachment.filename, Attachment.size, Attachment.sha256, Attachment.media_type)
                .where(Attachment.revision_id == bindparam("revision_id")).order_by(Attachment.id))
_STANDING_APPROVALS = (
    select(SignOff, User.name).join(User, User.id == SignOff.user_id)
    .where(SignOff.draft_id == bindparam("draft_id"), SignOff.revision == bindparam("revision"),
           SignOff.content_hash == bindparam("content_hash"), SignOff.decision == "approve",
           SignOff.voided_at.is_(None))
    .order_by(SignOff.at, SignOff.id)
)
_OPEN_DUE = select(StageTask.stage, StageTask.due_at).where(
    StageTask.draft_id == bindparam("draft_id"), StageTask.revision == bindparam("revision"),
    StageTask.status == "open")
_LAST_SIGNED = (
    select(SignOff.revision)
    .where(SignOff.draft_id == bindparam("draft_id"), SignOff.user_id == bindparam("user_id"),
           SignOff.decision == "approve")
    .order_by(SignOff.revision.desc()).limit(1)
)


def _stage_views(wf: WorkflowDef, session: Session, draft: Draft, case: Case) -> tuple[StageView, ...]:
    signed: dict[str, list[SignOffView]] = {}
    at = {"draft_id": draft.id, "revision": draft.current_revision}
    for s, name in session.execute(_STANDING_APPROVALS, {**at, "content_hash": case.content_hash}):
        signed.setdefault(s.stage, []).append(
            SignOffView(user=name, revision=s.revision, content_hash=s.content_hash, at=s.at, comment=s.comment))
    due = dict(session.execute(_OPEN_DUE, at).all())
    views = []
    for stage in wf.stages:
        signoffs = tuple(signed.get(stage.name, ()))
        if len({s.user for s in signoffs}) >= stage.quorum:
            status = "done"
        elif stage.name in case.stage_opened_at:
            status = "open"
        else:
            status = "pending"
        views.append(StageView(name=stage.name, label=stage.label, status=status, quorum=stage.quorum,
                               due_at=due.get(stage.name), signoffs=signoffs))
    return tuple(views)


def _diff_since_signed(session: Session, actor: UserView, draft: Draft,
                       rev: Revision) -> tuple[str | None, int | None]:
    """The body's diff against the revision this user last signed, if that is an earlier one."""
    last = session.scalar(_LAST_SIGNED, {"draft_id": draft.id, "user_id": actor.id})
    if last is None or last >= rev.number:
        return None, None
    old = session.scalar(select(Revision).where(Revision.draft_id == draft.id, Revision.number == last))
    diff = unified_body_diff(old.body, rev.body, old_label=f"第{last}版（您签批的版本）",
                             new_label=f"第{rev.number}版（当前版本）")
    return diff, last


def my_drafts(ctx: "AppContext", actor: UserView, *, limit: int = 200) -> list[DraftView]:
    with reading(ctx) as session:
        drafts = session.scalars(
            select(Draft).where(Draft.author_id == actor.id).order_by(Draft.id.desc()).limit(limit)
        ).all()
        return [_draft_view(session, d) for d in drafts]


def queue(ctx: "AppContext", actor: UserView, *, now: datetime, limit: int = QUEUE_LIMIT,
          urgent_only: bool = False) -> list[QueueItem]:
    """What the acting user may sign now, most urgent first (overdue, urgent, due time).

    SQL picks the open tasks of the current revision of drafts in review, of stages this
    user's roles may sign, not authored by this user. Python then drops, chunk by chunk,
    the tasks the user's own sign-offs rule out (this stage already signed on this
    revision, or a stage the separation rules keep apart from it).

    Overdue is monotonic in the due time, so the first ``limit`` signable tasks in due-time
    order (a walk of the open-task index that stops early) hold every non-urgent task of
    the answer; the urgent ones come from the same walk of the open urgent tasks.
    """
    with reading(ctx) as session:
        defs = ctx.workflows.in_use(session)  # drafts run under the version they started with
        stages = sorted({s.name for wf in defs for s in wf.stages if s.roles & set(actor.roles)})
        if not stages:
            return []
        rows = _queue_rows(session, actor, stages, _conflicting_stages(defs), limit, urgent_only=urgent_only)

        def overdue(r) -> bool:
            return r.due_at is not None and r.due_at < now

        rows.sort(key=lambda r: (not overdue(r), not r.urgent, r.due_at is None, r.due_at or now, r.draft_id))
        rows = rows[:limit]
        extras = queue_extras(session, rows)  # for the rows answered only
    labels = {s.name: s.label for wf in reversed(defs) for s in wf.stages}
    return [
        QueueItem(id=r.draft_id, title=r.title, stage=r.stage, label=labels.get(r.stage, r.stage), due_at=r.due_at,
                  urgent=bool(r.urgent), overdue=overdue(r), **extras.of(r))
        for r in rows
    ]


def _queue_candidates(*, urgent: bool) -> Select:
    """The open tasks of the current revision of drafts in review, of the stages ``stages``, not by
    the user ``me``, by due time (the urgent ones only: ix_stagetask_urgent_open; else ix_stagetask_open)."""
    t, d = StageTask, Draft
    stmt = (
        select(t.draft_id, d.title, t.stage, t.revision, t.due_at, d.urgent, t.id.label("task_id"), t.opened_at,
               d.author_id)
        .join(d, d.id == t.draft_id)
        .where(d.status == DraftStatus.IN_REVIEW, t.revision == d.current_revision, d.author_id != bindparam("me"),
               t.stage.in_(bindparam("stages", expanding=True)), t.status == "open")
        .order_by(t.due_at, t.draft_id, t.stage)
        .offset(bindparam("offset")).limit(bindparam("chunk"))
    )
    return stmt.where(t.urgent.is_(True)) if urgent else stmt


# Built once (statements are immutable): every queue request runs them.
_URGENT_TASKS = _queue_candidates(urgent=True)
_OPEN_TASKS = _queue_candidates(urgent=False)
_MY_APPROVALS = (
    select(SignOff.draft_id, SignOff.stage, SignOff.revision, SignOff.voided_at)
    .where(SignOff.draft_id.in_(bindparam("drafts", expanding=True)), SignOff.user_id + 0 == bindparam("me"),
           SignOff.decision == "approve")
)


def _queue_rows(session: Session, actor: UserView, stages: list[str], conflicts: dict[str, frozenset[str]],
                limit: int, *, urgent_only: bool = False) -> list:
    rows = {
        (row.draft_id, row.stage): row
        for stmt in ((_URGENT_TASKS,) if urgent_only else (_URGENT_TASKS, _OPEN_TASKS))
        for row in _signable(session, stmt, actor, stages, conflicts, limit)
    }
    return list(rows.values())


def _conflicting_stages(defs: Sequence[WorkflowDef]) -> dict[str, frozenset[str]]:
    """For each stage, the other stages whose sign-off by a person keeps them from signing it
    (under any of these definitions)."""
    conflicts: dict[str, frozenset[str]] = {}
    for wf in defs:
        for s in wf.stages:
            apart = frozenset().union(*wf.separated_from(s.name)) - {s.name}
            conflicts[s.name] = conflicts.get(s.name, frozenset()) | apart
    return conflicts


def _signable(session: Session, stmt: Select, actor: UserView, stages: list[str],
              conflicts: dict[str, frozenset[str]], limit: int) -> list:
    """The first ``limit`` rows of ``stmt`` that the user's own sign-offs do not rule out."""
    chunk = max(50, limit + limit // 2)
    kept: list = []
    offset = 0
    while len(kept) < limit:
        rows = session.execute(stmt, {"me": actor.id, "stages": stages, "offset": offset, "chunk": chunk}).all()
        mine: dict[int, list] = {}
        if rows:
            for s in session.execute(_MY_APPROVALS, {"drafts": sorted({r.draft_id for r in rows}), "me": actor.id}):
                mine.setdefault(s.draft_id, []).append(s)
        kept += [
            r for r in rows
            if not any(s.stage in conflicts[r.stage]
                       or (s.stage == r.stage and s.revision == r.revision and s.voided_at is None)
                       for s in mine.get(r.draft_id, ()))
        ]
        if len(rows) < chunk:
            break
        offset += chunk
    return kept[:limit]
