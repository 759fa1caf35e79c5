"""公开属性 re-decided: changed with a reason (audited), never silently ignored; 不予公开 needs a legal
ground; a 依申请公开 item converted to 主动公开 on a request is published only after every gate."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.commands.worker import build_dispatcher
from sanshen.service import drafts, requests
from storage.models import AuditEvent
from tests.cast import SIGNERS
from tests.team import settle

pytestmark = pytest.mark.db

WHY = "经保密审查，该文件含尚未公布的工作秘密"


def _publish(ctx) -> None:
    build_dispatcher(ctx, use_prefect=False).drain(max_wait=0)


def test_a_draft_withheld_needs_a_ground_from_the_list(team):
    with pytest.raises(Conflict) as no_ground:
        team.submit(disclosure="不予公开", disclosure_reason=WHY)
    assert no_ground.value.code == "ground_required" and "属于国家秘密" in no_ground.value.message
    with pytest.raises(InvalidInput):
        team.submit(disclosure="不予公开", disclosure_reason="无", disclosure_ground="state_secret")
    with pytest.raises(InvalidInput):
        team.submit(disclosure="主动公开", disclosure_ground="state_secret")
    kept = team.submit(disclosure="不予公开", disclosure_reason=WHY, disclosure_ground="属于四类过程性信息")
    assert drafts.show(team.ctx, team["bian"], kept.id).disclosure_ground == "process_info"


def test_the_attribute_is_changed_with_a_reason_and_the_review_starts_again(team):
    draft = team.submit(disclosure="依申请公开")
    team.walk(draft.id)
    assert drafts.show(team.ctx, team["bian"], draft.id).status == "approved"  # approved, never published
    with pytest.raises(InvalidInput):
        settle(team.ctx, drafts.change_disclosure(team.ctx, team["bian"], draft.id, disclosure="主动公开", reason="无", now=team.clock()))
    with pytest.raises(NotPermitted):
        settle(team.ctx, drafts.change_disclosure(team.ctx, team["jiao1"], draft.id, disclosure="主动公开",
                                 reason="涉及公众切身利益，应当主动公开", now=team.clock()))
    with pytest.raises(Conflict):  # 不予公开 without its ground
        settle(team.ctx, drafts.change_disclosure(team.ctx, team["bian"], draft.id, disclosure="不予公开",
                                 reason="内容涉及工作秘密", explanation=WHY, now=team.clock()))
    changed = settle(team.ctx, drafts.change_disclosure(team.ctx, team["bian"], draft.id, disclosure="主动公开",
                                       reason="涉及公众切身利益，应当主动公开", now=team.clock()))
    assert changed.disclosure == "主动公开" and changed.revision == 2 and changed.status == "in_review"
    with team.ctx.engine.connect() as conn:
        event = conn.execute(select(AuditEvent.payload).where(AuditEvent.action == "draft.disclosure_changed")).scalar_one()
    assert event["before"] == "依申请公开" and event["after"] == "主动公开" and "切身利益" in event["reason"]
    with pytest.raises(Conflict):
        settle(team.ctx, drafts.change_disclosure(team.ctx, team["bian"], draft.id, disclosure="主动公开",
                                 reason="再次改为主动公开", now=team.clock()))


def test_a_revision_carrying_a_new_attribute_is_refused_not_ignored(team, app):
    draft = team.submit(disclosure="依申请公开")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {team.tokens['bian']}"}
    r = client.post(f"/api/v1/drafts/{draft.id}/revisions", headers=headers,
                    json={"body": "区政府召开全体会议。\n", "disclosure": "主动公开"})
    assert r.status_code == 422 and "disclosure" in r.json()["message"]
    assert drafts.show(team.ctx, team["bian"], draft.id).revision == 1  # nothing written
    r = client.post(f"/api/v1/drafts/{draft.id}/disclosure", headers=headers,
                    json={"disclosure": "主动公开", "reason": "经审查可以主动公开"})
    assert r.status_code == 200 and r.json()["disclosure"] == "主动公开"


def test_an_item_converted_on_a_request_is_published_only_after_every_gate(office):
    team, ctx = office.team, office.ctx
    item = team.submit(disclosure="依申请公开", title="2025年老旧小区改造项目清单")
    team.walk(item.id)
    _publish(ctx)
    assert drafts.show(ctx, team["bian"], item.id).status == "approved"  # 依申请公开: not on the site
    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")
    converted = requests.convert(ctx, office["gong1"], req.id, draft_id=item.id,
                                 reason="多人申请同一信息，应当转为主动公开（条例第四十四条）", now=office.now())
    assert converted.converted_draft == item.id and converted.steps[-1].action == "converted"
    with pytest.raises(Conflict):  # only a 依申请公开 item can be converted
        requests.convert(ctx, office["gong1"], req.id, draft_id=item.id, reason="再次转为主动公开", now=office.now())
    assert drafts.show(ctx, team["bian"], item.id).status == "checking"  # the new revision waits for its pass
    team.settle()
    detail = drafts.show(ctx, team["bian"], item.id)
    assert detail.status == "in_review" and detail.disclosure == "主动公开" and detail.revision == 2
    assert any("尚未在当前版本" in b for b in detail.blockers)
    for stage, who in SIGNERS[:-1]:  # every stage again but the last
        team.sign(who, item.id, stage=stage)
        _publish(ctx)
        assert drafts.show(ctx, team["bian"], item.id).status == "in_review"
    team.sign("ling", item.id, stage="终审")
    _publish(ctx)
    assert drafts.show(ctx, team["bian"], item.id).status == "published"
    manifest = (ctx.settings.site_dir / "manifest.json").read_text(encoding="utf-8")
    assert f'"{item.id}"' in manifest
