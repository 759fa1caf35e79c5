"""Route and notify, and the escalation sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casestore.apply import apply_events
from casestore.load import load_case
from casestore.workflows import WorkflowVersions
from flows.route import route_draft, sweep_escalations
from review import transitions
from review.workflow import default_workflow
from storage.db import transaction
from storage.models import AuditEvent, Draft, Notification, StageTask, User
from tests.cast import actor
from tests.flows_support import submit_draft

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
WF = default_workflow()
VERSIONS = WorkflowVersions(WF)
pytestmark = pytest.mark.db


def _notified(engine, kind: str) -> list[str]:
    with transaction(engine, readonly=True) as s:
        return sorted(s.scalars(select(User.name).join(Notification, Notification.user_id == User.id)
                                .where(Notification.kind == kind)))


def _sign(engine, draft_id: int, who: str) -> None:
    with transaction(engine) as s:
        case = load_case(s, draft_id)
        events = transitions.sign(WF, case, actor(who), stage=None, expect_hash=None, comment="", now=NOW)
        apply_events(s, s.get(Draft, draft_id), events, now=NOW, workflow=WF)


def test_the_people_who_may_sign_an_opened_stage_are_notified_once(engine):
    draft_id, _ = submit_draft(engine, WF, NOW)
    assert route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW) == 3
    assert route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW) == 0
    assert _notified(engine, "stage_opened") == ["jiao1", "jiao2", "jiao3"]
    _sign(engine, draft_id, "jiao1")  # 一校 done: 初审 opens
    route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW)
    assert _notified(engine, "stage_opened") == ["jiao1", "jiao2", "jiao3", "shen1", "shen2", "shen3"]
    _sign(engine, draft_id, "shen1")  # 初审 done: 二校 opens, but jiao1 already signed 一校
    route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW)
    with transaction(engine, readonly=True) as s:
        second = s.scalars(select(User.name).join(Notification, Notification.user_id == User.id)
                           .where(Notification.message.contains("二校"))).all()
    assert sorted(second) == ["jiao2", "jiao3"]


def test_the_author_hears_of_a_return(engine):
    draft_id, _ = submit_draft(engine, WF, NOW)
    with transaction(engine) as s:
        events = transitions.return_draft(WF, load_case(s, draft_id), actor("jiao1"),
                                          comment="第二段数字有误", to_stage=None, now=NOW)
        apply_events(s, s.get(Draft, draft_id), events, now=NOW, workflow=WF)
    route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW)
    route_draft(engine, VERSIONS, draft_id=draft_id, now=NOW)
    assert _notified(engine, "draft_returned") == ["bian"]


def test_overdue_stages_are_escalated_once(engine):
    draft_id, _ = submit_draft(engine, WF, NOW)
    assert sweep_escalations(engine, VERSIONS, now=NOW + timedelta(hours=1)) == 0
    late = NOW + timedelta(hours=25)
    assert sweep_escalations(engine, VERSIONS, now=late) == 1
    assert sweep_escalations(engine, VERSIONS, now=late + timedelta(hours=1)) == 0
    with transaction(engine, readonly=True) as s:
        task = s.scalar(select(StageTask).where(StageTask.stage == "一校"))
        assert task.escalated_at == late
        escalated = s.scalar(select(AuditEvent).where(AuditEvent.action == "stage.escalated"))
        assert escalated.payload["stage"] == "一校" and escalated.payload["to_roles"] == ["admin"]
    assert _notified(engine, "stage_escalated") == ["guan"]
