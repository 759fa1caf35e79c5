"""依申请公开: a 政府信息公开申请 from receipt to archive.

Register (channel, applicant, the day of receipt by 条例第三十一条) → assign to a handling office →
perhaps 补正 (the clock stops; the applicant's answer restarts it, 第三十条) and 延期 (asked by the
handler, approved by a leader, 第三十三条) → the reply, drafted as a document that goes through the
reply workflow (review/workflows/yishenqing.toml) with the draft machinery → sent once signed off →
archived with its trail. Each step is one transaction with a step row and an audit event.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlmodel import Session

from casestore.load import current_revision
from casestore.requests import record_step
from disclosure.deadline import ReplyClock, receipt_rule, working_days_left
from disclosure.masking import mask_contact, mask_id_number, mask_name
from disclosure.reply import ReplyRefused, decide_reply
from disclosure.terms import (
    GROUNDS,
    ApplicantKind,
    Channel,
    OrganisationKind,
    OtherReason,
    ReplyKind,
    RequestStatus,
    UnavailableReason,
)
from disclosure.workdays import OutsideCalendar, WorkCalendar, china_date, with_schedule
from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from review.refusals import Conflict, InvalidInput, NotPermitted, lost_race
from sanshen.service import drafts, validate
from sanshen.service.errors import NotFound
from sanshen.service.tx import action, reading
from sanshen.service.views import RequestDetail, RequestStepView, RequestView, UserView
from sanshen.settings import Settings
from storage.models import Draft, InfoRequest, InfoRequestStep

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

HANDLERS = ("foia", "admin")  # register, assign, 补正, ask for an extension, reply, send, archive
READERS = ("foia", "legal", "leader", "admin")
APPROVER = "leader"  # approves an extension (政府信息公开工作机构负责人)
FULL_DATA = ("foia", "admin")  # see the applicant's personal data unmasked
LIST_LIMIT = 500

STEP_LABELS = {
    "registered": "登记", "assigned": "分办", "correction_asked": "告知补正（计时中止）",
    "resumed": "收到补正（重新计时）", "extension_asked": "申请延期", "extended": "批准延期",
    "reply_drafted": "拟写答复书", "sent": "答复送达", "archived": "归档", "warned": "临期提醒",
    "escalated": "超期督办", "converted": "转为主动公开",
}


@cache
def _package_calendar() -> WorkCalendar:
    return WorkCalendar.from_package()


@cache
def _calendar_with(path: str, mtime_ns: int) -> WorkCalendar:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput("bad_holiday_file", f"无法读取节假日安排文件 {path}：{exc}") from None
    try:
        return with_schedule(_package_calendar(), text, path)
    except ValueError as exc:
        raise InvalidInput("bad_holiday_file", str(exc)) from None


def work_calendar(settings: Settings) -> WorkCalendar:
    """The working-day calendar: chinese-calendar's years plus SANSHEN_HOLIDAY_FILE's, if set."""
    path = settings.holiday_file
    if path is None:
        return _package_calendar()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise InvalidInput("bad_holiday_file", f"找不到节假日安排文件：{path}") from None
    return _calendar_with(str(path), mtime)


@dataclass(frozen=True)
class RequestInput:
    channel: str
    applicant_kind: str
    applicant_name: str
    description: str
    applicant_id_number: str | None = None
    applicant_contact: str = ""
    organisation_kind: str | None = None
    received_on: date | None = None  # default: today (Beijing)
    office: str = ""


# --- rules shared by the steps -------------------------------------------------------

def _require(actor: UserView, roles: tuple[str, ...], what: str) -> None:
    if not any(actor.has_role(r) for r in roles):
        names = "、".join(roles)
        raise NotPermitted("forbidden", f"只有具有 {names} 角色的用户可以{what}")


def _refused(exc: ReplyRefused) -> InvalidInput:
    return InvalidInput(exc.code, exc.message)


def _get(session: Session, request_id: int) -> InfoRequest:
    found = session.get(InfoRequest, request_id) if validate.is_row_id(request_id) else None
    if found is None:
        raise NotFound("unknown_request", f"政府信息公开申请 {request_id} 不存在")
    return found


def _status(req: InfoRequest) -> RequestStatus:
    return RequestStatus(req.status)


def _require_status(req: InfoRequest, allowed: tuple[RequestStatus, ...], what: str) -> None:
    if _status(req) not in allowed:
        raise Conflict("request_state",
                       f"申请 {req.id} 当前为“{_status(req).label}”，不能{what}")


def _due(req: InfoRequest, cal: WorkCalendar) -> date | None:
    """The due day of the request's clock (None while stopped); OutsideCalendar if its year is unknown."""
    clock = ReplyClock(req.clock_start, extended=req.extended,
                       stopped=_status(req) is RequestStatus.AWAITING_CORRECTION)
    return clock.due(cal)


def _recompute_due(req: InfoRequest, cal: WorkCalendar) -> str | None:
    """Store the due day; the reason it cannot be computed (a year the calendar does not know), if so."""
    try:
        req.due_on = _due(req, cal)
    except OutsideCalendar as exc:
        req.due_on = None
        return exc.message
    return None


def _bump(session: Session, req: InfoRequest) -> None:
    """Optimistic lock: claim the request at the version it was read, or refuse."""
    read = req.lock_version
    done = session.execute(update(InfoRequest).where(InfoRequest.id == req.id, InfoRequest.lock_version == read)
                           .values(lock_version=read + 1).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise lost_race()
    req.lock_version = read + 1


def _masked_applicant(req: InfoRequest) -> str:
    return mask_name(req.applicant_name, organisation=req.applicant_kind == ApplicantKind.ORGANISATION)


def _today(now: datetime) -> date:
    return china_date(now)


# --- steps ---------------------------------------------------------------------------

def _clean(data: RequestInput, today: date) -> RequestInput:
    channel = Channel.of(data.channel)
    if channel is None:
        raise InvalidInput("bad_channel", f"未知的申请渠道“{data.channel}”；可用：{Channel.choices()}")
    kind = ApplicantKind.of(data.applicant_kind)
    if kind is None:
        raise InvalidInput("bad_applicant_kind", f"未知的申请人类型“{data.applicant_kind}”；可用：{ApplicantKind.choices()}")
    org = None
    if kind is ApplicantKind.ORGANISATION:
        org = OrganisationKind.of(data.organisation_kind or OrganisationKind.OTHER)
        if org is None:
            raise InvalidInput("bad_organisation_kind",
                               f"未知的法人或其他组织类型“{data.organisation_kind}”；可用：{OrganisationKind.choices()}")
    elif data.organisation_kind:
        raise InvalidInput("bad_organisation_kind", "自然人申请不填写组织类型")
    received = data.received_on or today
    if received > today:
        raise InvalidInput("future_receipt", f"收到申请之日 {received.isoformat()} 晚于今天 {today.isoformat()}")
    return replace(
        data, channel=channel.value, applicant_kind=kind.value, organisation_kind=org.value if org else None,
        applicant_name=validate.one_line(data.applicant_name, what="申请人姓名或名称", max_chars=200),
        applicant_id_number=validate.one_line(data.applicant_id_number or "", what="证件号码", required=False,
                                              max_chars=64) or None,
        applicant_contact=validate.one_line(data.applicant_contact, what="联系方式", required=False, max_chars=500),
        description=validate.body_text(data.description),
        office=validate.one_line(data.office, what="承办科室", required=False, max_chars=128),
        received_on=received,
    )


def register(ctx: "AppContext", actor: UserView, data: RequestInput, *, now: datetime) -> RequestDetail:
    """Record a request as received; its deadline runs from the day of receipt."""
    _require(actor, HANDLERS, "登记政府信息公开申请")
    data = _clean(data, _today(now))
    with action(ctx) as session:
        req = InfoRequest(
            channel=data.channel, applicant_kind=data.applicant_kind, organisation_kind=data.organisation_kind,
            applicant_name=data.applicant_name, applicant_id_number=data.applicant_id_number,
            applicant_contact=data.applicant_contact, description=data.description, registered_at=now,
            received_on=data.received_on, office=data.office,
            status=RequestStatus.ASSIGNED if data.office else RequestStatus.REGISTERED,
            clock_start=data.received_on, created_by=actor.name,
        )
        problem = _recompute_due(req, work_calendar(ctx.settings))
        session.add(req)
        session.flush()
        record_step(session, req, actor=actor.name, step="registered", now=now,
                    note=f"{Channel(req.channel).label}提交，{receipt_rule(Channel(req.channel))}",
                    payload={"channel": req.channel, "applicant_kind": req.applicant_kind,
                             "applicant": _masked_applicant(req), "received_on": req.received_on,
                             "due_on": req.due_on, "office": req.office, "deadline_problem": problem})
        return _detail(ctx, session, actor, req, now=now)


def assign(ctx: "AppContext", actor: UserView, request_id: int, *, office: str, now: datetime) -> RequestDetail:
    _require(actor, HANDLERS, "分办申请")
    office = validate.one_line(office, what="承办科室", max_chars=128)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, (RequestStatus.REGISTERED, RequestStatus.ASSIGNED, RequestStatus.AWAITING_CORRECTION),
                        "分办")
        before = req.office
        req.office = office
        if _status(req) is RequestStatus.REGISTERED:
            req.status = RequestStatus.ASSIGNED
        record_step(session, req, actor=actor.name, step="assigned", note=f"交由{office}承办",
                    payload={"office": office, "before": before}, now=now)

    return _act(ctx, actor, request_id, step, now=now)


def ask_correction(ctx: "AppContext", actor: UserView, request_id: int, *, note: str,
                   now: datetime) -> RequestDetail:
    """告知补正: the clock stops until the applicant answers (条例第三十条)."""
    _require(actor, HANDLERS, "告知申请人补正")
    note = validate.one_line(note, what="需要补正的事项", max_chars=2000)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, (RequestStatus.REGISTERED, RequestStatus.ASSIGNED), "告知补正")
        if session.scalar(select(InfoRequestStep.id).where(InfoRequestStep.request_id == req.id,
                                                           InfoRequestStep.action == "correction_asked")):
            raise Conflict("correction_once", f"申请 {req.id} 已告知过补正：条例第三十条要求一次性告知需要补正的事项")
        req.status = RequestStatus.AWAITING_CORRECTION
        req.correction_since = now
        req.due_on = None
        req.warned_at = req.escalated_at = None
        record_step(session, req, actor=actor.name, step="correction_asked", note=note, now=now)

    return _act(ctx, actor, request_id, step, now=now)


def resume(ctx: "AppContext", actor: UserView, request_id: int, *, received_on: date | None = None,
           note: str = "", now: datetime) -> RequestDetail:
    """The applicant's corrected request arrived: the 20 working days run again from that day."""
    _require(actor, HANDLERS, "登记补正后的申请")
    note = validate.one_line(note, what="补正内容", required=False, max_chars=2000)
    today = _today(now)
    day = received_on or today

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, (RequestStatus.AWAITING_CORRECTION,), "登记补正")
        asked = china_date(req.correction_since) if req.correction_since else req.received_on
        if day > today or day < asked:
            raise InvalidInput("bad_correction_day",
                               f"收到补正之日 {day.isoformat()} 应在告知补正之日 {asked.isoformat()} 与今天之间")
        req.status = RequestStatus.ASSIGNED if req.office else RequestStatus.REGISTERED
        req.clock_start = day
        req.correction_since = None
        problem = _recompute_due(req, work_calendar(ctx.settings))
        record_step(session, req, actor=actor.name, step="resumed", note=note, now=now,
                    payload={"received_on": day, "due_on": req.due_on, "deadline_problem": problem})

    return _act(ctx, actor, request_id, step, now=now)


_OPEN_FOR_EXTENSION = (RequestStatus.REGISTERED, RequestStatus.ASSIGNED, RequestStatus.REPLYING)


def ask_extension(ctx: "AppContext", actor: UserView, request_id: int, *, reason: str,
                  now: datetime) -> RequestDetail:
    """The handler asks to extend the deadline by 20 working days; a leader approves it."""
    _require(actor, HANDLERS, "申请延期")
    reason = validate.one_line(reason, what="延期理由", max_chars=2000)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, _OPEN_FOR_EXTENSION, "申请延期")
        if req.extended:
            raise Conflict("already_extended", f"申请 {req.id} 已延期一次：条例第三十三条只允许延长一次，最长 20 个工作日")
        _require_in_time(req, now, "申请延期")
        req.extension_reason = reason
        req.extension_requested_by = actor.name
        record_step(session, req, actor=actor.name, step="extension_asked", note=reason, now=now)

    return _act(ctx, actor, request_id, step, now=now)


def _require_in_time(req: InfoRequest, now: datetime, what: str) -> None:
    if req.due_on is not None and _today(now) > req.due_on:
        raise Conflict("overdue", f"申请 {req.id} 已超过答复期限（{req.due_on.isoformat()}），不能再{what}")


def approve_extension(ctx: "AppContext", actor: UserView, request_id: int, *, comment: str = "",
                      now: datetime) -> RequestDetail:
    """A leader approves the extension asked for: the deadline moves by 20 working days."""
    _require(actor, (APPROVER,), "批准延期")
    comment = validate.one_line(comment, what="审批意见", required=False, max_chars=2000)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, _OPEN_FOR_EXTENSION, "批准延期")
        if req.extended:
            raise Conflict("already_extended", f"申请 {req.id} 已经延期")
        if not req.extension_reason:
            raise Conflict("no_extension_asked", f"申请 {req.id} 没有待批准的延期申请（先由承办人 request extend）")
        if req.extension_requested_by == actor.name:
            raise NotPermitted("own_extension", "不能批准自己提出的延期申请")
        _require_in_time(req, now, "批准延期")
        before = req.due_on
        req.extended = True
        req.extension_approved_by = actor.name
        req.warned_at = None
        problem = _recompute_due(req, work_calendar(ctx.settings))
        record_step(session, req, actor=actor.name, step="extended", note=comment or req.extension_reason, now=now,
                    payload={"before": before, "due_on": req.due_on, "deadline_problem": problem})

    return _act(ctx, actor, request_id, step, now=now)


def draft_reply(ctx: "AppContext", actor: UserView, request_id: int, *, kind: str, ground: str | None,
                explanation: str | None, body: str, now: datetime) -> RequestDetail:
    """Draft the reply: a document of kind 答复书 under the reply workflow, reviewed and signed off
    like any draft before it may be sent."""
    _require(actor, HANDLERS, "拟写答复书")
    try:
        decision = decide_reply(kind, ground, explanation)
    except ReplyRefused as exc:
        raise _refused(exc) from None
    with reading(ctx) as session:
        req = _get(session, request_id)
        _check_reply_allowed(session, req, decision.kind, decision.ground)
        read_version = req.lock_version
    wf = ctx.reply_workflow
    assert wf is not None

    def record(session: Session, draft_id: int) -> None:
        req = _get(session, request_id)
        if req.lock_version != read_version:
            raise lost_race()
        _bump(session, req)
        req.reply_kind = decision.kind.value
        req.reply_ground = decision.ground.value if decision.ground is not None else None
        req.reply_explanation = decision.explanation or None
        req.reply_draft_id = draft_id
        if _status(req) is RequestStatus.AWAITING_CORRECTION:
            req.correction_since = None
        req.status = RequestStatus.REPLYING
        record_step(session, req, actor=actor.name, step="reply_drafted", now=now,
                    note=f"{decision.kind.label}" + (f"（{decision.ground_label}）" if decision.ground else ""),
                    payload={"kind": req.reply_kind, "ground": req.reply_ground, "draft_id": draft_id,
                             "explanation": req.reply_explanation})

    drafts.submit(ctx, actor, drafts.SubmitInput(
        title=f"关于第 {request_id} 号政府信息公开申请的答复（{decision.kind.label}）", body=body,
        kind=DraftKind.REPLY, disclosure=Disclosure.ON_REQUEST, column="",  # a reply is sent to the applicant, never filed under a site column
    ), now=now, workflow=wf, along=record)  # the draft and the request's record of it in one transaction
    with reading(ctx) as session:
        return _detail(ctx, session, actor, _get(session, request_id), now=now)


# A request still awaiting correction may only be closed as "no correction" or "still unclear".
_WITHOUT_CORRECTION = {OtherReason.NO_CORRECTION, UnavailableReason.STILL_UNCLEAR}


def _check_reply_allowed(session: Session, req: InfoRequest, kind: ReplyKind, ground) -> None:
    status = _status(req)
    if status is RequestStatus.AWAITING_CORRECTION:
        if ground not in _WITHOUT_CORRECTION:
            raise Conflict("awaiting_correction",
                           f"申请 {req.id} 正等待申请人补正：此时只能以“{OtherReason.NO_CORRECTION.label}”"
                           f"或“{UnavailableReason.STILL_UNCLEAR.label}”答复")
        return
    if status is RequestStatus.REPLYING and req.reply_draft_id is not None:
        draft = session.get(Draft, req.reply_draft_id)
        if draft is not None and draft.status != DraftStatus.WITHDRAWN:
            raise Conflict("reply_exists",
                           f"申请 {req.id} 已有答复书稿件 {draft.id}（{DraftStatus.label_of(draft.status)}）："
                           f"请修改该稿件（sanshen revise {draft.id} …）")
        return
    if status is RequestStatus.REGISTERED:
        raise Conflict("not_assigned", f"申请 {req.id} 尚未分办：请先指定承办科室（sanshen request assign）")
    _require_status(req, (RequestStatus.ASSIGNED,), "拟写答复书")


def send(ctx: "AppContext", actor: UserView, request_id: int, *, note: str = "", now: datetime) -> RequestDetail:
    """The signed-off reply goes to the applicant: only a reply draft that passed its whole workflow."""
    _require(actor, HANDLERS, "送达答复")
    note = validate.one_line(note, what="送达方式", required=False, max_chars=500)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, (RequestStatus.REPLYING,), "送达答复")
        draft = session.get(Draft, req.reply_draft_id) if req.reply_draft_id else None
        if draft is None or draft.status != DraftStatus.APPROVED:
            state = DraftStatus.label_of(draft.status) if draft else "未拟写"
            raise Conflict("reply_not_signed",
                           f"答复书（稿件 {req.reply_draft_id}）尚未完成审签（当前：{state}），不能送达")
        revision = current_revision(session, draft)
        req.status = RequestStatus.SENT
        req.sent_at = now
        req.sent_hash = revision.content_hash
        req.answered_on = _today(now)
        overdue = req.due_on is not None and req.answered_on > req.due_on
        record_step(session, req, actor=actor.name, step="sent", note=note, now=now,
                    payload={"draft_id": draft.id, "revision": revision.number, "content_hash": revision.content_hash,
                             "answered_on": req.answered_on, "due_on": req.due_on, "late": overdue})

    return _act(ctx, actor, request_id, step, now=now)


def archive(ctx: "AppContext", actor: UserView, request_id: int, *, note: str = "", now: datetime) -> RequestDetail:
    """Close the file: a SHA-256 over the whole trail (and the reply sent) is kept with it."""
    _require(actor, HANDLERS, "归档")
    note = validate.one_line(note, what="归档说明", required=False, max_chars=500)

    def step(session: Session, req: InfoRequest) -> None:
        _require_status(req, (RequestStatus.SENT,), "归档")
        steps = session.scalars(select(InfoRequestStep).where(InfoRequestStep.request_id == req.id)
                                .order_by(InfoRequestStep.id)).all()
        trail = [{"at": s.at.isoformat(), "actor": s.actor, "action": s.action, "note": s.note,
                  "payload": s.payload} for s in steps]
        canonical = json.dumps({"request": req.id, "reply_hash": req.sent_hash, "trail": trail},
                               ensure_ascii=False, sort_keys=True, default=str)
        req.archive_digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        req.archived_at = now
        req.status = RequestStatus.ARCHIVED
        record_step(session, req, actor=actor.name, step="archived", note=note, now=now,
                    payload={"digest": req.archive_digest, "steps": len(steps)})

    return _act(ctx, actor, request_id, step, now=now)


def _act(ctx: "AppContext", actor: UserView, request_id: int, step, *, now: datetime) -> RequestDetail:
    with action(ctx) as session:
        req = _get(session, request_id)
        _bump(session, req)
        step(session, req)
        session.flush()
        return _detail(ctx, session, actor, req, now=now)


# --- reading -------------------------------------------------------------------------

def _view_fields(req: InfoRequest, *, now: datetime, cal: WorkCalendar) -> dict:
    status = _status(req)
    kind = ReplyKind.of(req.reply_kind) if req.reply_kind else None
    grounds = GROUNDS.get(kind) if kind else None
    ground = grounds.of(req.reply_ground) if grounds and req.reply_ground else None
    today = _today(now)
    left, problem = None, None
    if status.open and req.due_on is not None:
        try:
            left = working_days_left(cal, today, req.due_on)
        except OutsideCalendar as exc:
            problem = exc.message
    elif status.open and status is not RequestStatus.AWAITING_CORRECTION:
        try:
            _due(req, cal)
        except OutsideCalendar as exc:
            problem = exc.message
    return dict(
        id=req.id, status=req.status, status_label=status.label, channel=req.channel,
        channel_label=Channel(req.channel).label, applicant_kind=req.applicant_kind,
        applicant_kind_label=ApplicantKind(req.applicant_kind).label, applicant=_masked_applicant(req),
        description=req.description, received_on=req.received_on.isoformat(), office=req.office,
        due_on=req.due_on.isoformat() if req.due_on else None, working_days_left=left,
        overdue=status.open and req.due_on is not None and today > req.due_on,
        clock_stopped=status is RequestStatus.AWAITING_CORRECTION, extended=req.extended,
        reply_kind=req.reply_kind, reply_kind_label=kind.label if kind else None,
        reply_ground_label=ground.label if ground else None, reply_draft=req.reply_draft_id,
        deadline_problem=problem,
    )


def _detail(ctx: "AppContext", session: Session, actor: UserView, req: InfoRequest, *, now: datetime) -> RequestDetail:
    full = any(actor.has_role(r) for r in FULL_DATA)
    steps = session.scalars(select(InfoRequestStep).where(InfoRequestStep.request_id == req.id)
                            .order_by(InfoRequestStep.id)).all()
    draft = session.get(Draft, req.reply_draft_id) if req.reply_draft_id else None
    org = OrganisationKind.of(req.organisation_kind) if req.organisation_kind else None
    return RequestDetail(
        **_view_fields(req, now=now, cal=work_calendar(ctx.settings)),
        applicant_name=req.applicant_name if full else _masked_applicant(req),
        applicant_id_number=req.applicant_id_number if full else mask_id_number(req.applicant_id_number),
        applicant_contact=req.applicant_contact if full else mask_contact(req.applicant_contact),
        organisation_kind_label=org.label if org else None,
        receipt_rule=receipt_rule(Channel(req.channel)),
        extension_reason=req.extension_reason, extension_requested_by=req.extension_requested_by,
        extension_approved_by=req.extension_approved_by, reply_explanation=req.reply_explanation,
        reply_status=draft.status if draft else None, converted_draft=req.converted_draft_id,
        sent_at=req.sent_at, archived_at=req.archived_at, archive_digest=req.archive_digest,
        steps=tuple(RequestStepView(at=s.at, actor=s.actor, action=s.action,
                                    label=STEP_LABELS.get(s.action, s.action), note=s.note) for s in steps),
    )


def show(ctx: "AppContext", actor: UserView, request_id: int, *, now: datetime) -> RequestDetail:
    _require(actor, READERS, "查看政府信息公开申请")
    with reading(ctx) as session:
        return _detail(ctx, session, actor, _get(session, request_id), now=now)


def list_requests(ctx: "AppContext", actor: UserView, *, now: datetime, open_only: bool = False,
                  limit: int = LIST_LIMIT) -> list[RequestView]:
    """Requests, the ones due soonest first (overdue ones at the top); personal data masked."""
    _require(actor, READERS, "查看政府信息公开申请")
    with reading(ctx) as session:
        stmt = select(InfoRequest)
        if open_only:
            stmt = stmt.where(InfoRequest.status.in_([s.value for s in RequestStatus if s.open]))
        rows = session.scalars(stmt.order_by(InfoRequest.id.desc()).limit(limit)).all()
        cal = work_calendar(ctx.settings)
        views = [RequestView(**_view_fields(r, now=now, cal=cal)) for r in rows]
    return sorted(views, key=lambda v: (RequestStatus(v.status).open is False, v.due_on is None,
                                        v.due_on or "", v.id))


def convert(ctx: "AppContext", actor: UserView, request_id: int, *, draft_id: int, reason: str,
            now: datetime) -> RequestDetail:
    """A request leads to a 依申请公开 item being made 主动公开: the draft gets a new revision with the new
    attribute and goes through its whole workflow again; it is published only after every gate."""
    _require(actor, HANDLERS, "把依申请公开的信息转为主动公开")
    with reading(ctx) as session:
        _get(session, request_id)
        draft = session.get(Draft, draft_id) if validate.is_row_id(draft_id) else None
        if draft is None:
            raise NotFound("unknown_draft", f"稿件 {draft_id} 不存在")
        if draft.disclosure != Disclosure.ON_REQUEST:
            raise Conflict("not_on_request",
                           f"稿件 {draft_id} 的公开属性为“{draft.disclosure}”，只有“{Disclosure.ON_REQUEST}”的可以转为主动公开")
    drafts.change_disclosure(ctx, actor, draft_id, disclosure=Disclosure.PUBLIC, reason=reason,
                             request_id=request_id, now=now)

    def step(session: Session, req: InfoRequest) -> None:
        req.converted_draft_id = draft_id
        record_step(session, req, actor=actor.name, step="converted", note=reason, now=now,
                    payload={"draft_id": draft_id})

    return _act(ctx, actor, request_id, step, now=now)
