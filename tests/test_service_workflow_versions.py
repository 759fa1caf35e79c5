"""Drafts run under the workflow version they started with (docs/architecture.md §2)."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources

import pytest
from sqlalchemy import select

from sanshen.commands.worker import build_dispatcher
from sanshen.service import drafts, users
from sanshen.service.context import AppContext
from storage.db import transaction
from storage.models import Draft, WorkflowVersion
from tests.cast import SIGNERS
from tests.team import settle

pytestmark = pytest.mark.db

DEFAULT_TOML = resources.files("review").joinpath("workflows/sanshen.toml").read_text(encoding="utf-8")
FINAL = 'name = "终审"\nkind = "review"\n'
TWO_LEADERS = DEFAULT_TOML.replace(FINAL, FINAL + "quorum = 2\n")


def _walk_to_the_leader(ctx: AppContext, team, draft_id: int) -> None:
    for stage, who in SIGNERS[:-1]:
        drafts.sign(ctx, team[who], draft_id, stage=stage, now=team.clock())


def test_a_draft_keeps_the_rules_it_started_under(team, default_checker, tmp_path):
    assert TWO_LEADERS != DEFAULT_TOML
    before = team.submit()
    path = tmp_path / "two-leaders.toml"
    path.write_text(TWO_LEADERS, encoding="utf-8")
    changed = AppContext.open(replace(team.ctx.settings, workflow_file=path), checker=default_checker,
                              clock=team.ctx.clock)
    try:
        assert changed.workflow.version != team.ctx.workflow.version
        assert set(team.rows(select(WorkflowVersion.version))) == {changed.workflow.version,
                                                                   team.ctx.workflow.version,
                                                                   team.ctx.reply_workflow.version}
        second_leader, _ = users.add_user(changed, None, "ling2", ["leader"], now=team.clock())
        after = settle(changed, drafts.submit(changed, team["bian"], drafts.SubmitInput(
            title="新规则下的稿件", body="区政府召开常务会议。\n", disclosure="主动公开"), now=team.clock()))
        assert [d.workflow_version for d in team.rows(select(Draft).order_by(Draft.id))] == [
            team.ctx.workflow.version, changed.workflow.version]

        final = {d.id: next(s for s in drafts.show(changed, team["ling"], d.id).stages if s.name == "终审")
                 for d in (before, after)}
        assert final[before.id].quorum == 1 and final[after.id].quorum == 2

        for d in (before, after):
            _walk_to_the_leader(changed, team, d.id)
            drafts.sign(changed, team["ling"], d.id, stage="终审", now=team.clock())
        assert drafts.show(changed, team["ling"], before.id).status == "approved"
        assert drafts.show(changed, team["ling"], after.id).status == "in_review"
        assert [q.id for q in drafts.queue(changed, second_leader, now=team.clock())] == [after.id]
        drafts.sign(changed, second_leader, after.id, stage="终审", now=team.clock())
        assert drafts.show(changed, team["ling"], after.id).status == "approved"

        build_dispatcher(changed, use_prefect=False).drain(max_wait=0)
        for d in (before, after):  # each gated under its own version
            assert drafts.show(changed, team["ling"], d.id).status == "published"
    finally:
        changed.close()


def test_each_stored_version_is_parsed_once_per_process(team, default_checker, tmp_path):
    path = tmp_path / "two-leaders.toml"
    path.write_text(TWO_LEADERS, encoding="utf-8")
    changed = AppContext.open(replace(team.ctx.settings, workflow_file=path), checker=default_checker,
                              clock=team.ctx.clock)
    changed.close()
    with transaction(team.ctx.engine, readonly=True) as s:
        first = team.ctx.workflows.get(s, changed.workflow.version)
        assert first == changed.workflow and first is not changed.workflow
        assert team.ctx.workflows.get(s, changed.workflow.version) is first
        assert team.ctx.workflows.get(s, team.ctx.workflow.version) is team.ctx.workflow
        in_use = [wf.version for wf in team.ctx.workflows.in_use(s)]
        assert in_use[0] == team.ctx.workflow.version and len(in_use) == 3
        assert set(in_use[1:]) == {team.ctx.reply_workflow.version, changed.workflow.version}
