"""The category table and the registry of checks: every finding category has a check, a
priority, a label and a waiver rule; the context runs each wanted check once."""

from __future__ import annotations

from checking.categories import CATEGORIES, CATEGORY_LABELS, Waiver
from checking.context import CheckContext
from checking.findings import Category, Finding, Severity
from checking.registry import CHECKS
from lexicon.compiled import Document
from review.workflow import default_workflow


def test_every_category_has_a_check_and_a_rule():
    assert list(CHECKS) == list(Category)
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


def test_the_context_runs_each_wanted_check_once_and_no_other(default_checker):
    runs: list[Category] = []

    def banned_then_typo(ctx: CheckContext) -> list[Finding]:
        runs.append(Category.TYPO)
        return ctx.found(Category.BANNED) + ctx.found(Category.FORMULATION)

    def banned(ctx: CheckContext) -> list[Finding]:
        runs.append(Category.BANNED)
        return [Finding("banned.term", Category.BANNED, Severity.ERROR, 0, 2, "北朝", "朝鲜", "")]

    checks = {Category.TYPO: banned_then_typo, Category.BANNED: banned}
    wanted = (Category.BANNED, Category.TYPO)
    ctx = CheckContext(Document.of("北朝鲜"), default_checker.lexicon, None, (), None, wanted, checks)
    assert [f.rule for c in wanted for f in ctx.found(c)] == ["banned.term", "banned.term"]
    assert ctx.found(Category.FORMULATION) == [] and ctx.found(Category.PII) == []
    assert runs == [Category.BANNED, Category.TYPO]
