"""Property tests: invisible characters put anywhere inside a term of the default lexicon change
nothing the checks find, except that they are reported themselves; and the offset maps of the
normalisation are exact for any text."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from checking.check import Checker
from checking.findings import Category, Finding, Severity
from lexicon.compiled import Document
from lexicon.invisible import INVISIBLE, INVISIBLE_RUN, describe
from lexicon.loader import load_lexicon
from lexicon.model import TermKind
from lexicon.normalize import fold, fold_and_detect, squeeze, unhide

BOUNDED = settings(max_examples=200, deadline=None, database=None)
MATCHED = (Category.FORMULATION, Category.BANNED, Category.SECRECY, Category.PII, Category.TYPO)
CARRIERS = ("关于{}的说明。", "{}")
# Secrecy markings are patterns, not lexicon terms: one of each shape the check knows.
MARKINGS = ("机密★10年", "绝密★长期", "秘密★6个月", "机密★", "秘密级★1年", "密级：绝密", "机密级文件",
            "秘密★公布之日起解密")

SAMPLE = "北朝鲜机密★10年 ·*“”"
NOTABLE = ("\u200b\u200c\u200d\u2060\u2062\u034f\u180e\u00ad\ufeff\ufe0f\u3164"
           "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
invisible_char = st.one_of(
    st.sampled_from(NOTABLE),
    st.sampled_from([chr(cp) for row in INVISIBLE for cp in range(row.first, row.last + 1)]),
)


@dataclass(frozen=True)
class Case:
    text: str
    start: int  # where the term stands in the text
    end: int
    rule: str | None  # the finding the term raises (None: a canonical formulation, which raises none)
    clean: tuple[Finding, ...]  # the findings of MATCHED categories on the text


def matched(checker: Checker, text: str) -> tuple[Finding, ...]:
    return checker.check(text, only=MATCHED).findings


def case(checker: Checker, term: str, rule: str | None, carriers: tuple[str, ...] = CARRIERS) -> Case | None:
    """The term in the first carrier where it raises ``rule`` over exactly its span (any carrier
    for a canonical formulation)."""
    for carrier in carriers:
        text = carrier.format(term)
        start = carrier.index("{}")
        clean = matched(checker, text)
        if rule is None or [(f.start, f.end) for f in clean if f.rule == rule] == [(start, start + len(term))]:
            return Case(text, start, start + len(term), rule, clean)
    return None


def near_misses(term: str) -> list[str]:
    """The term without its middle character, and with it swapped with the one before."""
    m = len(term) // 2
    return [term[:m] + term[m + 1 :], term[: m - 1] + term[m] + term[m - 1] + term[m + 1 :]]


class Cases:
    """The checker and the cases by kind, with a short repr for Hypothesis's report of a failure."""

    def __init__(self, checker: Checker, of: dict[str, list[Case]]) -> None:
        self.checker = checker
        self.of = of

    def __repr__(self) -> str:
        return "Cases(...)"


@pytest.fixture(scope="module")
def cases(default_checker) -> Cases:
    lexicon = load_lexicon()
    cards = [body + luhn.calc_check_digit(body) for body in ("622202123456789", "621700001234567", "436742000012345")]
    wanted = {
        "banned": [(t.term, "banned.term", CARRIERS) for t in lexicon.of_kind(TermKind.BANNED)],
        "secrecy": [(t.term, "secrecy.marker", CARRIERS) for t in lexicon.of_kind(TermKind.SECRECY)]
        + [(m, "secrecy.level-word" if m.endswith("文件") else "secrecy.marking", CARRIERS) for m in MARKINGS],
        "formulation": [(v, "formulation.near-miss", CARRIERS) for t in lexicon.of_kind(TermKind.FORMULATION)
                        if len(t.term) >= 6 for v in near_misses(t.term)],
        "canonical": [(t.term, None, CARRIERS) for t in lexicon.of_kind(TermKind.FORMULATION)],
        "pii": [(n, "pii.mobile", ("联系人手机{}，",)) for n in ("13912345678", "18600001111", "139 1234 5678")]
        + [(n, "pii.resident-id", ("身份证号{}，",)) for n in ("11010519491231002X", "330782195001228157")]
        + [(n, "pii.bank-card", ("银行卡号{}，",)) for n in cards],
    }
    built = {kind: [c for term, rule, carriers in terms
                    if len(term) > 1 and (c := case(default_checker, term, rule, carriers))]
             for kind, terms in wanted.items()}
    assert min(len(found) for found in built.values()) >= 5, {kind: len(found) for kind, found in built.items()}
    return Cases(default_checker, built)


@st.composite
def insertions(draw, c: Case) -> dict[int, str]:
    """Invisible characters to put before some characters of the term, its first excepted."""
    positions = draw(st.lists(st.integers(c.start + 1, c.end - 1), min_size=1, max_size=3, unique=True))
    return {p: draw(st.text(invisible_char, min_size=1, max_size=3)) for p in positions}


def insert(text: str, added: dict[int, str]) -> str:
    return "".join(added.get(i, "") + ch for i, ch in enumerate(text))


def moved(start: int, end: int, added: dict[int, str]) -> tuple[int, int]:
    """Where the span ``start:end`` stands once ``added`` is inserted: its first character moves
    past what is inserted up to it, its last character too."""
    def shift(last: int) -> int:
        return sum(len(s) for p, s in added.items() if p <= last)

    return start + shift(start), end + shift(end - 1)


def check_case(checker: Checker, c: Case, added: dict[int, str]) -> None:
    text = insert(c.text, added)
    findings = checker.check(text).findings
    expected = []
    for f in c.clean:
        start, end = moved(f.start, f.end, added)
        expected.append(replace(f, start=start, end=end, text=text[start:end]))
    assert [f for f in findings if f.category in MATCHED] == expected
    if c.rule is not None:
        start, end = moved(c.start, c.end, added)
        assert any(f.rule == c.rule and f.start <= start and end <= f.end for f in findings)
    flagged = {i: f.severity for f in findings if f.category is Category.INVISIBLE for i in range(f.start, f.end)}
    assert flagged == {i: Severity.ERROR if describe(ch).bidi else Severity.WARNING
                       for i, ch in enumerate(text) if INVISIBLE_RUN.fullmatch(ch)}


@pytest.mark.parametrize("kind", ["banned", "secrecy", "formulation", "canonical", "pii"])
@BOUNDED
@given(data=st.data())
def test_invisible_characters_inside_a_term_change_nothing_but_are_reported(cases, kind, data):
    c = data.draw(st.sampled_from(cases.of[kind]))
    check_case(cases.checker, c, data.draw(insertions(c)))


@BOUNDED
@given(st.text(st.one_of(st.sampled_from(SAMPLE), invisible_char, st.characters()), max_size=40))
def test_offset_maps_are_exact_for_any_text(text):
    folded, may_hide = fold_and_detect(text)
    visible = unhide(folded)
    assert visible.text == "".join(ch for ch in folded if not INVISIBLE_RUN.fullmatch(ch))
    assert folded == fold(text) and (may_hide or not visible.removed)
    for view in (visible, squeeze(folded)):
        kept = [view.orig_start(i) for i in range(len(view.text))]
        assert "".join(folded[k] for k in kept) == view.text and kept == sorted(set(kept))
        assert view.removed == len(folded) - len(view.text)
        assert [view.view_start(k) for k in kept] == list(range(len(kept)))
        assert view.keep(text) == "".join(text[k] for k in kept)


@BOUNDED
@given(st.text(st.one_of(st.sampled_from(SAMPLE), st.characters()), max_size=40))
def test_a_text_without_invisible_characters_is_read_as_before(text):
    doc = Document.of(INVISIBLE_RUN.sub("", text))
    assert doc.visible.text == doc.folded and doc.visible.removed == 0
    assert doc.squeezed == squeeze(doc.folded, invisible=False)
