"""Finding a quoted passage again in a later text (comments and suggested edits on a span).

An anchor is the quoted text with up to ``CONTEXT`` characters either side. In a new text the
passage is wherever the quote occurs; among several occurrences the one whose surroundings match
the recorded context best wins (then the one nearest the old position). No occurrence: detached.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 16


@dataclass(frozen=True)
class Anchor:
    quote: str
    before: str
    after: str
    start: int  # where it was, a hint among equal candidates


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def anchor_at(text: str, start: int, end: int) -> Anchor:
    """The anchor of ``text[start:end]``; refuses an empty or out-of-range span."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}–{end} outside the text (0–{len(text)})")
    return Anchor(text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT], start)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def relocate(text: str, anchor: Anchor) -> Span | None:
    """Where the anchored passage is in ``text``, or None when its quote no longer occurs."""
    if not anchor.quote:
        return None
    best: tuple[int, int, int] | None = None  # (-context score, distance, start)
    at = text.find(anchor.quote)
    while at != -1:
        end = at + len(anchor.quote)
        score = (_common_suffix(text[max(0, at - CONTEXT):at], anchor.before)
                 + _common_prefix(text[end:end + CONTEXT], anchor.after))
        key = (-score, abs(at - anchor.start), at)
        if best is None or key < best:
            best = key
        at = text.find(anchor.quote, at + 1)
    if best is None:
        return None
    return Span(best[2], best[2] + len(anchor.quote))


WAIVER_CONTEXT = 10


def context_unchanged(old_text: str, old: Span, new_text: str, new: Span, *, width: int = WAIVER_CONTEXT) -> bool:
    """The span and up to ``width`` characters either side, within its paragraph (line), read the
    same in both texts (a finding's waiver carries over only then)."""
    def window(text: str, span: Span) -> tuple[str, str, str]:
        before = text[max(0, span.start - width):span.start].rsplit("\n", 1)[-1]
        after = text[span.end:span.end + width].split("\n", 1)[0]
        return before, text[span.start:span.end], after
    return window(old_text, old) == window(new_text, new)
