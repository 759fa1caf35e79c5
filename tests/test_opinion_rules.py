"""Pure rules behind 意见 and 留痕: anchoring a passage, classifying a change, which waivers carry over,
the workflow's keep_signoffs / suggestion_deciders keys, and who may comment, suggest and decide."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from checking.located import BODY, TITLE, Location, Part
from lexicon.vocabulary import DraftStatus
from review import remarks, transitions
from review.anchors import Span, anchor_at, context_unchanged, relocate
from review.carry import Found, carried_waivers
from review.case import Case, SignOffRecord
from review.change import ChangeKind, classify
from review.refusals import NotPermitted
from review.workflow import WorkflowError, default_workflow, load_workflow
from tests.cast import actor

T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_a_passage_is_found_again_by_its_quote_and_context():
    text = "一、压实责任。二、压实责任，确保安全。"
    anchor = anchor_at(text, 9, 13)  # the second 压实责任
    assert relocate(text, anchor) == Span(9, 13)
    moved = "前言。" + text
    assert relocate(moved, anchor) == Span(12, 16)  # context picks the second one, not the first
    assert relocate(text.replace("二、压实责任", "二、落实责任").replace("一、压实责任", "一、落实责任"), anchor) is None
    with pytest.raises(ValueError):
        anchor_at(text, 3, 3)


def test_context_unchanged_looks_within_the_paragraph():
    old, new = "甲乙丙ABC丁戊\n别的", "甲乙丙ABC丁戊\n别的改了"
    assert context_unchanged(old, Span(3, 6), new, Span(3, 6))
    assert not context_unchanged(old, Span(3, 6), "甲乙X丙ABC丁戊\n别的", Span(4, 7))


@pytest.mark.parametrize("old,new,kind", [
    ("会议强调，要压实责任。", "会议强调：要压实责任；", ChangeKind.PUNCTUATION),
    ("会议强调，要压实责任。", "会议强调， 要压实责任。\n", ChangeKind.PUNCTUATION),
    ("会议强调，要压实责任。", "会议强调，要落实责任。", ChangeKind.CONTENT),
    ("价格100元。", "价格￥100。", ChangeKind.CONTENT),  # a symbol is content
    ("第一条", "第一\u202e条", ChangeKind.CONTENT),  # an inserted direction mark is content
])
def test_classify_punctuation_only_changes(old, new, kind):
    assert classify("标题", old, "标题", new) is kind


def test_a_changed_title_or_files_is_content():
    assert classify("关于召开会议的通知", "正文", "关于召开大会的通知", "正文") is ChangeKind.CONTENT
    assert classify("标题", "正文", "标题", "正文。", same_files=False) is ChangeKind.CONTENT


def _found(i: int, where: Location, start: int, text: str = "11010519491231002X") -> Found:
    return Found(i, where, "pii.resident-id", "pii", start, start + len(text), text)


def test_waivers_carry_only_for_the_same_text_in_the_same_context():
    old = "身份证号 11010519491231002X，现予公示。"
    moved = "前言。\n身份证号 11010519491231002X，现予公示。"
    pairs = carried_waivers([_found(1, BODY, 5)], [_found(9, BODY, moved.index("1101"))],
                            old_texts={Part.BODY: old}, new_texts={Part.BODY: moved})
    assert [(n.id, o.id) for n, o in pairs] == [(9, 1)]
    changed = "证件号码 11010519491231002X，现予公示。"
    assert carried_waivers([_found(1, BODY, 5)], [_found(9, BODY, 5)], old_texts={Part.BODY: old},
                           new_texts={Part.BODY: changed}) == []
    assert carried_waivers([_found(1, BODY, 5)], [_found(9, TITLE, 5)], old_texts={Part.BODY: old},
                           new_texts={Part.BODY: old}) == []
    sheet = Location(Part.ATTACHMENT, "名单.xlsx", sheet="Sheet1")
    assert len(carried_waivers([_found(1, sheet, 0)], [_found(2, sheet, 0)], old_texts={}, new_texts={})) == 1


def _with(extra: str):
    from importlib import resources

    text = resources.files("review").joinpath("workflows/sanshen.toml").read_text(encoding="utf-8")
    head, sep, tail = text.partition("\n[[stage]]")
    return load_workflow(head + extra + "\n" + sep + tail, "t.toml")


def test_the_workflow_keys_are_validated_and_default_to_voiding_all():
    assert default_workflow().kept_by("punctuation") == frozenset()
    wf = _with('keep_signoffs = [{ change = "punctuation", stages = ["一校", "三校"] }]\nsuggestion_deciders = ["终审"]')
    assert wf.kept_by("punctuation") == {"一校", "三校"} and wf.suggestion_deciders == {"终审"}
    with pytest.raises(WorkflowError, match="未知的修改类型“words”"):
        _with('keep_signoffs = [{ change = "words", stages = ["一校"] }]')
    with pytest.raises(WorkflowError, match=r"keep_signoffs\[1\].stages\[1\]: 未知的人工环节“机器预审”"):
        _with('keep_signoffs = [{ change = "punctuation", stages = ["机器预审"] }]')
    with pytest.raises(WorkflowError, match="未知的人工环节“五校”"):
        _with('suggestion_deciders = ["五校"]')


def _case(**kw) -> Case:
    base = Case(draft_id=1, author="bian", kind="news", disclosure="主动公开", disclosure_reason=None, urgent=False,
                status=DraftStatus.IN_REVIEW, revision=1, content_hash="h1", submitted_at=T, deadline_at=None,
                signoffs=(SignOffRecord("机器预审", "system", 1, "h1", T), SignOffRecord("一校", "jiao1", 1, "h1", T),
                          SignOffRecord("初审", "shen1", 1, "h1", T)),
                findings=(), stage_opened_at={"二校": T})
    return replace(base, **kw)


def test_a_kept_signoff_is_carried_onto_the_new_hash_and_the_rest_restart():
    wf = _with('keep_signoffs = [{ change = "punctuation", stages = ["一校", "二校", "三校"] }]')
    events = transitions.revise(wf, _case(), actor("bian"), revision=2, content_hash="h2", comment="", now=T,
                                change=ChangeKind.PUNCTUATION)
    carried = [e for e in events if e.action == "signoff.carried"]
    assert [(e.stage, e.signer, e.content_hash) for e in carried] == [("一校", "jiao1", "h2")]
    opened = [e.stage for e in events if e.action == "stage.opened" and e.stage != "机器预审"]
    assert opened == ["初审"]
    plain = transitions.revise(wf, _case(), actor("bian"), revision=2, content_hash="h2", comment="", now=T)
    assert not [e for e in plain if e.action == "signoff.carried"]
    assert [e.stage for e in plain if e.action == "stage.opened" and e.stage != "机器预审"] == ["一校"]


def test_who_may_comment_suggest_and_decide():
    wf = _with('suggestion_deciders = ["二校"]')
    case = _case()
    assert remarks.may_comment(wf, case, actor("jiao2")) == "二校"
    assert remarks.may_comment(wf, case, actor("bian")) is None
    assert remarks.may_suggest(wf, case, actor("shen2")) is None
    with pytest.raises(NotPermitted, match="作者可直接修改"):
        remarks.may_suggest(wf, case, actor("bian"))
    remarks.may_decide(wf, case, actor("bian"))
    remarks.may_decide(wf, case, actor("jiao2"))  # a signer of the open 二校, which the workflow names
    with pytest.raises(NotPermitted, match="只有作者（bian）或正在进行的“二校”环节的签批人"):
        remarks.may_decide(wf, case, actor("shen2"))
