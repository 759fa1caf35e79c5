"""Matchers compiled once from the lexicon: exact terms (Aho-Corasick) and near misses of
canonical formulations (pigeonhole pieces found by Aho-Corasick, verified with python-Levenshtein).

With the C accelerator (lexicon/_nearscan.c, built at install when a compiler is there) the
automaton is its ``Automaton`` (compact, over code points: it stays in cache beside the typo
detector's tables) and the candidate windows of a near miss are filtered in C; without it,
pyahocorasick and :func:`near_windows_py`, the definition. Both give the same matches in the
same order (tests/test_nearscan.py).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

import ahocorasick
import Levenshtein

try:  # the automaton and near_windows_py in C, built at install when a compiler is there
    from lexicon import _nearscan
except ImportError:  # pragma: no cover - depends on the install
    _nearscan = None

T = TypeVar("T")
PieceCost = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class ExactHit(Generic[T]):
    start: int
    end: int
    value: T


Match = tuple[int, int, int]  # (key index, start, end)
Edits = tuple[tuple[str, int, int], ...]
# A near-miss window: (term index, start, end, distance, swaps), ``swaps`` the edits when adjacent swaps
# and substitutions are how verify() reads it, None when its edits are Levenshtein.editops(term, window).
Window = tuple[int, int, int, int, "Edits | None"]


class ExactMatcher(Generic[T]):
    """All (overlapping) occurrences of the keys in a text."""

    def __init__(self, pairs: Iterable[tuple[str, T]], *, fast: bool = True) -> None:
        grouped: dict[str, list[T]] = {}
        for key, value in pairs:
            if key:
                grouped.setdefault(key, []).append(value)
        self.keys: tuple[str, ...] = tuple(grouped)
        self.values: tuple[tuple[T, ...], ...] = tuple(tuple(v) for v in grouped.values())
        self._empty = not grouped
        self._automaton = None
        self._c = None
        if self._empty:
            return
        if fast and _nearscan is not None:
            self._c = _nearscan.Automaton(self.keys)
        else:
            self._automaton = ahocorasick.Automaton()
            for index, key in enumerate(self.keys):
                self._automaton.add_word(key, index)
            self._automaton.make_automaton()

    @property
    def automaton(self) -> "_nearscan.Automaton | None":
        """The C automaton, when the accelerator is built and there are keys."""
        return self._c

    def matches(self, text: str) -> list[Match]:
        """Every occurrence as (key index, start, end), by end, the longest first at the same end."""
        if self._empty:
            return []
        if self._c is not None:
            return self._c.matches(text)
        keys = self.keys
        return [(index, end + 1 - len(keys[index]), end + 1) for end, index in self._automaton.iter(text)]

    def iter(self, text: str) -> Iterator[tuple[int, tuple[int, tuple[T, ...]]]]:
        """Raw (end index, (key length, values)) matches, for callers that avoid objects."""
        values = self.values
        return ((end - 1, (end - start, values[index])) for index, start, end in self.matches(text))

    def find(self, text: str) -> list[ExactHit[T]]:
        values = self.values
        return [ExactHit(start, end, value) for index, start, end in self.matches(text) for value in values[index]]


@dataclass(frozen=True, slots=True)
class NearHit:
    term_index: int
    start: int
    end: int
    distance: int
    edits: tuple[tuple[str, int, int], ...]  # Levenshtein.editops(term, window), or a swap


def max_edits(length: int) -> int:
    return 2 if length >= 10 else 1


def balanced_cost(piece: str) -> int:
    return 0


def pieces(term: str, k: int, cost: PieceCost = balanced_cost) -> tuple[list[tuple[int, str]], list[str]]:
    """Pigeonhole pieces of ``term`` for up to ``k`` edits (a substitution, deletion, insertion
    or adjacent swap each), plus whole-window keys for the edits that would break every piece.

    k = 1: two adjacent pieces; only a swap across the split breaks both, so that one variant
    of the term is a key of its own. k = 2: three pieces separated by one-character gaps, so
    two edits break at most two pieces. Among the possible splits, the one whose commonest
    piece is rarest (by ``cost``) is chosen: a piece such as 国家 would make a candidate of
    every 国家 in the text.
    """
    n = len(term)
    if k == 1:
        split = min(range(2, n - 1), key=lambda g: (max(cost(term[:g]), cost(term[g:])), abs(2 * g - n)))
        swapped = term[: split - 1] + term[split] + term[split - 1] + term[split + 1 :]
        return [(0, term[:split]), (split, term[split:])], [swapped] if swapped != term else []
    base, extra = divmod(n - k, k + 1)
    even1 = base + (1 if extra > 0 else 0)
    even2 = even1 + 1 + base + (1 if extra > 1 else 0)
    options = [
        (g1, g2)
        for g1 in range(max(2, even1 - 2), even1 + 3)
        for g2 in range(max(g1 + 3, even2 - 2), even2 + 3)
        if g2 <= n - 3
    ]

    def split_cost(gaps: tuple[int, int]) -> tuple[int, int]:
        g1, g2 = gaps
        worst = max(cost(term[:g1]), cost(term[g1 + 1 : g2]), cost(term[g2 + 1 :]))
        return worst, abs(g1 - even1) + abs(g2 - even2)

    g1, g2 = min(options, key=split_cost)
    return [(0, term[:g1]), (g1 + 1, term[g1 + 1 : g2]), (g2 + 1, term[g2 + 1 :])], []


def swap_edits(a: str, b: str, k: int) -> tuple[tuple[str, int, int], ...] | None:
    """Adjacent swaps plus substitutions turning ``a`` into ``b`` (same length), at most ``k`` ops."""
    ops = []
    i = 0
    while i < len(a):
        if a[i] == b[i]:
            i += 1
        elif i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 1] != b[i + 1]:
            ops.append(("swap", i, i))
            i += 2
        else:
            ops.append(("replace", i, i))
            i += 1
        if len(ops) > k:
            return None
    return tuple(ops)


# A matcher piece's term, as a plain tuple (built for every piece of up to 100,000 terms, unpacked for
# every piece found): (term index, the piece's offset in the term, k, len(term) + k = how far past the
# term's start a window can end, the term's other characters (empty for a whole-window key), how many
# of them a window within k edits keeps).
Candidate = tuple[int, int, int, int, str, int]


class NearMatcher:
    """Windows of a text that are within a few edits of a term but not equal to it."""

    def __init__(self, terms: Sequence[str], min_length: int = 4, piece_cost: PieceCost = balanced_cost,
                 *, fast: bool = True) -> None:
        self._terms = tuple(terms)
        pairs: list[tuple[str, Candidate]] = []
        for index, term in enumerate(self._terms):
            if len(term) < min_length:
                continue
            k = max_edits(len(term))
            chunks, variants = pieces(term, k, piece_cost)
            for offset, piece in chunks:
                rest = term[:offset] + term[offset + len(piece) :]
                pairs.append((piece, (index, offset, k, len(term) + k, rest, len(rest) - k)))
            pairs.extend((variant, (index, 0, k, len(term) + k, "", 0)) for variant in variants)
        self._pieces = ExactMatcher(pairs, fast=fast)
        self._fast = fast and _nearscan is not None
        # The candidates as C reads them: six int32 a row (term, offset, k, reach, piece length or 0
        # for a whole-window key, need), the rows of piece p from starts[p] to starts[p + 1].
        self._table = array("i")
        self._starts = array("i", [0])
        for key, candidates in zip(self._pieces.keys, self._pieces.values):
            for index, offset, k, reach, rest, need in candidates:
                self._table.extend((index, offset, k, reach, len(self._terms[index]) - len(rest) if rest else 0, need))
            self._starts.append(len(self._table) // 6)

    def windows(self, text: str, exact: Sequence[tuple[int, int]] = ()) -> list[Window]:
        """(term index, start, end, distance, swaps) of the windows :func:`verify` accepts (what it
        returns for them, but the Levenshtein edit list, left to the caller), but those that ``exact``
        covers (:func:`covered_by_exact`), that start or end on the wrong kind of character, or
        that only trim or extend an exact occurrence of the term."""
        spans = sorted(exact)
        if self._fast:
            flat = array("i", [x for span in spans for x in span])
            automaton = self._pieces.automaton  # scanned in C, no tuple per piece found
            matches = automaton if automaton is not None else self._pieces.matches(text)
            return _nearscan.near_windows(text, matches, self._table, self._starts, self._terms, flat)
        return near_windows_py(text, self._pieces.matches(text), self._pieces.values, self._terms, spans)

    def find(self, text: str, exact: Sequence[tuple[int, int]] = ()) -> list[NearHit]:
        """The near misses in ``text``; ``exact``: spans of exact canonical forms there, which
        cover the windows they equal, or, at least as long as the term, overlap by half (a near
        miss of 中国特色社会主义制度 inside 中国特色社会主义道路 is the other term written right)."""
        windows: dict[tuple[int, int, int], NearHit] = {}
        terms = self._terms
        editops = Levenshtein.editops
        for index, start, end, distance, swaps in self.windows(text, exact):
            if (index, start, end) in windows:
                continue
            # near_windows kept only what verify accepts, and says how: no verify again here
            edits = swaps if swaps is not None else tuple(editops(terms[index], text[start:end]))
            windows[(index, start, end)] = NearHit(index, start, end, distance, edits)
        return sorted(windows.values(), key=lambda h: (h.start, h.end, h.term_index))


def covered_by_exact(start: int, end: int, length: int, exact: Sequence[tuple[int, int]]) -> bool:
    """The window [start, end) of a term of ``length`` is mostly an exact canonical form at least
    as long as the term (or is one): ``exact`` are their spans (those overlapping suffice)."""
    size = end - start
    for s, e in exact:
        if s < end and start < e:
            if (s, e) == (start, end):
                return True
            if e - s >= length and min(e, end) - max(s, start) >= size / 2:
                return True
    return False


def near_windows_py(
    text: str, matches: list[Match], candidates: Sequence[tuple[Candidate, ...]], terms: Sequence[str],
    exact: Sequence[tuple[int, int]] = (),
) -> list[Window]:
    """The windows around the candidate positions of the pieces found that :func:`verify` accepts,
    but those ``exact`` covers, those whose edges do not match the term's kind and those inside an
    exact occurrence, each with its distance and, read as swaps, its edits (:func:`verdict`; the
    definition of ``_nearscan.near_windows``)."""
    out: list[Window] = []
    by_start = _Spans(exact)
    tried: set[tuple[int, int]] = set()
    edit_distance = Levenshtein.distance
    n = len(text)
    for piece, piece_start, piece_end in matches:
        for index, offset, k, reach, rest, need in candidates[piece]:
            guess = piece_start - offset
            key = (index, guess)
            if key in tried:
                continue
            tried.add(key)
            if rest:
                # The rest of a window within k edits keeps all but k of the term's other characters.
                around = text[guess - k if guess > k else 0 : piece_start] + text[piece_end : guess + reach]
                if sum(map(around.__contains__, rest)) < need:
                    continue
            term = terms[index]
            length = len(term)
            if guess >= 0 and text.startswith(term, guess):
                continue  # any window here only trims or extends the exact form
            lo = max(guess - k, 0)
            hi = guess + length + k
            # The region is a window within k edits plus at most 3k more characters (insertions).
            if edit_distance(term, text[lo:hi], score_cutoff=4 * k) > 4 * k:
                continue
            for start in range(lo, guess + k + 1):
                for size in range(length - k, length + k + 1):
                    end = start + size
                    if end > n:
                        break
                    window = text[start:end]
                    # What verify can accept: k edits, or 2k when swaps keep the length.
                    cutoff = 2 * k if size == length else k
                    if window == term or edit_distance(term, window, score_cutoff=cutoff) > cutoff:
                        continue
                    if covered_by_exact(start, end, length, by_start.overlapping(start, end)):
                        continue
                    found = verdict(term, window, k)
                    if found is None or not _edges_match_kind(term, window) or _inside_exact(text, term, start, end):
                        continue
                    out.append((index, start, end, *found))
    return out


class _Spans:
    """Spans by start, to find those overlapping a window without a full scan."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]
        self._longest = max((e - s for s, e in self._spans), default=0)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        lo = bisect_left(self._starts, start - self._longest + 1)
        hi = bisect_left(self._starts, end)
        return [(s, e) for s, e in self._spans[lo:hi] if e > start]


def verify(term: str, window: str, k: int) -> tuple[int, Edits] | None:
    """The distance and the edits of a window within ``k`` edits of ``term``: adjacent swaps and
    substitutions when they take fewer operations (or the only way within k), else Levenshtein's."""
    found = verdict(term, window, k)
    if found is None:
        return None
    distance, swaps = found
    return distance, swaps if swaps is not None else tuple(Levenshtein.editops(term, window))


def verdict(term: str, window: str, k: int) -> tuple[int, Edits | None] | None:
    """:func:`verify` without the Levenshtein edit list: (distance, the swap edits or None)."""
    d = Levenshtein.distance(term, window, score_cutoff=2 * k)
    ops = swap_edits(term, window, k) if len(term) == len(window) and 2 <= d <= 2 * k else None
    if ops is not None and len(ops) < d:
        return len(ops), ops
    if d <= k:
        return d, None
    if ops is not None:
        return len(ops), ops
    return None


def _edges_match_kind(term: str, window: str) -> bool:
    """A window does not start or end on punctuation or a space where the term has a letter."""
    return (window[0].isalnum() or not term[0].isalnum()) and (window[-1].isalnum() or not term[-1].isalnum())


def _inside_exact(text: str, term: str, start: int, end: int) -> bool:
    """The window only trims or extends an exact occurrence of the term."""
    lo = max(0, start - len(term))
    at = text.find(term, lo, end + len(term))
    while at != -1:
        if at < end and start < at + len(term):
            return True
        at = text.find(term, at + 1, end + len(term))
    return False
