"""The guarded transitions walked with the cast: editor, 3 proofreaders, 3 reviewers, secrecy officer, leader."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from checking.findings import Category, Severity
from lexicon.vocabulary import DraftStatus
from review import events as ev
from review import transitions as t
from review.case import OpenFinding
from review.deadlines import escalations
from review.refusals import InvalidInput, Refused
from review.workflow import load_workflow
from tests.cast import SIGNERS
from tests.review_helpers import (
    EDITOR,
    LEAD,
    LEAD2,
    P1,
    P2,
    P3,
    R1,
    R2,
    SEC,
    T0,
    Desk,
    actions,
    actor,
    body_hash,
    finding,
)

HUMAN_STAGES = ["一校", "初审", "二校", "复审", "保密审查", "三校", "终审"]


def refuses(code: str, fn, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value
    return info.value


# --- the full walk ---------------------------------------------------------------------

def test_start_signs_the_automated_stage_and_opens_the_first_human_stage():
    desk = Desk.submit()
    assert actions(desk.last) == [
        ("stage.opened", "机器预审"), ("stage.signed", "机器预审"), ("stage.closed", "机器预审", "done"),
        ("stage.opened", "一校"),
    ]
    signed = desk.last[1]
    assert (signed.user, signed.revision, signed.content_hash) == ("system", 1, desk.case.content_hash)
    assert desk.open() == ["一校"]
    assert desk.last[-1].roles == ("proofreader",)
    assert desk.last[-1].due_at == T0 + timedelta(hours=24)


def test_start_twice_is_refused():
    desk = Desk.submit()
    refuses("already_started", t.start, desk.wf, desk.case, now=T0)


def test_full_walk_of_the_default_workflow_approves_and_passes_the_gate():
    desk = Desk.submit()
    desk.sign(P1)
    assert actions(desk.last) == [("stage.signed", "一校"), ("stage.closed", "一校", "done"), ("stage.opened", "初审")]
    desk.sign(R1)
    desk.sign(P2)
    assert desk.open() == ["复审", "保密审查"]
    desk.sign(R2, "复审")
    assert actions(desk.last) == [("stage.signed", "复审"), ("stage.closed", "复审", "done")]
    assert desk.open() == ["保密审查"]
    desk.sign(SEC)
    assert actions(desk.last)[-1] == ("stage.opened", "三校")
    desk.sign(P3)
    assert t.publication_blockers(desk.wf, desk.case)  # 终审 still missing
    events = desk.sign(LEAD)
    assert actions(events) == [
        ("stage.signed", "终审"), ("stage.closed", "终审", "done"), ("draft.approved",),
    ]
    assert events[-1] == ev.DraftApproved(1, desk.case.content_hash)
    assert desk.case.status == DraftStatus.APPROVED
    assert desk.open() == []
    assert t.publication_blockers(desk.wf, desk.case) == []
    signed = {s.stage: s.user for s in desk.case.signoffs}
    assert signed == {"机器预审": "system", **dict(SIGNERS)}


def test_sign_without_stage_picks_the_single_open_stage_the_actor_may_sign():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    desk.sign(SEC)  # 复审 ∥ 保密审查: the secrecy officer can only mean 保密审查
    assert desk.open() == ["复审"]


# --- who may sign ----------------------------------------------------------------------

def test_the_author_signs_nothing_even_with_the_role():
    desk = Desk.submit()
    author = actor(EDITOR.name, "editor", "proofreader")
    err = refuses("author_signs", desk.sign, author)
    assert err.message == "作者本人不能签批自己的稿件"


def test_nobody_signs_two_review_stages():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    err = refuses("separation", desk.sign, R1, "复审")
    assert err.message == "您已签批本稿件的“初审”，按三审分离原则不能再签“复审”"


def test_nobody_signs_two_proofreading_passes():
    desk = Desk.submit()
    desk.walk("一校", "初审")
    err = refuses("separation", desk.sign, P1)
    assert err.message == "您已签批本稿件的“一校”，按三校分离原则不能再签“二校”"


def test_leader_who_signed_secrecy_review_cannot_sign_final_review():
    both = actor("boss", "secrecy", "leader")
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校", "复审")
    desk.sign(both, "保密审查")
    desk.walk("三校")
    err = refuses("separation", desk.sign, both)
    assert "“保密审查”" in err.message and "“终审”" in err.message


def test_a_user_without_the_stage_role_is_refused():
    desk = Desk.submit()
    err = refuses("missing_role", desk.sign, R1)
    assert "一校" in err.message and "proofreader" in err.message and "reviewer" in err.message
    err = refuses("missing_role", desk.sign, R1, "一校")
    assert err.message.startswith("“一校”须由以下角色签批：校对（proofreader）")


def test_admin_is_not_a_signer():
    desk = Desk.submit()
    refuses("missing_role", desk.sign, actor("root", "admin"))


def test_a_stale_expected_hash_is_refused_and_the_current_one_accepted():
    desk = Desk.submit()
    stale = body_hash("an older text")
    err = refuses("stale_hash", desk.sign, P1, expect_hash=stale)
    assert err.message == f"稿件内容已更新（当前版本哈希 {desk.case.content_hash[:8]}…），请查看最新版本后再签批"
    refuses("stale_hash", desk.sign, P1, expect_hash=desk.case.content_hash[:4])  # too short to be sure
    desk.sign(P1, expect_hash=desk.case.content_hash[:12])
    desk.sign(R1, expect_hash=desk.case.content_hash)
    assert desk.open() == ["二校"]


def test_unknown_stage_is_bad_input():
    desk = Desk.submit()
    with pytest.raises(InvalidInput) as info:
        desk.sign(P1, "四校")
    assert info.value.code == "unknown_stage"
    assert "四校" in info.value.message and "“一校”" in info.value.message


def test_signing_a_stage_not_yet_open_names_what_is_open():
    desk = Desk.submit()
    err = refuses("stage_not_open", desk.sign, LEAD, "终审")
    assert err.message == "“终审”尚未到达，当前待办环节为：一校"
    desk.walk("一校", "初审", "二校")
    err = refuses("stage_not_open", desk.sign, LEAD, "终审")
    assert err.message == "“终审”尚未到达，当前待办环节为：复审、保密审查"


def test_signing_a_finished_stage_or_the_automated_stage_is_refused():
    desk = Desk.submit()
    desk.walk("一校")
    err = refuses("stage_done", desk.sign, P2, "一校")
    assert "当前待办环节为：初审" in err.message
    refuses("auto_stage", desk.sign, P2, "机器预审")


def test_signing_twice_is_refused():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    desk.sign(R2, "复审")
    refuses("stage_done", desk.sign, R2, "复审")


def test_nothing_is_signed_outside_review():
    desk = Desk.submit()
    desk.walk(*HUMAN_STAGES)
    err = refuses("not_in_review", desk.sign, P1)
    assert err.message == "稿件已通过，待发布，不能签批"
    still_in_review = replace(desk.case, status=DraftStatus.IN_REVIEW)
    refuses("nothing_open", t.sign, desk.wf, still_in_review, LEAD, stage=None, expect_hash=None, comment="", now=T0)


# --- parallel group and quorum -----------------------------------------------------------

def test_parallel_stages_sign_in_any_order_and_the_next_step_waits_for_both():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    desk.sign(SEC, "保密审查")
    assert actions(desk.last) == [("stage.signed", "保密审查"), ("stage.closed", "保密审查", "done")]
    assert desk.open() == ["复审"]
    refuses("stage_not_open", desk.sign, P3, "三校")
    desk.sign(R2)
    assert actions(desk.last)[-1] == ("stage.opened", "三校")
    assert desk.open() == ["三校"]


def test_a_user_who_may_sign_both_parallel_stages_must_choose():
    both = actor("zhang", "reviewer", "secrecy")
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    err = refuses("ambiguous_stage", desk.sign, both)
    assert "复审、保密审查" in err.message
    desk.sign(both, "复审")
    err = refuses("separation", desk.sign, both, "保密审查")
    assert "三审分离" in err.message


QUORUM_TOML = """
name = "会签"
version = "2"
separation = [["初审", "终审"]]

[[stage]]
name = "机器预审"
kind = "auto"

[[stage]]
name = "初审"
kind = "review"
roles = ["reviewer"]

[[stage]]
name = "终审"
kind = "review"
roles = ["leader"]
quorum = 2
urgent_deadline_hours = 2
"""


def test_quorum_two_needs_two_distinct_signers():
    desk = Desk.submit(load_workflow(QUORUM_TOML, "quorum.toml"))
    desk.sign(R1)
    desk.sign(LEAD)
    assert actions(desk.last) == [("stage.signed", "终审")]
    assert desk.open() == ["终审"]
    assert any("终审（1/2）" in b for b in t.publication_blockers(desk.wf, desk.case))
    err = refuses("already_signed", desk.sign, LEAD)
    assert "（1/2）" in err.message
    desk.sign(LEAD2)
    assert actions(desk.last)[-1] == ("draft.approved",)
    assert t.publication_blockers(desk.wf, desk.case) == []


def test_return_to_the_current_stage_voids_a_partial_quorum():
    desk = Desk.submit(load_workflow(QUORUM_TOML, "quorum.toml"))
    desk.sign(R1)
    desk.sign(LEAD)
    desk.return_(LEAD2, "终审", "请再核对数据")
    assert actions(desk.last) == [
        ("draft.returned",), ("signoffs.voided", 1, ("终审",)),
        ("stage.closed", "终审", "returned"), ("stage.opened", "终审"),
    ]
    assert desk.case.signers("终审") == frozenset()
    desk.sign(LEAD)  # re-signing the same stage is allowed
    assert desk.case.signers("终审") == {"ling"}


# --- return and revise -------------------------------------------------------------------

def test_return_to_the_author_waits_for_a_revision():
    desk = Desk.submit()
    desk.walk("一校", "初审")
    desk.return_(P2, comment="第二段数字有误")
    assert actions(desk.last) == [("draft.returned",), ("stage.closed", "二校", "returned")]
    assert desk.last[0] == ev.DraftReturned("jiao2", "二校", None, "第二段数字有误")
    assert desk.case.status == DraftStatus.RETURNED
    assert desk.open() == []
    err = refuses("not_in_review", desk.sign, P2)
    assert "退回作者修改" in err.message
    desk.revise("正文第二版")
    assert desk.case.status == DraftStatus.IN_REVIEW
    assert desk.open() == ["一校"]


def test_revise_voids_every_signoff_and_restarts_at_the_first_human_stage():
    desk = Desk.submit()
    old_hash = desk.case.content_hash
    desk.walk("一校", "初审")
    events = desk.revise("正文第二版")
    assert actions(events) == [
        ("revision.created",),
        ("signoffs.voided", 1, ("机器预审", "一校", "初审")),
        ("stage.closed", "二校", "voided"),
        ("stage.opened", "机器预审"), ("stage.signed", "机器预审"), ("stage.closed", "机器预审", "done"),
        ("stage.opened", "一校"),
    ]
    assert events[0] == ev.RevisionCreated(2, body_hash("正文第二版"), "bian", "已修改")
    assert all(e.revision == 2 for e in events[3:])
    assert desk.open() == ["一校"]
    assert t.publication_blockers(desk.wf, desk.case)[0].startswith("以下环节尚未在当前版本")
    refuses("stale_hash", desk.sign, P1, expect_hash=old_hash)
    desk.walk("一校")  # the same proofreader signs the same pass again
    desk.sign(R1, "初审")  # and the same reviewer the same review
    desk.walk("二校")
    err = refuses("separation", desk.sign, R1, "复审")  # voided sign-offs still count for separation
    assert "“初审”" in err.message


def test_revise_after_approval_or_publication_goes_through_review_again():
    desk = Desk.submit()
    desk.walk(*HUMAN_STAGES)
    desk.case = replace(desk.case, status=DraftStatus.PUBLISHED)
    desk.revise("更正后的正文")
    assert desk.case.status == DraftStatus.IN_REVIEW and desk.case.revision == 2
    assert desk.open() == ["一校"]


def test_revise_is_for_the_author_with_a_changed_text():
    desk = Desk.submit()
    err = refuses("not_author", desk.revise, "别人改的", P1)
    assert "bian" in err.message
    with pytest.raises(InvalidInput) as info:
        desk.revise("正文第一版")
    assert info.value.code == "unchanged"
    with pytest.raises(InvalidInput):
        t.revise(desk.wf, desk.case, EDITOR, revision=5, content_hash="x" * 64, comment="", now=T0)


def test_return_to_an_earlier_stage_voids_it_and_every_later_one():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校", "复审", "保密审查")
    events = desk.return_(P3, "初审", "政策依据需要复核")
    assert actions(events) == [
        ("draft.returned",),
        ("signoffs.voided", 1, ("初审", "二校", "复审", "保密审查")),
        ("stage.closed", "三校", "returned"),
        ("stage.opened", "初审"),
    ]
    assert events[0] == ev.DraftReturned("jiao3", "三校", "初审", "政策依据需要复核")
    assert desk.open() == ["初审"]
    assert desk.case.signers("一校") == {"jiao1"}  # earlier stages keep their sign-offs
    desk.walk("初审", "二校")
    assert desk.open() == ["复审", "保密审查"]


def test_return_within_a_parallel_group_keeps_the_sibling():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校", "复审", "保密审查", "三校")
    desk.return_(LEAD, "保密审查", "请复核第三段是否涉密")
    assert actions(desk.last)[1:] == [
        ("signoffs.voided", 1, ("保密审查", "三校")),
        ("stage.closed", "终审", "returned"), ("stage.opened", "保密审查"),
    ]
    assert desk.open() == ["保密审查"]
    desk.sign(SEC)
    assert desk.open() == ["三校"]


def test_return_refusals():
    desk = Desk.submit()
    desk.walk("一校", "初审")
    refuses("return_forward", desk.return_, P2, "终审")
    refuses("auto_stage", desk.return_, P2, "机器预审")
    refuses("reason_required", desk.return_, P2, None, "  ")
    refuses("missing_role", desk.return_, R2)
    refuses("separation", desk.return_, P1)
    refuses("author_signs", desk.return_, EDITOR)
    with pytest.raises(InvalidInput):
        desk.return_(P2, "五审")


# --- findings and waivers --------------------------------------------------------------------

def test_a_political_error_blocks_until_the_final_review_waives_it():
    desk = Desk.submit(findings=(finding(Category.FORMULATION, "习近平新时代中国特色社会主意思想"),))
    refuses("not_waivable", desk.waive, P1, 1)  # 一校 may waive nothing
    desk.walk("一校", "初审")
    refuses("not_waivable", desk.waive, P2, 1)
    desk.walk("二校")
    err = refuses("not_waivable", desk.waive, R2, 1)
    assert err.message.startswith("“规范表述”类问题只能在“终审”环节豁免")
    desk.walk("复审", "保密审查", "三校")
    assert any("未处理的错误级问题" in b for b in t.publication_blockers(desk.wf, desk.case))
    err = refuses("blocking_findings", desk.sign, LEAD)
    assert "#1 规范表述" in err.message and "可由本环节说明理由后豁免" in err.message
    refuses("reason_required", desk.waive, LEAD, 1, " ")
    events = desk.waive(LEAD, 1, "原文引用，经核对无误")
    assert events == [ev.FindingWaived(1, "终审", "ling", "原文引用，经核对无误")]
    refuses("already_waived", desk.waive, LEAD, 1)
    desk.sign(LEAD)
    assert desk.case.status == DraftStatus.APPROVED
    assert t.publication_blockers(desk.wf, desk.case) == []


def test_a_secrecy_error_is_waived_only_at_secrecy_review():
    desk = Desk.submit(findings=(finding(Category.SECRECY, "机密★10年"),))
    desk.walk("一校", "初审", "二校")
    err = refuses("not_waivable", desk.waive, R2, 1)
    assert "“保密审查”" in err.message
    desk.sign(R2, "复审")  # 保密审查 is still to come: no block yet
    err = refuses("blocking_findings", desk.sign, SEC)
    assert "涉密标志“机密★10年”" in err.message
    desk.waive(SEC, 1, "已解密，附解密文件")
    desk.sign(SEC)
    assert desk.open() == ["三校"]


def test_final_review_cannot_waive_secrecy_and_is_told_where_to_return():
    desk = Desk.submit(findings=(finding(Category.SECRECY, "秘密★"),))
    desk.walk("一校", "初审", "二校", "复审")
    desk.waive(SEC, 1, "误报")
    desk.sign(SEC)
    desk.walk("三校")
    # a later automated pass found a new secrecy marking in the same revision
    desk.case = replace(desk.case, findings=desk.case.findings + (
        OpenFinding(2, finding(Category.SECRECY, "绝密"), False),
    ))
    err = refuses("not_waivable", desk.waive, LEAD, 2)
    assert "“保密审查”" in err.message
    err = refuses("blocking_findings", desk.sign, LEAD)
    assert "只能由“保密审查”豁免，可退回到该环节" in err.message
    desk.return_(LEAD, "保密审查", "新发现涉密标志")
    desk.waive(SEC, 2, "经保密办确认可公开")
    desk.sign(SEC)
    desk.walk("三校")
    desk.sign(LEAD)
    assert desk.case.status == DraftStatus.APPROVED


def test_warnings_do_not_block_and_a_revision_clears_errors():
    desk = Desk.submit(findings=(
        finding(Category.TYPO, "布署", Severity.WARNING), finding(Category.BANNED, "残废人"),
    ))
    desk.walk("一校")
    desk.revise("正文第二版，已改为残疾人", findings=(finding(Category.TYPO, "布署", Severity.WARNING),))
    desk.walk(*HUMAN_STAGES)
    assert desk.case.status == DraftStatus.APPROVED
    assert t.publication_blockers(desk.wf, desk.case) == []


def test_waive_refusals():
    desk = Desk.submit(findings=(finding(Category.PII, "110105194912310021"),))
    desk.walk("一校")
    refuses("author_signs", desk.waive, EDITOR, 1)
    with pytest.raises(InvalidInput):
        desk.waive(R1, 99)
    refuses("missing_role", desk.waive, SEC, 1)
    desk.waive(R1, 1, "公开名单依法须含身份证号")
    assert desk.last[0].stage == "初审"


# --- withdraw ---------------------------------------------------------------------------------

def test_withdraw_only_after_publication_by_a_leader_with_a_reason():
    desk = Desk.submit()
    desk.walk(*HUMAN_STAGES)
    refuses("not_published", desk.withdraw, LEAD)
    desk.case = replace(desk.case, status=DraftStatus.PUBLISHED)
    refuses("not_leader", desk.withdraw, R1)
    refuses("reason_required", desk.withdraw, LEAD, "")
    assert desk.withdraw(LEAD, "数据有误，撤稿更正") == [ev.DraftWithdrawn("ling", "数据有误，撤稿更正")]
    refuses("withdrawn", desk.revise, "撤稿后再改")


# --- deadlines --------------------------------------------------------------------------------

def test_urgent_stages_get_urgent_deadlines_capped_by_the_end_to_end_deadline():
    desk = Desk.submit(urgent=True)
    assert desk.case.deadline_at == T0 + timedelta(hours=5)
    assert desk.last[-1].due_at == T0 + timedelta(minutes=30)
    desk.sign(P1)  # at T0 + 5 min
    assert desk.last[-1] == ev.StageOpened("初审", 1, ("reviewer",), T0 + timedelta(hours=1, minutes=5))
    desk.now = T0 + timedelta(hours=4, minutes=30)
    desk.sign(R1)
    assert desk.last[-1].due_at == T0 + timedelta(hours=5)  # 二校 would be due at 5 h 05 min


def test_overdue_stages_are_escalated_to_their_escalation_roles():
    desk = Desk.submit()
    desk.walk("一校", "初审", "二校")
    opened = desk.now
    assert t.overdue_stages(desk.wf, desk.case, now=opened + timedelta(hours=47)) == []
    late = opened + timedelta(hours=48, minutes=1)
    assert [s.name for s in t.overdue_stages(desk.wf, desk.case, now=late)] == ["复审", "保密审查"]
    assert escalations(desk.wf, desk.case, now=late) == [
        ev.StageEscalated("复审", 1, ("leader",)), ev.StageEscalated("保密审查", 1, ("leader",)),
    ]


def test_every_event_payload_is_json_safe():
    import json

    desk = Desk.submit(findings=(finding(Category.PII, "13912345678"),))
    collected = list(desk.last)
    collected += desk.sign(P1)
    collected += desk.waive(R1, 1)
    collected += desk.sign(R1)
    collected += desk.return_(P2, "一校")
    collected += desk.revise("第二版")
    for e in collected:
        json.dumps(e.payload(), ensure_ascii=False)
        assert e.action and "." in e.action
