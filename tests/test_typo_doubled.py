"""A word written twice in a row (checking/checks/doubled.py, lexicon/doubling.py): the pure word
list, and the full pass on sentences of published text (sources given with each)."""

from __future__ import annotations

import pytest

from checking.checks.doubled import RULE
from checking.findings import Severity
from lexicon.doubling import reduplicating_words


def doubled(checker, text: str) -> list[tuple[str, str | None]]:
    found = [f for f in checker.check(text).findings if f.rule == RULE]
    assert all(f.severity is Severity.WARNING for f in found)
    return [(f.text, f.suggestion) for f in found]


def test_words_that_reduplicate_come_from_the_dictionary_tags():
    entries = [("研究", 10, "v"), ("雪白", 5, "z"), ("一项", 8, "m"), ("资源", 9, "n"), ("看", 99, "v"), ("工作", 9, "vn")]
    assert reduplicating_words(entries) == frozenset({"研究", "雪白", "一项"})  # nouns, and single characters, are not


@pytest.mark.parametrize(
    ("text", "flagged", "word"),
    [
        # held8-112, a county natural-resources bureau (镇宁县资源资源局: the bureau's name doubled)
        ("按时推进露天矿山的综合整治工作,镇宁县资源资源局成立了专门的领导小组", "资源资源", "资源"),
        # tune3-023, a county people's congress survey
        ("听取我县农村农村工作开展情况的汇报,", "农村农村", "农村"),
        # held3-092, a nucleic-acid testing notice
        ("核酸检测时间:此轮核酸核酸采样时间原则上为每日", "核酸核酸", "核酸"),
        # held7-027: the end of a longer word written again
        ("检查特种设备设备377台次", "设备设备", "设备"),
    ],
)
def test_a_doubled_word_is_a_warning(default_checker, text, flagged, word):
    assert doubled(default_checker, text) == [(flagged, word)]


@pytest.mark.parametrize(
    "text",
    [
        "局西城一中队中队长魏建宏",  # held4-059: 中队 before 中队长 (a longer word)
        "全国人口普查普查员",  # held4-090
        "各乡镇乡镇长",  # tune2-048
        "整改情况一项一项盘点",  # held5-008: a numeral and its measure word said twice on purpose
        "我们要好好考虑考虑这个问题。",  # a verb said twice on purpose
        "人人参与，天天坚持。",  # words of one character
    ],
)
def test_what_is_said_twice_on_purpose_is_left_alone(default_checker, text):
    assert doubled(default_checker, text) == []
