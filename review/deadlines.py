"""Due times of open stages and the end-to-end deadline of urgent drafts."""

from __future__ import annotations

from datetime import datetime

from review.case import Case
from review.events import StageEscalated
from review.progress import open_stages
from review.workflow import StageDef, WorkflowDef


def draft_deadline(wf: WorkflowDef, *, submitted_at: datetime, urgent: bool) -> datetime | None:
    """The end-to-end deadline a draft carries from submission: only urgent drafts have one."""
    return submitted_at + wf.urgent_total if urgent else None


def due_at(wf: WorkflowDef, stage: StageDef, *, opened_at: datetime, urgent: bool,
           deadline_at: datetime | None) -> datetime:
    """When an opened stage is due; never later than the draft's end-to-end deadline."""
    due = opened_at + (stage.urgent_deadline if urgent else stage.deadline)
    return min(due, deadline_at) if deadline_at is not None else due


def overdue_stages(wf: WorkflowDef, case: Case, *, now: datetime) -> list[StageDef]:
    overdue = []
    for stage in open_stages(wf, case):
        opened_at = case.stage_opened_at.get(stage.name)
        if opened_at is None:
            continue  # not opened in storage yet: nothing to measure against
        if due_at(wf, stage, opened_at=opened_at, urgent=case.urgent, deadline_at=case.deadline_at) < now:
            overdue.append(stage)
    return overdue


def escalations(wf: WorkflowDef, case: Case, *, now: datetime) -> list[StageEscalated]:
    """One StageEscalated per overdue stage, to its escalate_to roles (its own roles if none are set)."""
    return [
        StageEscalated(stage=s.name, revision=case.revision, to_roles=tuple(sorted(s.escalate_to or s.roles)))
        for s in overdue_stages(wf, case, now=now)
    ]
