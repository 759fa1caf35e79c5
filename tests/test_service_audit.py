"""The audit trail as the service shows it: every transition recorded, verified, exported."""

from __future__ import annotations

import io
import json

import pytest

from review.refusals import InvalidInput, NotPermitted
from sanshen.service import audit, drafts
from tests.flows_support import tamper_audit_row

pytestmark = pytest.mark.db


def test_every_transition_and_waiver_is_in_the_draft_trail(team):
    view = team.submit()
    team.walk(view.id, through="初审")
    drafts.return_draft(team.ctx, team["jiao2"], view.id, comment="标点需统一", now=team.clock())
    actions = [e.action for e in audit.for_draft(team.ctx, team["guan"], view.id)]
    assert actions[0] == "draft.submitted"
    for expected in ("stage.opened", "stage.signed", "stage.closed", "draft.returned"):
        assert expected in actions
    signed = [e for e in audit.for_draft(team.ctx, team["bian"], view.id) if e.action == "stage.signed"]
    assert [e.actor for e in signed] == ["system", "jiao1", "shen1"]
    assert all(e.payload["content_hash"] == view.content_hash for e in signed)
    with pytest.raises(NotPermitted):
        audit.for_draft(team.ctx, team["shen3"], view.id)  # not involved, not admin


def test_verify_and_export_carry_the_hashes(team):
    view = team.submit()
    team.sign("jiao1", view.id)
    report = audit.verify(team.ctx)
    assert report.ok and report.checked > 5
    out = io.StringIO()
    count = audit.export(team.ctx, "jsonl", out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines) == report.checked
    assert all(len(r["hash"]) == 64 and len(r["prev_hash"]) == 64 for r in lines)
    csv_out = io.StringIO()
    assert audit.export(team.ctx, "csv", csv_out) == count
    with pytest.raises(InvalidInput):
        audit.export(team.ctx, "xml", io.StringIO())


def test_search_is_for_admins(team):
    view = team.submit()
    found = audit.search(team.ctx, team["guan"], draft_id=view.id, action="draft.submitted")
    assert [e.draft_id for e in found] == [view.id]
    with pytest.raises(NotPermitted):
        audit.search(team.ctx, team["bian"])


def test_tampering_is_named_by_verify(team):
    view = team.submit()
    team.sign("jiao1", view.id)
    tamper_audit_row(team.ctx.engine, seq=12)
    report = audit.verify(team.ctx)
    assert not report.ok and report.first_broken_seq == 12
