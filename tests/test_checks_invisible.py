"""Invisible characters: every matcher reads the text without them, findings cover the text as
written (hidden characters included), and the characters themselves are reported."""

from __future__ import annotations

import pytest

from checking.check import Checker
from checking.findings import Category, Finding, Severity
from lexicon.loader import load_lexicon
from lexicon.model import LexiconOverride

# What the reliability issue tried, and the other kinds of hidden character.
HIDDEN = ["\u2062", "\u034f", "\u180e", "\u202e\u202c", "\u2066\u2069", "\u200b", "\u200d", "\u00ad", "\ufe0f",
          "\ufeff", "\U000e0041", "\u3164", "\x00"]
CASES = [
    ("关于{}的说明。", "北朝鲜", "banned.term"),
    ("{}", "机密★10年", "secrecy.marking"),
    ("本件为{}，", "内部资料", "secrecy.marker"),
    ("{}", "密级：机密", "secrecy.marking"),
    ("{}成立以来，", "中华人民共合国", "formulation.near-miss"),
    ("认真{}今年工作。", "布署", "typo.known-pair"),
    ("联系人手机{}，", "13912345678", "pii.mobile"),
    ("身份证号{}，", "11010519491231002X", "pii.resident-id"),
]


@pytest.fixture(scope="module")
def checker(default_checker) -> Checker:
    return default_checker


def run(checker: Checker, text: str, *categories: Category) -> list[Finding]:
    findings = list(checker.check(text, only=categories or None).findings)
    for f in findings:
        assert text[f.start : f.end] == f.text
    return findings


def hide(term: str, hidden: str, at: int = 1) -> str:
    return term[:at] + hidden + term[at:]


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda h: "+".join(f"U+{ord(c):04X}" for c in h))
@pytest.mark.parametrize(("carrier", "term", "rule"), CASES, ids=[c[1] for c in CASES])
def test_hidden_characters_inside_a_term_do_not_hide_it(checker, carrier, term, rule, hidden):
    written = hide(term, hidden, len(term) // 2)
    text = carrier.format(written)
    findings = run(checker, text)
    found = [f for f in findings if f.rule == rule]
    assert [f.text for f in found] == [written]
    assert found[0].start == carrier.index("{}")
    flagged = [i for f in findings if f.category is Category.INVISIBLE for i in range(f.start, f.end)]
    at = carrier.index("{}") + len(term) // 2
    assert flagged == list(range(at, at + len(hidden)))


def test_hidden_characters_everywhere_in_a_term(checker):
    text = "网络上“北\u200b朝\u2062鲜”的说法"
    assert [(f.rule, f.text) for f in run(checker, text, Category.BANNED)] == [("banned.term", "北\u200b朝\u2062鲜")]


def test_spaces_of_every_width_are_noise_like_the_ascii_space(checker):
    for space in ("\u2009", "\u200a", "\u202f", "\u205f", "\u2800"):
        assert [f.text for f in run(checker, f"北{space}朝鲜", Category.BANNED)] == [f"北{space}朝鲜"]


def test_a_canonical_formulation_with_a_hidden_character_stays_canonical(checker):
    text = "坚持以习近平同志为核\u200b心的党中央坚强领导。"
    assert run(checker, text, Category.FORMULATION, Category.TYPO) == []


def test_the_allow_list_sees_through_hidden_characters(checker):
    assert run(checker, "会议采取秘\u200b密选举方式。", Category.SECRECY) == []


@pytest.mark.parametrize(("text", "rule", "written"), [
    ("截止\u200b目前，全市已完成。", "typo.context", "截止\u200b目前"),
    ("截\u2060止2024年底，全市已完成。", "typo.cutoff-date", "截\u2060止"),
    ("秘密\u200d级文件", "secrecy.level-word", "秘密\u200d级文件"),
    ("信用卡号6222\u200b0212\u200b3456\u200b7894，", "pii.bank-card", "6222\u200b0212\u200b3456\u200b7894"),
])
def test_other_matchers_see_through_hidden_characters(checker, text, rule, written):
    assert [f.text for f in run(checker, text) if f.rule == rule] == [written]


def test_the_general_typo_detector_reads_the_visible_text(checker):
    text = "要进一步加强环境保\u200b户工作，改善群众居住条件。"
    found = run(checker, text, Category.TYPO)
    assert [(f.text, f.suggestion, f.start) for f in found] == [("户", "护", text.index("户"))]
    assert run(checker, "我们要认真部\u200b署今年的各项工作。", Category.TYPO) == []


def test_a_lexicon_term_written_with_a_hidden_character_still_matches(checker):
    edited = checker.with_lexicon(load_lexicon().with_overrides([
        LexiconOverride(kind="banned", term="某某\u200b新词", correct="规范新词"),
        LexiconOverride(kind="typo", term="错\u200b写法", correct="正写法"),
    ]))
    assert [f.text for f in run(edited, "出现了某某新词和错写法。", Category.BANNED, Category.TYPO)] == ["某某新词", "错写法"]


# --- the characters themselves ------------------------------------------------------------------

BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
        "\u2068", "\u2069"]


def test_a_direction_control_is_an_error_that_names_it(checker):
    text = "机\u202e密★10年"
    found = run(checker, text, Category.INVISIBLE)
    assert [(f.rule, f.severity, f.start, f.end, f.suggestion) for f in found] == [
        ("invisible.bidi", Severity.ERROR, 1, 2, "")]
    assert found[0].message.startswith("U+202E 从右到左强制符：浏览器中不可见")
    assert checker.check(text).blocking


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_every_direction_control_is_an_error(checker, char):
    assert [(f.rule, f.severity) for f in run(checker, f"通知{char}正文", Category.INVISIBLE)] == [
        ("invisible.bidi", Severity.ERROR)]


def test_other_invisible_characters_are_warnings_that_suggest_deleting_them(checker):
    text = "关于\u200b做好\u00ad工作\U000e0041的通知\x07"
    found = run(checker, text, Category.INVISIBLE)
    assert [(f.text, f.severity, f.suggestion) for f in found] == [
        (c, Severity.WARNING, "") for c in ("\u200b", "\u00ad", "\U000e0041", "\x07")]
    assert [f.message.split("：")[0] for f in found] == [
        "U+200B 零宽空格", "U+00AD 软连字符", "U+E0041 标签字符", "U+0007 控制字符"]
    assert all("浏览器中不可见" in f.message for f in found)
    assert not checker.check(text).blocking


def test_a_run_of_one_character_is_one_finding(checker):
    found = run(checker, "北\u200b\u200b\u200b朝鲜\u202e\u202c", Category.INVISIBLE)
    assert [(f.rule, f.start, f.end) for f in found] == [
        ("invisible.char", 1, 4), ("invisible.bidi", 6, 7), ("invisible.bidi", 7, 8)]
    assert "（连续 3 个）" in found[0].message and "连续" not in found[1].message


def test_a_byte_order_mark_opening_the_text_is_not_reported(checker):
    assert run(checker, "\ufeff北朝鲜", Category.INVISIBLE) == []
    assert [(f.start, f.end) for f in run(checker, "\ufeff\ufeff正文", Category.INVISIBLE)] == [(1, 2)]
    assert [(f.start, f.end) for f in run(checker, "正文\ufeff", Category.INVISIBLE)] == [(2, 3)]


def test_a_text_of_invisible_characters_only(checker):
    assert [(f.rule, f.start, f.end) for f in run(checker, "\u200b\u200b")] == [("invisible.char", 0, 2)]
    assert run(checker, "") == []
