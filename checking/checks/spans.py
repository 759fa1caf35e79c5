"""Small helpers shared by the checks: spans, Han characters, finding construction."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace

from checking.findings import Category, Finding, Severity
from lexicon.compiled import Document
from lexicon.model import CONTEXT_MARK

Span = tuple[int, int]
SENTENCE_ENDS = "。！？!?\n"


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def finding(
    text: str,
    rule: str,
    category: Category,
    severity: Severity,
    start: int,
    end: int,
    suggestion: str | None,
    message: str,
) -> Finding:
    return Finding(rule, category, severity, start, end, text[start:end], suggestion, message)


def on_text(doc: Document, findings: Iterable[Finding]) -> list[Finding]:
    """Findings made on ``doc.visible.text``, moved to where they stand in ``doc.text``."""
    if not doc.visible.removed:  # same offsets: only the text is read from the text as written
        return [f if f.text == doc.text[f.start : f.end] else replace(f, text=doc.text[f.start : f.end])
                for f in findings]
    moved = []
    for f in findings:
        start, end = doc.span_of_visible(f.start, f.end)
        moved.append(replace(f, start=start, end=end, text=doc.text[start:end]))
    return moved


class SpanSet:
    """Sorted, merged spans for fast 'is this inside / does this touch' questions."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def spans(self) -> list[Span]:
        return list(zip(self._starts, self._ends))

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end

    def touches(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, max(start, end - 1)) - 1
        while i >= 0 and self._ends[i] > start:
            if self._starts[i] < end or (start == end and self._starts[i] <= start):
                return True
            i -= 1
        return False


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def line_before(text: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start`` on the same line."""
    lo = max(0, start - width)
    chunk = text[lo:start]
    cut = chunk.rfind("\n")
    return chunk[cut + 1 :] if cut != -1 else chunk


def line_around(text: str, start: int, end: int, width: int) -> str:
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    before = text[lo:start]
    after = text[end:hi]
    cut = before.rfind("\n")
    if cut != -1:
        before = before[cut + 1 :]
    cut = after.find("\n")
    if cut != -1:
        after = after[:cut]
    return before + text[start:end] + after


def sentence_around(text: str, start: int, end: int, width: int = 30) -> str:
    """Up to ``width`` characters of the sentence on each side of ``text[start:end]``, which is
    written CONTEXT_MARK (the form a lexicon term's context pattern is matched against)."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    cut = max(before.rfind(c) for c in SENTENCE_ENDS)
    stop = min((at for at in (after.find(c) for c in SENTENCE_ENDS) if at != -1), default=len(after))
    return before[cut + 1 :] + CONTEXT_MARK + after[:stop]


def keep_longest(findings: Sequence[Finding]) -> list[Finding]:
    """Of findings that overlap, keep the longest (the earliest on ties)."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-(f.end - f.start), f.start)):
        if not any(overlaps((f.start, f.end), (k.start, k.end)) for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))
