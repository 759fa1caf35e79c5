"""Route and notify: tell the people who may sign a newly opened stage, tell authors about
returns, and escalate overdue stages (the sweep)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from casestore.apply import apply_events
from casestore.load import load_case
from casestore.workflows import WorkflowVersions
from flows.notify import notify, users_with_roles
from review.case import SYSTEM_USER, Case
from review.deadlines import escalations
from review.workflow import StageDef, WorkflowDef
from storage.db import transaction
from storage.localtime import DEFAULT_ZONE, local_text, zone_label
from storage.models import Draft, SignOff, StageTask, User


def _when(at: datetime | None, zone: str) -> str:
    """A time in a notification, in the installation's zone (SANSHEN_TIME_ZONE), named."""
    return f"{local_text(at, zone)}（{zone_label(zone)}）" if at else "无"


def may_sign(wf: WorkflowDef, case: Case, stage: StageDef, user: User) -> bool:
    """Whether this user is someone the stage is waiting for (role, author, separation, quorum)."""
    roles = {r.strip() for r in user.roles.split(",")}
    if not roles & stage.roles or user.name == case.author or user.name in case.signers(stage.name):
        return False
    signed = case.stages_signed_by(user.name)
    return not any((group - {stage.name}) & signed for group in wf.separated_from(stage.name))


def route_draft(engine: Engine, workflows: WorkflowVersions, *, draft_id: int, now: datetime,
                zone: str = DEFAULT_ZONE) -> int:
    """Notify the eligible signers of every open stage, and the author of returns. Returns how many."""
    with transaction(engine) as s:
        draft = s.get(Draft, draft_id)
        if draft is None:
            return 0
        wf = workflows.of(s, draft)
        case = load_case(s, draft_id)
        sent = 0
        tasks = s.scalars(select(StageTask).where(
            StageTask.draft_id == draft_id, StageTask.revision == draft.current_revision,
            StageTask.status == "open").order_by(StageTask.id))
        for task in tasks:
            stage = wf.stage(task.stage)
            users = [u.id for u in users_with_roles(s, stage.roles) if may_sign(wf, case, stage, u)]
            message = (f"稿件《{draft.title}》（第 {task.revision} 稿）待您{stage.label or stage.name}，"
                       f"截止 {_when(task.due_at, zone)}")
            sent += notify(s, users, draft_id=draft_id, kind="stage_opened", message=message, now=now)
        sent += _notify_returns(s, draft, now, zone)
        return sent


def _notify_returns(s: Session, draft: Draft, now: datetime, zone: str) -> int:
    sent = 0
    returns = s.execute(
        select(SignOff, User.name).join(User, User.id == SignOff.user_id)
        .where(SignOff.draft_id == draft.id, SignOff.decision == "return").order_by(SignOff.id))
    for signoff, name in returns:
        message = (f"稿件《{draft.title}》在{signoff.stage}被 {name} 退回"
                   f"（{_when(signoff.at, zone)}）：{signoff.comment}")
        sent += notify(s, [draft.author_id], draft_id=draft.id, kind="draft_returned",
                       message=message, now=now)
    return sent


def sweep_escalations(engine: Engine, workflows: WorkflowVersions, *, now: datetime) -> int:
    """Escalate every open stage past its due time that was not escalated yet; returns how many."""
    with transaction(engine, readonly=True) as s:
        draft_ids = sorted(set(s.scalars(select(StageTask.draft_id).where(
            StageTask.status == "open", StageTask.due_at < now, StageTask.escalated_at.is_(None)))))
    return sum(_escalate_draft(engine, workflows, draft_id, now) for draft_id in draft_ids)


def _escalate_draft(engine: Engine, workflows: WorkflowVersions, draft_id: int, now: datetime) -> int:
    with transaction(engine) as s:
        draft = s.get(Draft, draft_id)
        wf = workflows.of(s, draft)
        pending = {t.stage for t in s.scalars(select(StageTask).where(
            StageTask.draft_id == draft_id, StageTask.revision == draft.current_revision,
            StageTask.status == "open", StageTask.due_at < now, StageTask.escalated_at.is_(None)))}
        events = [e for e in escalations(wf, load_case(s, draft_id), now=now) if e.stage in pending]
        if not events:
            return 0
        apply_events(s, draft, events, now=now, actor=SYSTEM_USER, workflow=wf)
        for e in events:
            stage = wf.stage(e.stage)
            users = [u.id for u in users_with_roles(s, e.to_roles)]
            notify(s, users, draft_id=draft_id, kind="stage_escalated", now=now,
                   message=f"稿件《{draft.title}》的{stage.label or stage.name}环节已超时，请督办")
        return len(events)
