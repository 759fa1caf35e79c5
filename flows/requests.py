"""The deadline sweep of 依申请公开 requests, run with the review-stage escalation sweep: a request
within WARN_WORKING_DAYS of its due day warns the 信息公开 staff once; an overdue one is escalated
to the leaders and admins once (as an overdue review stage is)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from sqlalchemy import Engine, select

from casestore.requests import record_step
from disclosure.deadline import ReplyClock, working_days_left
from disclosure.terms import RequestStatus
from disclosure.workdays import OutsideCalendar, WorkCalendar, china_date
from flows.notify import notify, users_with_roles
from storage.db import transaction
from storage.models import InfoRequest

log = logging.getLogger("sanshen.flows")

WARN_WORKING_DAYS = 3
WARN_ROLES = ("foia",)
ESCALATE_ROLES = ("leader", "admin")
_OPEN = [s.value for s in RequestStatus if s.open]


def sweep_requests(engine: Engine, *, now: datetime, calendar: WorkCalendar | None = None) -> int:
    """Warn about requests due soon and escalate overdue ones, each once; returns how many."""
    calendar = calendar or _package_calendar()
    today = china_date(now)
    _fill_due_dates(engine, calendar)
    with transaction(engine, readonly=True) as s:
        rows = s.execute(select(InfoRequest.id, InfoRequest.due_on, InfoRequest.warned_at, InfoRequest.escalated_at)
                         .where(InfoRequest.status.in_(_OPEN), InfoRequest.due_on.is_not(None))).all()
    done = 0
    for rid, due, warned, escalated in rows:
        if today > due:
            if escalated is None:
                done += _mark(engine, rid, "escalated", now=now, today=today)
            continue
        if warned is None:
            try:
                left = working_days_left(calendar, today, due)
            except OutsideCalendar as exc:
                log.warning("request %s: %s", rid, exc.message)
                continue
            if left <= WARN_WORKING_DAYS:
                done += _mark(engine, rid, "warned", now=now, today=today, left=left)
    return done


def _fill_due_dates(engine: Engine, calendar: WorkCalendar) -> None:
    """Requests whose due day fell in a year the calendar did not know when they were registered get
    it once the calendar knows it (a newer chinese-calendar, or SANSHEN_HOLIDAY_FILE)."""
    with transaction(engine) as s:
        for req in s.scalars(select(InfoRequest).where(
                InfoRequest.status.in_(_OPEN), InfoRequest.status != RequestStatus.AWAITING_CORRECTION,
                InfoRequest.due_on.is_(None))):
            try:
                req.due_on = ReplyClock(req.clock_start, extended=req.extended).due(calendar)
            except OutsideCalendar:
                continue


@cache
def _package_calendar() -> WorkCalendar:
    return WorkCalendar.from_package()


def _mark(engine: Engine, request_id: int, step: str, *, now: datetime, today, left: int | None = None) -> int:
    with transaction(engine) as s:
        req = s.get(InfoRequest, request_id)
        if req is None or not RequestStatus(req.status).open or req.due_on is None:
            return 0
        if step == "escalated":
            if req.escalated_at is not None or today <= req.due_on:
                return 0
            req.escalated_at = now
            roles, kind = ESCALATE_ROLES, "request_escalated"
            message = f"政府信息公开申请 {req.id} 已超过答复期限（{req.due_on.isoformat()}），请督办"
        else:
            if req.warned_at is not None:
                return 0
            req.warned_at = now
            roles, kind = WARN_ROLES, "request_due_soon"
            message = (f"政府信息公开申请 {req.id} 的答复期限为 {req.due_on.isoformat()}，"
                       f"还剩 {left} 个工作日")
        notify(s, [u.id for u in users_with_roles(s, roles)], draft_id=None, kind=kind, message=message, now=now)
        record_step(s, req, actor="system", step=step, note=message, now=now,
                    payload={"due_on": req.due_on})
        return 1
