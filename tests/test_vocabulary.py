"""The stored words of a draft: values the database and JSON keep, and the one label each shows."""

from __future__ import annotations

import json

from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus


def test_stored_values_are_the_plain_strings_of_before():
    assert list(DraftStatus) == ["in_review", "returned", "approved", "published", "withdrawn", "checking"]
    assert list(DraftKind) == ["news", "notice", "policy", "interpretation", "announcement", "report",
                              "regulation", "normative", "reply"]
    assert list(Disclosure) == ["主动公开", "依申请公开", "不予公开"]
    stored = json.dumps([DraftStatus.APPROVED, DraftKind.POLICY, Disclosure.PUBLIC], ensure_ascii=False)
    assert stored == '["approved", "policy", "主动公开"]'


def test_one_chinese_label_each():
    assert [s.label for s in DraftStatus] == ["审核中", "已退回", "已通过，待发布", "已发布", "已撤稿", "检查中"]
    assert DraftKind.POLICY.label == "政策文件" and DraftKind.INTERPRETATION.label == "政策解读"
    assert [d.label for d in Disclosure] == list(Disclosure)


def test_a_stored_value_finds_its_term_or_shows_as_it_is():
    assert DraftStatus.of("returned") is DraftStatus.RETURNED and DraftStatus.of("gone") is None
    assert DraftStatus.label_of("published") == "已发布"
    assert DraftKind.label_of("speech") == "speech"
