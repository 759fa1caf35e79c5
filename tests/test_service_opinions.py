"""意见 through the service: comments anchored to passages and carried across revisions, the time-ordered
timeline with display names and roles, suggested edits, kept sign-offs and carried waivers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import drafts, opinions, suggestions
from storage.models import AuditEvent, SignOff, Waiver
from tests import opinions_support
from tests.team import ID_NUMBER, settle

keep_team = opinions_support.keep_team  # the fixture

pytestmark = pytest.mark.db

BODY = "区政府召开全体会议，研究部署今冬明春安全生产工作。\n会议强调，要压实责任，确保群众安全。\n"


def test_a_comment_on_a_passage_follows_it_through_revisions_then_detaches(team):
    did = team.submit(BODY).id
    c = opinions.add_comment(team.ctx, team["jiao1"], did, quote="压实责任", text="建议写明责任主体",
                             now=team.clock())
    assert (c.display, c.role, c.stage, c.revision) == ("JIAO1", "校对", "一校", 1)
    assert c.passage.start == BODY.index("压实责任") and not c.passage.detached
    moved = "一、" + BODY
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, moved, now=team.clock()))
    again = [o for o in opinions.timeline(team.ctx, team["shen1"], did) if o.kind == "comment"]
    assert again[0].passage.start == moved.index("压实责任") and not again[0].passage.detached
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, moved.replace("压实责任", "落实责任"), now=team.clock()))
    gone = [o for o in opinions.timeline(team.ctx, team["shen1"], did) if o.kind == "comment"]
    assert gone[0].passage.detached and gone[0].passage.start is None
    assert gone[0].text == "建议写明责任主体"  # the 意见 itself stays on record


def test_comment_refusals_are_chinese_and_write_nothing(team):
    did = team.submit(BODY).id
    with pytest.raises(InvalidInput, match="正文中没有“不存在的话”"):
        opinions.add_comment(team.ctx, team["jiao1"], did, quote="不存在的话", text="x", now=team.clock())
    with pytest.raises(InvalidInput, match="意见不能为空"):
        opinions.add_comment(team.ctx, team["jiao1"], did, quote="压实责任", text=" ", now=team.clock())
    with pytest.raises(Conflict, match="第 2 版"):
        opinions.add_comment(team.ctx, team["jiao1"], did, quote="压实责任", text="x", revision=2, now=team.clock())
    assert not [o for o in opinions.timeline(team.ctx, team["jiao1"], did) if o.kind == "comment"]


def test_the_timeline_lists_every_opinion_in_order_with_names_roles_and_stages(team):
    did = team.submit(BODY).id
    team.sign("jiao1", did, stage="一校", comment="文字已校")
    drafts.return_draft(team.ctx, team["shen1"], did, comment="数据需核实", now=team.clock())
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, BODY + "数据已核实。\n", comment="已核实", now=team.clock()))
    kinds = [(o.kind, o.user, o.stage) for o in opinions.timeline(team.ctx, team["bian"], did)]
    assert kinds == [("submit", "bian", None), ("sign", "jiao1", "一校"), ("return", "shen1", "初审"),
                     ("revise", "bian", None)]
    line = opinions.timeline(team.ctx, team["bian"], did)
    assert line[2].display == "SHEN1" and line[2].role == "审核人" and "数据需核实" in line[2].text
    assert line[1].text == "文字已校" and line[3].revision == 2 and line[3].role == "作者"


def test_stage_opened_is_credited_to_the_system_not_the_previous_signer(team):
    did = team.submit(BODY).id
    team.sign("jiao1", did, stage="一校")
    with team.ctx.engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.draft_id == did)).all()
    assert {actor for action, actor in rows if action == "stage.opened"} == {"system"}
    assert ("stage.signed", "jiao1") in rows


def test_an_unchanged_waived_finding_stays_waived_recorded_as_carried(team):
    body = f"申请人身份证号 {ID_NUMBER}，现予公示。\n第二段说明情况。\n"
    did = team.submit(body).id
    team.sign("jiao1", did, stage="一校")
    pii = next(f for f in drafts.show(team.ctx, team["shen1"], did).findings if f.category == "pii")
    drafts.waive(team.ctx, team["shen1"], did, pii.id, reason="公示须列明", now=team.clock())
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, body.replace("第二段说明情况", "第二段补充说明情况"), now=team.clock()))
    now_pii = next(f for f in drafts.show(team.ctx, team["shen1"], did).findings if f.category == "pii")
    assert now_pii.id != pii.id and now_pii.waived
    carried = team.rows(select(Waiver).where(Waiver.finding_id == now_pii.id))[0]
    assert carried.carried_from is not None and carried.reason == "公示须列明"
    assert any(o.kind == "waiver_carried" for o in opinions.timeline(team.ctx, team["bian"], did))
    # the number changed around it: not the same finding in context any more, it comes back unwaived
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, body.replace("申请人身份证号", "申请人的身份证号码为"), now=team.clock()))
    assert not next(f for f in drafts.show(team.ctx, team["shen1"], did).findings if f.category == "pii").waived


def test_by_default_a_punctuation_fix_voids_every_signoff(team):
    did = team.submit(BODY).id
    team.walk(did, through="二校")
    preview = drafts.revision_preview(team.ctx, team["bian"], did, BODY.replace("，确保", "；确保"))
    assert preview.change == "punctuation" and preview.kept == ()
    assert [v.stage for v in preview.voided] == ["一校", "初审", "二校"]


def test_a_suggested_punctuation_edit_keeps_the_proofreading_signoffs_the_workflow_names(keep_team):
    team = keep_team
    did = team.submit(BODY).id
    team.walk(did, through="复审")
    s = suggestions.suggest(team.ctx, team["bao"], did, old_text="，确保", new_text="；确保", reason="分号更妥",
                            now=team.clock())
    with pytest.raises(NotPermitted, match="只有作者"):
        settle(team.ctx, suggestions.accept(team.ctx, team["jiao1"], did, s.id, now=team.clock()))
    preview = suggestions.preview_accept(team.ctx, team["bian"], did, s.id)
    assert preview.change == "punctuation"
    assert [v.stage for v in preview.kept] == ["一校", "二校"]
    assert [v.stage for v in preview.voided] == ["初审", "复审"]
    with pytest.raises(Conflict, match="又有人签批"):
        settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, s.id, expect_voided=["初审:shen1"], now=team.clock()))
    view = settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, s.id,
                              expect_voided=[f"{v.stage}:{v.user}" for v in preview.voided], now=team.clock()))
    assert view.revision == 2
    shown = drafts.show(team.ctx, team["bian"], did)
    assert "；确保群众安全" in shown.body
    status = {st.name: st.status for st in shown.stages}
    assert status["一校"] == status["二校"] == "done" and status["初审"] == "open"
    live = team.rows(select(SignOff).where(SignOff.draft_id == did, SignOff.revision == 2, SignOff.voided_at.is_(None)))
    assert {(so.stage, so.content_hash == view.content_hash) for so in live} >= {("一校", True), ("二校", True)}
    assert suggestions.for_draft(team.ctx, team["bian"], did)[0].status == "accepted"
    assert any(o.kind == "signoff_carried" for o in opinions.timeline(team.ctx, team["bian"], did))


def test_a_worded_suggestion_voids_all_and_a_rejected_one_changes_nothing(keep_team):
    team = keep_team
    did = team.submit(BODY).id
    team.walk(did, through="一校")
    worded = suggestions.suggest(team.ctx, team["shen1"], did, old_text="压实责任", new_text="层层压实责任",
                                 now=team.clock())
    other = suggestions.suggest(team.ctx, team["shen1"], did, old_text="全体会议", new_text="常务会议",
                                now=team.clock())
    assert [v.stage for v in suggestions.preview_accept(team.ctx, team["bian"], did, worded.id).voided] == ["一校"]
    suggestions.reject(team.ctx, team["bian"], did, other.id, note="会议名称无误", now=team.clock())
    assert drafts.show(team.ctx, team["bian"], did).revision == 1
    settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, worded.id, now=team.clock()))
    shown = drafts.show(team.ctx, team["bian"], did)
    assert shown.revision == 2 and {s.name: s.status for s in shown.stages}["一校"] == "open"
    with pytest.raises(Conflict, match="未采纳"):
        settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, other.id, now=team.clock()))
    with pytest.raises(NotPermitted, match="作者可直接修改"):
        suggestions.suggest(team.ctx, team["bian"], did, old_text="会议", new_text="大会", now=team.clock())


def test_the_sign_sheet_lists_each_stage_signer_and_every_opinion(team):
    did = team.submit(BODY).id
    opinions.add_comment(team.ctx, team["jiao1"], did, quote="全体会议", text="会议名称请核对", now=team.clock())
    team.walk(did)
    sheet = opinions.sign_sheet(team.ctx, team["guan"], did)
    signed = {st.name: [o.display for o in st.signoffs] for st in sheet.stages}
    assert signed["一校"] == ["JIAO1"] and signed["终审"] == ["LING"]
    assert all(st.status == "done" for st in sheet.stages)
    assert any(o.text == "会议名称请核对" for o in sheet.opinions)


def test_a_suggestion_made_on_an_older_revision_applies_where_its_passage_now_is(team):
    did = team.submit(BODY).id
    s = suggestions.suggest(team.ctx, team["jiao1"], did, old_text="压实责任", new_text="压紧压实责任", now=team.clock())
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, "通知如下。\n" + BODY, now=team.clock()))
    assert suggestions.for_draft(team.ctx, team["bian"], did)[0].passage.start == ("通知如下。\n" + BODY).index("压实责任")
    settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, s.id, now=team.clock()))
    assert drafts.show(team.ctx, team["bian"], did).body == "通知如下。\n" + BODY.replace("压实责任", "压紧压实责任")
    gone = suggestions.suggest(team.ctx, team["jiao1"], did, old_text="全体会议", new_text="常务会议", now=team.clock())
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, "通知如下。\n" + BODY.replace("全体会议", "专题会议"), now=team.clock()))
    assert suggestions.for_draft(team.ctx, team["bian"], did)[1].status == "stale"
    with pytest.raises(Conflict, match="已不存在"):
        settle(team.ctx, suggestions.accept(team.ctx, team["bian"], did, gone.id, now=team.clock()))
    suggestions.reject(team.ctx, team["bian"], did, gone.id, note="原文已改", now=team.clock())
