"""Split a draft's text into plain and highlighted segments for the template.

The template escapes every segment (Jinja2 autoescape), so no markup is ever built
from draft text here. Findings that overlap an earlier one are not highlighted
again (they still appear in the list of findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, Sequence, TypeVar


class Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


@dataclass(frozen=True, slots=True)
class Segment(Generic[S]):
    text: str
    span: S | None = None


def segments(text: str, spans: Sequence[S]) -> list[Segment[S]]:
    out: list[Segment[S]] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = max(span.start, 0), min(span.end, len(text))
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], span))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
