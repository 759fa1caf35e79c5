"""The category table: every finding category is ranked, labelled and given a waiver rule."""

from __future__ import annotations

from checking.categories import CATEGORIES, CATEGORY_LABELS, Waiver
from checking.findings import Category
from review.workflow import default_workflow


def test_every_category_has_a_rule_in_the_table():
    assert list(CATEGORIES) == list(Category)
    assert all(isinstance(rule.waiver, Waiver) for rule in CATEGORIES.values())


def test_priorities_are_distinct_so_one_category_wins_each_span():
    priorities = [rule.priority for rule in CATEGORIES.values()]
    assert len(set(priorities)) == len(priorities)


def test_every_category_has_a_chinese_label():
    assert CATEGORY_LABELS == {c: rule.label for c, rule in CATEGORIES.items()}
    assert all(label and all("\u4e00" <= ch <= "\u9fff" for ch in label) for label in CATEGORY_LABELS.values())


def test_political_and_secrecy_findings_are_waived_only_at_the_final_and_secrecy_reviews():
    of = {w: {str(c) for c, rule in CATEGORIES.items() if rule.waiver is w} for w in Waiver}
    assert of[Waiver.FINAL] == {"formulation", "banned"} and of[Waiver.SECRECY] == {"secrecy"}
    waivable = {s.name: set(s.waivable) for s in default_workflow().stages if s.waivable}
    assert waivable == {
        "初审": of[Waiver.REVIEW],
        "复审": of[Waiver.REVIEW],
        "保密审查": of[Waiver.SECRECY],
        "终审": of[Waiver.REVIEW] | of[Waiver.FINAL],
    }
