"""Which waivers a new revision carries over: a waived finding found again with the same text and
the same surroundings (``review.anchors.context_unchanged``) stays waived, recorded as carried."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from checking.located import Location, Part
from review.anchors import Span, context_unchanged


@dataclass(frozen=True)
class Found:
    """A finding as matching needs it."""

    id: int
    location: Location
    rule: str
    category: str
    start: int
    end: int
    text: str


def carried_waivers(waived: Iterable[Found], fresh: Iterable[Found], *, old_texts: Mapping[Part, str],
                    new_texts: Mapping[Part, str]) -> list[tuple[Found, Found]]:
    """(new finding, old waived finding) pairs: same location part (and attachment, page, sheet), rule,
    category and text, and in the title or body the same characters either side. Attachments are
    unchanged by a revision, so there the position must be the same too. Each old waiver carries once."""
    left = list(waived)
    pairs = []
    for new in sorted(fresh, key=lambda f: (f.location.sort_key, f.start, f.id)):
        for old in left:
            if (old.location, old.rule, old.category, old.text) != (new.location, new.rule, new.category, new.text):
                continue
            part = new.location.part
            if part in new_texts and part in old_texts:
                same = context_unchanged(old_texts[part], Span(old.start, old.end), new_texts[part],
                                         Span(new.start, new.end))
            else:
                same = (old.start, old.end) == (new.start, new.end)
            if same:
                pairs.append((new, old))
                left.remove(old)
                break
    return pairs
