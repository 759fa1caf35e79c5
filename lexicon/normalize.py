"""Matching-only normalisation that keeps an exact offset map back to the original text.

``fold`` maps every code point to exactly one code point (full-width letters and digits →
ASCII and other single-character NFKC folds, traditional → simplified character by
character), so offsets in the folded text *are* offsets in the original. Characters whose
NFKC form is longer than one code point are left as they are.
``squeeze`` then removes noise characters (spaces, *, ·, _ …) that writers put between letters
to dodge a word filter, and the characters a browser does not draw (lexicon/invisible.py), and
keeps the map from squeezed to original offsets. ``unhide`` removes only the invisible characters,
with the same kind of map, for the matchers that read spaces and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from lexicon.invisible import CHAR_CLASS, INVISIBLE_RUN, MAY_HIDE, MAY_HIDE_CLASS

try:  # member_runs in C, built at install when a compiler is there
    from lexicon import _nearscan
except ImportError:  # pragma: no cover - depends on the install
    _nearscan = None

TO_FULL_WIDTH = {"(": "（", ")": "）"}  # so 省(区、市) written with ASCII brackets still matches
# Spaces of every width, quotes and the characters people put between letters to dodge a word
# filter; squeezed out, with the invisible characters.
NOISE_CHARS = (" \t\u00a0\u3000\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u202f\u205f\u2800*＊·•・‧_＿-－~～.．\\/／|｜+＋#＃^＾'\"`“”„‟「」『』‘’‚‛＂＇")
_NOISE_RUN = re.compile("[" + re.escape(NOISE_CHARS) + "]+")
_NOISE_OR_INVISIBLE_RUN = re.compile("[" + re.escape(NOISE_CHARS) + CHAR_CLASS + "]+")


@cache
def fold_table() -> dict[int, str]:
    """The one-to-one fold, built once per process (about 0.1 s).

    Full-width letters and digits become ASCII; punctuation keeps its width (Chinese text is
    full of it, and folding it would only cost time), except ASCII brackets, which become
    full-width like the canonical forms that contain them.
    """
    import opencc

    table: dict[int, str] = {}
    for cp in range(0x20, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if n != ch and len(n) == 1 and not (n.isascii() and not n.isalnum()):
            table[cp] = n
    han = [chr(cp) for cp in range(0x4E00, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(han)).split("\n")
    if len(converted) == len(han):
        for src, dst in zip(han, converted):
            if len(dst) == 1 and dst != src:
                table[ord(src)] = dst
    for src, dst in TO_FULL_WIDTH.items():
        table[ord(src)] = dst
    return table


@cache
def _foldable_chars() -> str:
    return "".join(re.escape(chr(cp)) for cp in sorted(fold_table()))


@cache
def _foldable() -> re.Pattern[str]:
    return re.compile("[" + _foldable_chars() + "]")


@cache
def _foldable_or_may_hide() -> re.Pattern[str]:
    return re.compile("[" + _foldable_chars() + MAY_HIDE_CLASS + "]")


@cache
def _foldable_or_may_hide_run() -> re.Pattern[str]:
    return re.compile("[" + _foldable_chars() + MAY_HIDE_CLASS + "]+")


@cache
def _bmp() -> str:
    """Every code point below 0x10000 (surrogates included), as one string."""
    return "".join(map(chr, range(0x10000)))


@cache
def _bitmap(pattern: re.Pattern[str]) -> bytes:
    """The code points below 0x10000 that a pattern ``[...]+`` matches, bit c & 7 of byte c >> 3:
    found by running the pattern itself over all of them (so the two cannot disagree)."""
    bits = bytearray(8192)
    for m in pattern.finditer(_bmp()):
        for c in range(m.start(), m.end()):
            bits[c >> 3] |= 1 << (c & 7)
    return bytes(bits)


def runs_of(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans of ``pattern.finditer(text)`` for a pattern ``[...]+`` (the maximal runs of its
    characters), found in C when the accelerator is built and the text has no character above
    0xFFFF."""
    if _nearscan is not None:
        runs = _nearscan.member_runs(text, _bitmap(pattern))
        if runs is not None:
            return runs
    return [m.span() for m in pattern.finditer(text)]


@cache
def _fold_chars() -> dict[str, str]:
    return {chr(cp): ch for cp, ch in fold_table().items()}


def fold(text: str) -> str:
    return fold_and_detect(text)[0]


def fold_and_detect(text: str) -> tuple[str, bool]:
    """``fold(text)``, and whether ``text`` may have invisible characters (False: it has none),
    found in the same pass.

    Most simplified Chinese text has nothing to fold, or a few characters (a traditional
    character, full-width digits): replacing just those is much cheaper than translating all.
    """
    found = "".join(text[start:end] for start, end in runs_of(_foldable_or_may_hide_run(), text))
    if not found:
        return text, False
    may_hide = MAY_HIDE.search(found) is not None
    if len(found) * 32 > len(text):
        return text.translate(fold_table()), may_hide
    chars = _fold_chars()
    return _foldable().sub(lambda m: chars[m.group()], text), may_hide


@dataclass(frozen=True, slots=True)
class Squeezed:
    """``text`` with characters removed; ``orig_start(i)``/``orig_end(j)`` map offsets back."""

    text: str
    _runs: tuple[int, ...]  # squeezed offset where each kept run starts
    _origins: tuple[int, ...]  # original offset of the same run start
    removed: int = 0  # how many characters were removed

    def orig_start(self, i: int) -> int:
        if not self._runs:
            return i
        k = bisect_right(self._runs, i) - 1
        return self._origins[k] + (i - self._runs[k])

    def orig_end(self, j: int) -> int:
        """Original offset just after squeezed character ``j - 1``."""
        return self.orig_start(j - 1) + 1 if j > 0 else 0

    def view_start(self, o: int) -> int:
        """Squeezed offset of the first character kept at or after original offset ``o``."""
        if not self.removed:
            return o
        k = bisect_right(self._origins, o) - 1
        if k < 0:
            return 0
        kept = (self._runs[k + 1] if k + 1 < len(self._runs) else len(self.text)) - self._runs[k]
        return self._runs[k] + min(o - self._origins[k], kept)

    def keep(self, original: str) -> str:
        """``original``, or another text as long, without the characters removed from it."""
        if not self.removed:
            return original
        ends = (*self._runs[1:], len(self.text))
        return "".join(original[o : o + end - r] for r, o, end in zip(self._runs, self._origins, ends))


def squeeze(folded: str, *, invisible: bool = True) -> Squeezed:
    """``invisible=False``: the caller knows that ``folded`` has no invisible character (faster)."""
    return _remove(folded, _NOISE_OR_INVISIBLE_RUN if invisible else _NOISE_RUN)


def unhide(text: str) -> Squeezed:
    """``text`` without the characters a browser does not draw."""
    return _remove(text, INVISIBLE_RUN)


def _remove(text: str, pattern: re.Pattern[str]) -> Squeezed:
    removed = runs_of(pattern, text)
    if not removed:
        return Squeezed(text, (), ())
    parts: list[str] = []
    runs: list[int] = []
    origins: list[int] = []
    pos = 0
    length = 0
    for start, end in removed:
        if start > pos:
            runs.append(length)
            origins.append(pos)
            parts.append(text[pos:start])
            length += start - pos
        pos = end
    if pos < len(text):
        runs.append(length)
        origins.append(pos)
        parts.append(text[pos:])
    kept = "".join(parts)
    return Squeezed(kept, tuple(runs), tuple(origins), len(text) - len(kept))


def squeeze_term(term: str) -> str:
    """The form a lexicon term takes in squeezed text."""
    return _NOISE_OR_INVISIBLE_RUN.sub("", fold(term))


def unhide_term(term: str) -> str:
    """The form a lexicon term takes in folded text without invisible characters."""
    return INVISIBLE_RUN.sub("", fold(term))
