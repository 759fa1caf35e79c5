"""The table of invisible characters, checked against ``unicodedata``, and the regular
expressions built from it."""

from __future__ import annotations

import unicodedata

import pytest

from lexicon.invisible import (
    DEFAULT_IGNORABLE,
    INVISIBLE,
    INVISIBLE_RUN,
    MAY_HIDE,
    NOT_IGNORABLE,
    RESERVED,
    describe,
)

# Format characters with a glyph of their own (Prepended_Concatenation_Mark, PropList.txt 14.0).
PREPENDED_CONCATENATION_MARKS = {*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD}
# The format characters that UAX #44 takes out of Default_Ignorable_Code_Point by name.
TAKEN_OUT = {*range(0xFFF9, 0xFFFC), *range(0x13430, 0x13439)}
# Explicit directional formatting (UAX #9); the implicit marks have strong classes (L, R, AL).
EXPLICIT_BIDI_CLASSES = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
BIDI_MARKS = ("LEFT-TO-RIGHT MARK", "RIGHT-TO-LEFT MARK", "ARABIC LETTER MARK")
ALL = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def code_points(rows) -> set[int]:
    return {cp for row in rows for cp in range(row.first, row.last + 1)}


def format_characters() -> set[int]:
    return {cp for cp in ALL if unicodedata.category(chr(cp)) == "Cf"}


def test_python_has_the_unicode_version_of_the_table():
    assert unicodedata.unidata_version == "14.0.0"


def test_default_ignorable_format_characters_are_the_derivation_of_uax44():
    ignorable = code_points(DEFAULT_IGNORABLE)
    cf = format_characters()
    assert {cp for cp in ignorable if cp in cf} == cf - TAKEN_OUT - PREPENDED_CONCATENATION_MARKS


def test_every_format_character_without_a_glyph_is_invisible():
    assert format_characters() - code_points(INVISIBLE) == PREPENDED_CONCATENATION_MARKS


def test_the_rest_of_the_default_ignorables_are_selectors_fillers_and_reserved_code_points():
    categories = {}
    for row in DEFAULT_IGNORABLE:
        for cp in range(row.first, row.last + 1):
            categories.setdefault(unicodedata.category(chr(cp)), set()).add(cp)
    assert set(categories) == {"Cf", "Mn", "Lo", "Cn"}
    assert {unicodedata.name(chr(cp)) for cp in categories["Lo"]} == {
        "HANGUL CHOSEONG FILLER", "HANGUL JUNGSEONG FILLER", "HANGUL FILLER", "HALFWIDTH HANGUL FILLER"}
    selectors = {cp for cp in ALL if "VARIATION SELECTOR" in unicodedata.name(chr(cp), "")}
    assert selectors <= categories["Mn"]
    assert categories["Mn"] - selectors == {0x034F, 0x17B4, 0x17B5}  # COMBINING GRAPHEME JOINER, KHMER VOWEL INHERENT AQ/AA
    assert categories["Cn"] == code_points(row for row in DEFAULT_IGNORABLE if row.name == RESERVED)
    assert len(code_points(DEFAULT_IGNORABLE)) == 4174  # the count DerivedCoreProperties.txt 14.0 gives


def test_added_rows_are_controls_and_the_taken_out_format_characters():
    added = code_points(NOT_IGNORABLE)
    controls = {cp for cp in ALL if unicodedata.category(chr(cp)) == "Cc" and not chr(cp).isspace()}
    assert added == controls | TAKEN_OUT
    assert not added & code_points(DEFAULT_IGNORABLE)


def test_no_invisible_character_is_white_space_and_rows_do_not_overlap():
    assert not any(chr(cp).isspace() for cp in code_points(INVISIBLE))
    assert all(a.last < b.first for a, b in zip(INVISIBLE, INVISIBLE[1:]))
    assert all(row.name and row.first <= row.last for row in INVISIBLE)


def test_direction_controls_are_the_bidi_formatting_characters():
    explicit = {cp for cp in ALL if unicodedata.bidirectional(chr(cp)) in EXPLICIT_BIDI_CLASSES}
    bidi = explicit | {ord(unicodedata.lookup(name)) for name in BIDI_MARKS}
    assert code_points(row for row in INVISIBLE if row.bidi) == bidi
    assert bidi == {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def test_the_regular_expressions_match_the_table_and_nothing_else():
    everything = "".join(map(chr, ALL))
    assert {ord(c) for run in INVISIBLE_RUN.findall(everything) for c in run} == code_points(INVISIBLE)
    maybe = {ord(c) for c in MAY_HIDE.findall(everything)}
    assert code_points(INVISIBLE) <= maybe
    assert all(cp > 0xFFFF for cp in maybe - code_points(INVISIBLE))


@pytest.mark.parametrize(("char", "name", "bidi"), [
    ("\u202e", "从右到左强制符", True),
    ("\u2069", "方向隔离结束符", True),
    ("\u200b", "零宽空格", False),
    ("\U000e0041", "标签字符", False),
    ("\x00", "控制字符", False),
])
def test_describe_names_the_character(char, name, bidi):
    row = describe(char)
    assert (row.name, row.bidi) == (name, bidi)


def test_describe_refuses_a_visible_character():
    with pytest.raises(ValueError):
        describe("中")
