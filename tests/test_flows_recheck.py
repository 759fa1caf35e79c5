"""Re-checking drafts in review after a lexicon change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flows.recheck import recheck_drafts
from review.workflow import default_workflow
from sanshen.service.draft_pass import DraftPass
from storage.db import transaction
from storage.models import (
    AuditEvent,
    CheckReport,
    Draft,
    FindingRow,
    Revision,
    User,
    Waiver,
)
from tests.flows_support import submit_draft

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=10)
WF = default_workflow()
pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def checker(default_checker):
    return DraftPass(default_checker)


def _live(engine, draft_id) -> list[FindingRow]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(FindingRow).where(FindingRow.draft_id == draft_id,
                                                       FindingRow.superseded.is_(False)).order_by(FindingRow.id)))


def test_recheck_replaces_findings_and_keeps_unchanged_ones_with_their_waivers(engine, checker):
    draft_id, _ = submit_draft(engine, WF, NOW, body="会议要求认真布署今冬工作。")
    with transaction(engine) as s:
        rev = s.scalar(select(Revision).where(Revision.draft_id == draft_id))
        report = CheckReport(revision_id=rev.id, lexicon_version="old", source="submit", created_at=NOW)
        s.add(report)
        s.flush()
        stale = FindingRow(report_id=report.id, draft_id=draft_id, revision=1, rule="typo.old", category="typo",
                           severity="error", start=0, end=2, text="会议", suggestion=None, message="旧词库的误报")
        s.add(stale)
        s.flush()
        stale_id = stale.id

    assert recheck_drafts(engine, lambda: checker, now=LATER) == 1
    live = _live(engine, draft_id)
    assert stale_id not in [f.id for f in live]
    typo = next(f for f in live if f.text == "布署")
    assert typo.suggestion == "部署"

    with transaction(engine) as s:
        lead = s.scalar(select(User).where(User.name == "shen1"))
        s.add(Waiver(finding_id=typo.id, draft_id=draft_id, user_id=lead.id, stage="初审", reason="专有名称", at=LATER))

    assert recheck_drafts(engine, lambda: checker, now=LATER) == 0  # nothing changed: rows and waiver stay
    assert [f.id for f in _live(engine, draft_id)] == [f.id for f in live]
    with transaction(engine, readonly=True) as s:
        assert s.scalar(select(Waiver.finding_id)) == typo.id
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action == "check.rechecked")).all()
        sources = s.scalars(select(CheckReport.source).order_by(CheckReport.id)).all()
    assert actions == ["check.rechecked"]
    assert sources == ["submit", "recheck", "recheck"]


def test_drafts_out_of_review_are_left_alone(engine, checker):
    draft_id, _ = submit_draft(engine, WF, NOW, body="认真布署。")
    with transaction(engine) as s:
        s.get(Draft, draft_id).status = "published"
    assert recheck_drafts(engine, lambda: checker, now=LATER) == 0
    assert _live(engine, draft_id) == []
