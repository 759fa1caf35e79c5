"""`typo.doubled`: a word written twice in a row (资源资源局, 农村农村工作) — a warning.

Read on the segmentation the general typo detector already made of each run of Chinese: the
second copy must be a whole word of it, and the first a whole word or the end of one (特种设备设备),
so a word followed by a longer word that starts the same way (中队中队长, 普查普查员, 乡镇乡镇长)
is no doubling. Words that reduplicate on purpose (考虑考虑, 一项一项; lexicon/doubling.py) and
words of one character (人人, 天天) are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from checking.checks.spans import finding
from checking.checks.typo_general import ScoredRun
from checking.findings import Category, Finding, Severity, quoted

RULE = "typo.doubled"


def check(text: str, runs: Sequence[ScoredRun], reduplicating: frozenset[str]) -> list[Finding]:
    """The doubled words of ``text`` (``runs``: its scored runs, offsets into ``text``)."""
    found = []
    for scored in runs:
        run, tokens = scored.run, scored.scores.tokens
        for (a, b), (c, d) in zip(tokens, tokens[1:]):
            word, first = run[c:d], b - (d - c)  # the second copy; where the first would start
            if len(word) >= 2 and first >= a and run[first:b] == word and word not in reduplicating:
                start, end = scored.offset + first, scored.offset + d
                found.append(finding(text, RULE, Category.TYPO, Severity.WARNING, start, end, word,
                                     "词语重复：" + quoted(text[start:end]) + "，疑多写了一个" + quoted(word)))
    return found
