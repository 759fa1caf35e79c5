"""A passage of a revision named by a person (quoted text and which occurrence, or a position), and
where an anchored passage stands in the current revision (``review.anchors``)."""

from __future__ import annotations

from collections.abc import Sequence

from review.anchors import Anchor, anchor_at, relocate
from review.refusals import InvalidInput
from sanshen.service import validate
from sanshen.service.views import PassageView

PARTS = {"body": "正文", "title": "标题"}
WHOLE = "draft"  # a remark on the whole draft, no passage
MAX_QUOTE = 2000


def part_text(part: str, *, title: str, body: str) -> str:
    if part not in PARTS:
        raise InvalidInput("bad_part", f"位置“{part}”无效，可选：body（正文）、title（标题）")
    return body if part == "body" else title


def locate(text: str, *, quote: str, occurrence: int = 1, start: int | None = None,
           end: int | None = None, where: str = "正文") -> tuple[int, int]:
    """The span named by ``start``/``end`` (checked against ``quote`` when both are given), or by the
    ``occurrence``-th time ``quote`` occurs; refuses in Chinese when it is not there."""
    if start is not None or end is not None:
        if start is None or end is None or not (0 <= start < end <= len(text)):
            raise InvalidInput("bad_span", f"位置 {start}–{end} 不在{where}范围内（共 {len(text)} 字）")
        if quote and text[start:end] != quote:
            raise InvalidInput("quote_mismatch", f"{where}第 {start + 1}–{end} 字是“{text[start:end]}”，不是“{quote}”")
        return start, end
    if not quote:
        raise InvalidInput("no_quote", "请给出所引的原文")
    if len(quote) > MAX_QUOTE:
        raise InvalidInput("quote_too_long", f"所引原文不能超过 {MAX_QUOTE} 字")
    if occurrence < 1:
        raise InvalidInput("bad_occurrence", "“第几处”须为正整数")
    at = -1
    for _ in range(occurrence):
        at = text.find(quote, at + 1)
        if at == -1:
            break
    if at == -1:
        count = text.count(quote)
        if count == 0:
            raise InvalidInput("quote_not_found", f"{where}中没有“{quote}”，请从当前版本中复制原文")
        raise InvalidInput("quote_not_found", f"“{quote}”在{where}中只出现 {count} 处，没有第 {occurrence} 处")
    return at, at + len(quote)


def clean_span_text(text: str, *, what: str) -> str:
    """Quoted or replacement text as typed (white space matters: it is part of the passage)."""
    text = text or ""
    if len(text) > MAX_QUOTE:
        raise InvalidInput("quote_too_long", f"{what}不能超过 {MAX_QUOTE} 字")
    return validate.storable_text(text, what=what)


def passage_now(part: str, quote: str, before: str, after: str, start: int, made_on: int,
                revisions: Sequence[tuple[int, str, str]]) -> PassageView:
    """Follow the passage from the revision it was made on through each later one (number, title,
    body), relocating it by quote and context; once gone it stays detached."""
    if part == WHOLE:
        return PassageView(part=part, quote="", start=None, end=None, detached=False)
    anchor = Anchor(quote, before, after, start)
    span: tuple[int, int] | None = (start, start + len(quote))
    for number, title, body in revisions:
        if number <= made_on:
            continue
        text = body if part == "body" else title
        found = relocate(text, anchor)
        if found is None:
            span = None
            break
        span = (found.start, found.end)
        anchor = anchor_at(text, found.start, found.end)
    if span is None:
        return PassageView(part=part, quote=quote, start=None, end=None, detached=True)
    return PassageView(part=part, quote=quote, start=span[0], end=span[1], detached=False)
