"""Matchers compiled once from the lexicon: exact terms (Aho-Corasick) and near misses of
canonical formulations (pigeonhole pieces found by Aho-Corasick, verified with python-Levenshtein).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick
import Levenshtein

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ExactHit(Generic[T]):
    start: int
    end: int
    value: T


class ExactMatcher(Generic[T]):
    """All (overlapping) occurrences of the keys in a text."""

    def __init__(self, pairs: Iterable[tuple[str, T]]) -> None:
        grouped: dict[str, list[T]] = {}
        for key, value in pairs:
            if key:
                grouped.setdefault(key, []).append(value)
        self._automaton = ahocorasick.Automaton()
        for key, values in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(values)))
        self._empty = not grouped
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[ExactHit[T]]:
        if self._empty:
            return []
        hits = []
        for end_index, (length, values) in self._automaton.iter(text):
            start = end_index + 1 - length
            for value in values:
                hits.append(ExactHit(start, end_index + 1, value))
        return hits


@dataclass(frozen=True, slots=True)
class NearHit:
    term_index: int
    start: int
    end: int
    distance: int
    edits: tuple[tuple[str, int, int], ...]  # Levenshtein.editops(term, window), or a swap


def max_edits(length: int) -> int:
    return 2 if length >= 10 else 1


def pieces(term: str, k: int) -> list[tuple[int, str]]:
    """k+1 disjoint pieces separated by one-character gaps, so any k edits (a substitution,
    a deletion, an insertion or an adjacent swap each) leave at least one piece intact."""
    n = len(term)
    if n - k < 2 * (k + 1):  # too short for gaps: two halves, swaps handled as extra keys
        half = n // 2
        return [(0, term[:half]), (half, term[half:])]
    base, extra = divmod(n - k, k + 1)
    out = []
    start = 0
    for i in range(k + 1):
        size = base + (1 if i < extra else 0)
        out.append((start, term[start : start + size]))
        start += size + 1
    return out


def swaps(term: str) -> list[str]:
    return [term[:i] + term[i + 1] + term[i] + term[i + 2 :] for i in range(len(term) - 1) if term[i] != term[i + 1]]


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


class NearMatcher:
    """Windows of a text that are within a few edits of a term but not equal to it."""

    def __init__(self, terms: Sequence[str], min_length: int = 4) -> None:
        self._terms = tuple(terms)
        pairs: list[tuple[str, tuple[int, int]]] = []
        for index, term in enumerate(self._terms):
            if len(term) < min_length:
                continue
            k = max_edits(len(term))
            for offset, piece in pieces(term, k):
                pairs.append((piece, (index, offset)))
            if len(term) - k < 2 * (k + 1):
                pairs.extend((variant, (index, 0)) for variant in swaps(term))
        self._pieces = ExactMatcher(pairs)

    def find(self, text: str) -> list[NearHit]:
        windows: dict[tuple[int, int, int], NearHit] = {}
        tried: set[tuple[int, int]] = set()
        n = len(text)
        terms = self._terms
        for hit in self._pieces.find(text):
            index, offset = hit.value
            guess = hit.start - offset
            if (index, guess) in tried:
                continue
            tried.add((index, guess))
            term = terms[index]
            length = len(term)
            k = max_edits(length)
            for start in range(max(guess - k, 0), guess + k + 1):
                for size in range(length - k, length + k + 1):
                    end = start + size
                    if end > n:
                        break
                    window = text[start:end]
                    if window == term:
                        continue
                    if not _edges_match_kind(term, window):
                        continue
                    found = verify(term, window, k)
                    if found is None or _inside_exact(text, term, start, end):
                        continue
                    distance, edits = found
                    windows[(index, start, end)] = NearHit(index, start, end, distance, edits)
        return sorted(windows.values(), key=lambda h: (h.start, h.end, h.term_index))


def verify(term: str, window: str, k: int) -> tuple[int, tuple[tuple[str, int, int], ...]] | None:
    d = Levenshtein.distance(term, window, score_cutoff=2 * k)
    if len(term) == len(window) and 2 <= d <= 2 * k:
        ops = swap_edits(term, window, k)
        if ops is not None and len(ops) < d:
            return len(ops), ops
    if d <= k:
        return d, tuple(Levenshtein.editops(term, window))
    if len(term) == len(window) and d <= 2 * k:
        ops = swap_edits(term, window, k)
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
