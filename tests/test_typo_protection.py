"""Likely place and organisation names are spared by the general typo detector, while typos in
ordinary words and misspelt kinds of office (自冶区 for 自治区) are still reported."""

from __future__ import annotations

import pytest

from checking.check import Checker
from checking.checks.names import name_spans, spare_names
from checking.checks.typo_general import RULE, find_likely_typos
from checking.findings import Category
from lexicon.typo_model import TypoModel


@pytest.fixture(scope="module")
def checker(default_checker):
    return default_checker


@pytest.fixture(scope="module")
def model(checker) -> TypoModel:
    return checker.typo_model


def named(text: str, model: TypoModel) -> list[str]:
    return [text[a:b] for a, b in name_spans(text, model)]


def likely_typos(checker: Checker, text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in checker.check(text, only=(Category.TYPO,)).findings if f.rule == RULE]


def test_a_town_unknown_to_the_dictionary_is_a_name(model):
    text = "广州市增城区新塘镇的企业"
    assert "新塘镇" in named(text, model)
    assert [(f.text, f.suggestion) for f in find_likely_typos(text, (), model)] == [("塘", "城")]


ORDINARY = ["我们在农村工作", "推进城乡融合发展", "社区服务中心已经建成", "要把工作落实到村", "城镇化建设", "在白云山上"]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_ending_in_a_suffix_character_are_not_names(model, text):
    assert named(text, model) == []


def test_the_automated_pass_no_longer_corrects_the_town(checker):
    assert likely_typos(checker, "位于广州市增城区新塘镇的工厂") == []


def test_a_typo_in_an_ordinary_word_next_to_a_suffix_is_still_reported(checker):
    assert ("成", "城") in likely_typos(checker, "他在成镇化建设中")


@pytest.mark.parametrize("text, typo", [("广西壮族自冶区林业局规划财务处", ("冶", "治")),
                                        ("成员单位由省民证厅等单位组成。", ("证", "政"))])
def test_a_misspelt_kind_of_office_is_still_reported(checker, model, text, typo):
    assert any(text[a:b].startswith(("自冶", "民证")) for a, b in name_spans(text, model))
    assert typo in likely_typos(checker, text)


def test_only_findings_inside_a_name_are_spared(model):
    text = "新塘镇的发展很快，我们要加强管理工做。"
    found = find_likely_typos(text, (), model)
    kept = spare_names(text, found, model)
    assert [f.text for f in found if f not in kept] == ["塘"]
    assert kept and all(f.start >= len("新塘镇") for f in kept)
