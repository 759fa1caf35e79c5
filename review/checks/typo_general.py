"""The general typo detector: characters that jieba's best segmentation says are likely wrong.

For every Chinese character outside the protected spans, the candidates are the characters a
writer could have confused it with (similar sound, similar shape, same pinyin) that would form a
dictionary word with its neighbours. A candidate's *gain* is how much the log-probability of the
best segmentation of the run improves when the character is replaced by it; a character is
flagged when its best candidate gains more than the model's threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from review.findings import Category, Finding, Severity
from review.typo_candidates import CandidateMap, Likeness
from review.typo_words import RunScores, WordModel, score_run

RULE = "typo.likely"
MASK = "*"
MIN_WORD_FREQ = 5  # jieba lists many frequency-3 fragments; they are no evidence of a typo
COMMON_CHAR_FREQ = 50  # same-pinyin candidates are drawn from characters at least this frequent
MAX_WORD_LEN = 4
DEFAULT_THRESHOLD = 8.0


@dataclass(frozen=True, slots=True)
class Suspect:
    """One character and its best replacement, with the segmentation gain that argues for it."""

    position: int  # offset into the run
    char: str
    replacement: str
    word: str  # the dictionary word the replacement forms
    gain: float
    likeness: Likeness


@dataclass(frozen=True, slots=True)
class TypoModel:
    words: WordModel
    candidates: CandidateMap
    completions: dict[str, str]  # a word with one character masked -> the characters that fill it
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def load(cls, threshold: float = DEFAULT_THRESHOLD) -> "TypoModel":
        words = WordModel.from_jieba()
        min_logp = math.log(MIN_WORD_FREQ) + words.unknown_logp
        completions: dict[str, str] = {}
        for word, lp in words.logp.items():
            if 2 <= len(word) <= MAX_WORD_LEN and lp >= min_logp:
                for j in range(len(word)):
                    key = word[:j] + MASK + word[j + 1 :]
                    completions[key] = completions.get(key, "") + word[j]
        common_logp = math.log(COMMON_CHAR_FREQ) + words.unknown_logp
        common = frozenset(
            w for w, lp in words.logp.items() if len(w) == 1 and _is_han(w) and lp >= common_logp
        )
        return cls(words=words, candidates=CandidateMap.build(common), completions=completions, threshold=threshold)


def find_likely_typos(text: str, protected: Sequence[tuple[int, int]], model: TypoModel) -> list[Finding]:
    return [
        _finding(offset, suspect)
        for offset, suspect in suspects_in_text(text, protected, model)
        if suspect.gain >= model.threshold
    ]


def suspects_in_text(
    text: str, protected: Sequence[tuple[int, int]], model: TypoModel
) -> list[tuple[int, Suspect]]:
    """Every unprotected character's best replacement, whatever its gain, with its offset in ``text``."""
    blocked = bytearray(len(text))
    for start, end in protected:
        start, end = max(start, 0), min(max(end, 0), len(text))
        if end > start:
            blocked[start:end] = b"\x01" * (end - start)
    found = []
    for run_start, run in han_runs(text):
        for suspect in suspects_in_run(run, model):
            offset = run_start + suspect.position
            if not blocked[offset]:
                found.append((offset, suspect))
    return found


def suspects_in_run(run: str, model: TypoModel) -> list[Suspect]:
    """The best replacement of every character of ``run`` that has one, with its gain."""
    if len(run) < 2:
        return []
    scores = score_run(run, model.words)
    suspects = []
    for i in range(len(run)):
        suspect = _best_replacement(run, i, scores, model)
        if suspect is not None:
            suspects.append(suspect)
    return suspects


def _best_replacement(run: str, i: int, scores: RunScores, model: TypoModel) -> Suspect | None:
    char = run[i]
    likeness = model.candidates.of(char)
    if not likeness:
        return None
    logp = model.words.logp
    completions = model.completions
    forward, backward = scores.forward, scores.backward
    n = len(run)
    best_value, best_char, best_word = -math.inf, "", ""
    for a in range(max(0, i - MAX_WORD_LEN + 1), i + 1):
        left = run[a:i]
        for b in range(max(i + 1, a + 2), min(n, a + MAX_WORD_LEN) + 1):
            fills = completions.get(left + MASK + run[i + 1 : b])
            if not fills:
                continue
            outside = forward[a] + backward[b]
            for fill in fills:
                if fill in likeness:
                    word = left + fill + run[i + 1 : b]
                    value = outside + logp[word]
                    if value > best_value:
                        best_value, best_char, best_word = value, fill, word
    if not best_char:
        return None
    return Suspect(
        position=i,
        char=char,
        replacement=best_char,
        word=best_word,
        gain=best_value - scores.best,
        likeness=likeness[best_char],
    )


def han_runs(text: str) -> list[tuple[int, str]]:
    """Maximal runs of Chinese characters, with their offsets; nothing else is ever flagged."""
    runs = []
    start = None
    for k, ch in enumerate(text):
        if _is_han(ch):
            if start is None:
                start = k
        elif start is not None:
            runs.append((start, text[start:k]))
            start = None
    if start is not None:
        runs.append((start, text[start:]))
    return runs


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _finding(offset: int, suspect: Suspect) -> Finding:
    return Finding(
        rule=RULE,
        category=Category.TYPO,
        severity=Severity.WARNING,
        start=offset,
        end=offset + 1,
        text=suspect.char,
        suggestion=suspect.replacement,
        message=(
            f"疑似错别字：“{suspect.char}”可能应为“{suspect.replacement}”"
            f"（{suspect.likeness.label}，“{suspect.word}”）"
        ),
    )
