"""A return to the author reaches the author, with the reason, once the worker drains the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sanshen.commands.worker import build_dispatcher
from sanshen.service import drafts, notifications
from storage.models import Outbox

pytestmark = pytest.mark.db


def test_the_author_is_told_of_a_return_with_its_reason_after_the_worker_drains(team):
    view = team.submit()
    team.sign("jiao1", view.id, stage="一校")
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    drafts.return_draft(team.ctx, team["shen1"], view.id, comment="第二段的数字需要核实", now=team.clock())
    assert [o.kind for o in team.rows(select(Outbox).where(Outbox.done_at.is_(None)))] == ["route"]

    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)

    told = [n for n in notifications.for_user(team.ctx, team["bian"]) if n.kind == "draft_returned"]
    assert len(told) == 1
    assert told[0].draft_id == view.id and "第二段的数字需要核实" in told[0].message and "shen1" in told[0].message
