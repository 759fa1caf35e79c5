"""Finding a pattern only where it can start: ``pattern.finditer`` for patterns that begin with a
character rarely in Chinese text (a space, ASCII punctuation), tried only at those characters,
which C finds (lexicon/normalize.py: ``runs_of``) much faster than the regular expression engine
scans for a leading character class."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lexicon.normalize import runs_of


def finditer_from(pattern: re.Pattern[str], text: str, starts: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a ``pattern`` whose matches are never empty and begin on a
    character of ``starts`` (a pattern ``[...]+``): the leftmost match at or after the end of the
    last one, tried at those characters only (tests/test_nearscan.py compares the two)."""
    end = 0
    for run_start, run_end in runs_of(starts, text):
        at = max(run_start, end)
        while at < run_end:
            m = pattern.match(text, at)
            if m is None:
                at += 1
                continue
            yield m
            end = m.end()
            at = max(at + 1, end)
