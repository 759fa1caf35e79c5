"""The publication gate, submission rules (公开属性, 三同步) and due times."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from checking.findings import Category
from lexicon.vocabulary import DraftStatus
from review import transitions as t
from review.case import OpenFinding
from review.deadlines import draft_deadline
from review.refusals import InvalidInput, Refused
from review.workflow import default_workflow
from tests.review_helpers import LEAD, R1, T0, Desk, finding

HUMAN_STAGES = ["一校", "初审", "二校", "复审", "保密审查", "三校", "终审"]


def approved(**kwargs) -> Desk:
    desk = Desk.submit(**kwargs)
    desk.walk(*HUMAN_STAGES)
    return desk


def blockers(desk: Desk) -> list[str]:
    return t.publication_blockers(desk.wf, desk.case)


# --- submission ---------------------------------------------------------------------------

def submit_rules(**overrides) -> None:
    fields = dict(kind="news", disclosure="主动公开", disclosure_reason=None, title="关于开展安全检查的通知", body="正文")
    fields.update(overrides)
    t.validate_submission(**fields)


def test_a_complete_submission_passes():
    submit_rules()
    submit_rules(disclosure="不予公开", disclosure_reason="涉及个人隐私（条例第十五条）",
                 disclosure_ground="保护第三方合法权益")
    submit_rules(kind="policy", disclosure="依申请公开")


def test_missing_disclosure_is_refused_at_submission():
    for missing in (None, ""):
        with pytest.raises(Refused) as info:
            submit_rules(disclosure=missing)
        assert info.value.code == "missing_disclosure"
        assert "主动公开" in info.value.message


def test_not_public_needs_a_reason():
    for reason in (None, "  "):
        with pytest.raises(Refused) as info:
            submit_rules(disclosure="不予公开", disclosure_reason=reason)
        assert info.value.code == "disclosure_reason_required"
        assert info.value.message.startswith("公开属性为“不予公开”时必须说明理由")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"disclosure": "公开"}, "bad_disclosure"),
        ({"title": " "}, "empty_title"),
        ({"body": "\n\n"}, "empty_body"),
        ({"kind": "新闻"}, "bad_kind"),
    ],
)
def test_malformed_submissions_are_bad_input(overrides, code):
    with pytest.raises(InvalidInput) as info:
        submit_rules(**overrides)
    assert info.value.code == code


# --- the gate -----------------------------------------------------------------------------

def test_no_way_to_publish_before_the_last_gate():
    desk = Desk.submit()
    for stage in HUMAN_STAGES:
        assert any(stage in b for b in blockers(desk)), stage
        desk.walk(stage)
    assert blockers(desk) == []


def test_missing_stages_are_listed_with_their_counts():
    desk = Desk.submit()
    desk.walk("一校", "初审")
    (reason,) = blockers(desk)
    assert reason == (
        f"以下环节尚未在当前版本（哈希 {desk.case.content_hash[:8]}…）上签批完成："
        "二校（0/1）、复审（0/1）、保密审查（0/1）、三校（0/1）、终审（0/1）"
    )


def test_signoffs_of_another_hash_do_not_count():
    desk = approved()
    moved = replace(desk.case, content_hash="f" * 64)
    assert t.publication_blockers(desk.wf, moved)[0].startswith("以下环节尚未在当前版本（哈希 ffffffff…）")


def test_only_public_drafts_publish():
    desk = approved(disclosure="依申请公开")
    assert blockers(desk) == ["公开属性为“依申请公开”，只有“主动公开”的稿件可以在网站发布"]
    desk.case = replace(desk.case, disclosure=None)
    assert blockers(desk) == ["未设置公开属性"]


def test_withdrawn_or_returned_drafts_do_not_publish():
    desk = approved()
    assert blockers(replace(desk, case=replace(desk.case, status=DraftStatus.WITHDRAWN)))[0] == "稿件已撤稿"
    assert blockers(replace(desk, case=replace(desk.case, status=DraftStatus.RETURNED)))[0].startswith("稿件已退回")


def test_unwaived_errors_block_and_warnings_do_not():
    desk = Desk.submit(findings=(finding(Category.PII, "13912345678"),))
    desk.walk("一校")
    desk.waive(R1, 1)
    desk.walk(*HUMAN_STAGES[1:])
    assert blockers(desk) == []
    unwaived = replace(desk.case, findings=(replace(desk.case.findings[0], waived=False),))
    (reason,) = t.publication_blockers(desk.wf, unwaived)
    assert reason.startswith("有 1 个未处理的错误级问题：#1 个人信息“13912345678”")


def test_a_policy_publishes_only_with_its_fully_signed_interpretation():
    policy = approved(kind="policy", draft_id=7)
    assert blockers(policy) == ["政策文件须与其政策解读同步审核、同步发布（三同步），尚未关联政策解读稿"]

    interp = Desk.submit(kind="interpretation", draft_id=8, text="政策解读")
    interp.walk("一校", "初审", "二校", "复审", "保密审查", "三校")
    policy.case = replace(policy.case, interpretation=interp.case)
    (reason,) = blockers(policy)
    assert reason.startswith("政策解读（稿件 #8）：以下环节尚未在当前版本")
    assert reason.endswith("终审（0/1）")

    interp.sign(LEAD)
    policy.case = replace(policy.case, interpretation=interp.case)
    assert blockers(policy) == []

    hidden = replace(interp.case, disclosure="不予公开")
    policy.case = replace(policy.case, interpretation=hidden)
    assert blockers(policy) == ["政策解读（稿件 #8）：公开属性为“不予公开”，只有“主动公开”的稿件可以在网站发布"]


def test_an_interpretation_with_blockers_holds_back_its_policy():
    policy = approved(kind="policy", draft_id=7)
    interp = approved(kind="interpretation", draft_id=8, text="政策解读")
    stuck = replace(interp.case, findings=(OpenFinding(3, finding(Category.BANNED, "两岸三地"), False),))
    policy.case = replace(policy.case, interpretation=stuck)
    (reason,) = blockers(policy)
    assert reason.startswith("政策解读（稿件 #8）：有 1 个未处理的错误级问题：#3 禁用词“两岸三地”")


# --- due times ------------------------------------------------------------------------------

def test_due_times():
    wf = default_workflow()
    final = wf.stage("终审")
    assert t.due_at(wf, final, opened_at=T0, urgent=False, deadline_at=None) == T0 + timedelta(hours=48)
    assert t.due_at(wf, final, opened_at=T0, urgent=True, deadline_at=None) == T0 + timedelta(hours=1)
    cap = T0 + timedelta(minutes=20)
    assert t.due_at(wf, final, opened_at=T0, urgent=True, deadline_at=cap) == cap
    assert draft_deadline(wf, submitted_at=T0, urgent=True) == T0 + timedelta(hours=5)
    assert draft_deadline(wf, submitted_at=T0, urgent=False) is None
