"""``drafts.show`` tells the acting user what the review rules let them do now, and lists the
revision's attachments; the server still refuses whatever is not allowed."""

from __future__ import annotations

import hashlib

import pytest

from review.refusals import NotPermitted
from sanshen.commands.worker import build_dispatcher
from sanshen.service import drafts
from sanshen.service.drafts import AttachmentInput
from sanshen.service.errors import NotFound
from tests.team import ID_NUMBER

pytestmark = pytest.mark.db


def _allowed(team, who: str, draft_id: int) -> dict:
    d = drafts.show(team.ctx, team[who], draft_id, now=team.clock()).model_dump(mode="json")
    return {k: d[k] for k in ("can_sign", "can_waive", "can_return", "return_to", "can_revise", "can_withdraw")}


NOTHING = {"can_sign": [], "can_waive": [], "can_return": False, "return_to": [], "can_revise": False,
           "can_withdraw": False}


def test_each_person_is_offered_what_the_rules_allow_at_the_first_stage(team):
    view = team.submit()
    assert _allowed(team, "jiao1", view.id) == dict(NOTHING, can_sign=["一校"], can_return=True, return_to=["一校"])
    assert _allowed(team, "bian", view.id) == dict(NOTHING, can_revise=True)  # the author signs nothing
    assert _allowed(team, "shen1", view.id) == NOTHING  # 初审 is not open yet
    assert _allowed(team, "ling", view.id) == NOTHING


def test_separation_of_duties_and_quorum_decide_who_may_sign_next(team):
    view = team.submit()
    team.sign("jiao1", view.id, stage="一校")
    team.sign("shen1", view.id, stage="初审")
    assert _allowed(team, "jiao1", view.id)["can_sign"] == []  # signed 一校: not 二校 too
    assert _allowed(team, "jiao2", view.id)["can_sign"] == ["二校"]
    assert _allowed(team, "jiao2", view.id)["return_to"] == ["一校", "初审", "二校"]
    with pytest.raises(NotPermitted) as refused:  # what is not offered is still refused
        team.sign("jiao1", view.id, stage="二校")
    assert refused.value.code == "separation"
    team.sign("jiao2", view.id, stage="二校")
    assert _allowed(team, "shen1", view.id)["can_sign"] == []  # signed 初审: not 复审
    assert _allowed(team, "shen2", view.id)["can_sign"] == ["复审"]
    assert _allowed(team, "bao", view.id)["can_sign"] == ["保密审查"]


def test_findings_are_offered_for_waiving_only_at_a_stage_that_may_waive_them(team):
    view = team.submit("经核实，申请人张三（身份证号 " + ID_NUMBER + "）已办结。\n")
    pii = [f.id for f in view.findings if f.category == "pii"]
    assert pii
    assert _allowed(team, "jiao1", view.id)["can_waive"] == []  # 一校 waives nothing
    with pytest.raises(NotPermitted):
        drafts.waive(team.ctx, team["jiao1"], view.id, pii[0], reason="已脱敏", now=team.clock())
    team.sign("jiao1", view.id, stage="一校")
    assert set(pii) <= set(_allowed(team, "shen1", view.id)["can_waive"])
    drafts.waive(team.ctx, team["shen1"], view.id, pii[0], reason="已脱敏", now=team.clock())
    assert pii[0] not in _allowed(team, "shen1", view.id)["can_waive"]


def test_a_leader_may_withdraw_only_what_is_published(team):
    view = team.submit()
    team.walk(view.id)
    assert not _allowed(team, "ling", view.id)["can_withdraw"]
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    assert _allowed(team, "ling", view.id)["can_withdraw"]
    assert not _allowed(team, "guan", view.id)["can_withdraw"]


def test_show_lists_the_revision_s_attachments_and_serves_them(team):
    data = "附件内容：检查表".encode("utf-8")
    view = team.submit(attachments=(AttachmentInput("检查表.txt", data, "text/plain"),))
    detail = drafts.show(team.ctx, team["jiao1"], view.id)
    [a] = detail.attachments
    assert (a.name, a.size, a.sha256) == ("检查表.txt", len(data), hashlib.sha256(data).hexdigest())
    assert detail.model_dump(mode="json")["attachments"][0]["sha256"] == a.sha256
    got = drafts.attachment(team.ctx, team["jiao1"], view.id, a.id)
    assert (got.name, got.data) == ("检查表.txt", data)
    other = team.submit(title="另一份稿件")
    with pytest.raises(NotFound):
        drafts.attachment(team.ctx, team["jiao1"], other.id, a.id)
