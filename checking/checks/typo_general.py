"""The general typo detector: characters that jieba's best segmentation says are likely wrong.

Replacements are proposed where they would form a dictionary word: a character swapped for one
it is easily confused with (similar sound, similar shape, same pinyin). Whole words typed by sound
are not proposed: on real published text none of their suggestions was right (README). Each
replacement's *gain* is how much the log-probability of jieba's best segmentation of the run
improves; a small logistic score over the gain and a few features (lexicon/typo_scoring.py)
decides what is reported.

Only characters that stand alone or sit in a rare two-character word of the original
segmentation are examined, character by character: that is where a typo leaves its trace, and
it keeps the pass fast.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from checking.findings import Category, Finding, Severity
from lexicon.normalize import fold
from lexicon.typo_candidates import Likeness
from lexicon.typo_fills import examine
from lexicon.typo_model import HAN_RUN, TypoModel
from lexicon.typo_names import margin
from lexicon.typo_phrases import phrase_margin
from lexicon.typo_scoring import Weights
from lexicon.typo_words import RunScores, score_run

RULE = "typo.likely"
MIN_GAIN = 7.0  # replacements that improve the segmentation less are never scored (nor fitted)
NO_WORD = -math.inf
PLACE_SUFFIXES = frozenset("省市县区乡镇村街路巷湖山河江岛港湾屯寨庄舰")
SOUND, SHAPE, PINYIN = int(Likeness.SOUND), int(Likeness.SHAPE), int(Likeness.PINYIN)  # plain ints: no enum per use


@dataclass(frozen=True, slots=True)
class Suspect:
    """A character of a run that may be mistyped, its replacement and the evidence for it."""

    start: int  # offset into the run of the changed character
    original: str
    replacement: str
    word: str  # the dictionary word the replacement forms
    word_start: int
    gain: float
    likeness: Likeness
    features: tuple[float, ...]  # in the order of lexicon.typo_scoring.FEATURES
    margin: float = 0.0  # what the score must beat the cutoff by: more inside a name (lexicon/typo_names.py)

    @property
    def end(self) -> int:
        return self.start + 1


@dataclass(frozen=True, slots=True)
class ScoredRun:
    """A run of Chinese characters of the folded text, its offset and its segmentation scores."""

    offset: int
    run: str
    scores: RunScores


def scored_runs(text: str, model: TypoModel) -> list[ScoredRun]:
    """Every run of ``text`` (read folded) with its scores: segmented once, read by the detector
    and by the name shield (checking/checks/names.py)."""
    return [ScoredRun(offset, run, score_run(run, model.words)) for offset, run in han_runs(fold(text))]


def find_likely_typos(
    text: str, protected: Sequence[tuple[int, int]], model: TypoModel, runs: Sequence[ScoredRun] | None = None
) -> list[Finding]:
    found = suspects_by_run(text, protected, model, runs, cutoff=model.weights.cutoff)
    return findings_of(reported(found, model.weights))


def findings_of(found: Sequence[tuple[int, Suspect]]) -> list[Finding]:
    return [_finding(offset, s) for offset, s in found]


def suspects_by_run(
    text: str,
    protected: Sequence[tuple[int, int]],
    model: TypoModel,
    runs: Sequence[ScoredRun] | None = None,
    cutoff: float | None = None,
) -> list[tuple[int, list[Suspect]]]:
    """Each run of Chinese characters (its offset) with every unprotected replacement in it
    (``cutoff``: only those whose score under the model's weights reaches it, see :func:`suspects_in_run`,
    and only the runs that have one).

    Runs are read folded (traditional → simplified, one code point for one), so a traditional
    character is not taken for a typo; what a suspect quotes is the text as written.
    """
    found = [(scored.offset, suspects_in_run(scored.run, model, scored.scores, cutoff))
             for scored in (scored_runs(text, model) if runs is None else runs)]
    if cutoff is not None:
        found = [(offset, suspects) for offset, suspects in found if suspects]
    return unprotected(text, found, protected)


def unprotected(
    text: str, found: Sequence[tuple[int, Sequence[Suspect]]], protected: Sequence[tuple[int, int]],
    names: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, list[Suspect]]]:
    """``found`` (per run: its offset, its suspects) without the suspects that touch a ``protected``
    span or whose new word takes in a character of one of the ``names`` (赵飞及 → 飞机 after 副主任),
    each quoting the text as written."""
    blocked, named = _marked(len(text), protected), _marked(len(text), names)
    out = []
    for run_start, suspects in found:
        kept = []
        for s in suspects:
            if blocked and any(blocked[run_start + s.start : run_start + s.end]):
                continue
            if named and any(named[run_start + s.word_start : run_start + s.word_start + len(s.word)]):
                continue
            written = text[run_start + s.start : run_start + s.end]
            kept.append(s if written == s.original else replace(s, original=written))
        out.append((run_start, kept))
    return out


def _marked(size: int, spans: Sequence[tuple[int, int]]) -> bytearray:
    """A byte per character of a text ``size`` long, set inside ``spans`` (empty when there are none)."""
    marks = bytearray(size if spans else 0)
    for start, end in spans:
        start, end = max(start, 0), min(max(end, 0), size)
        if end > start:
            marks[start:end] = b"\x01" * (end - start)
    return marks


def reported(runs: Sequence[tuple[int, Sequence[Suspect]]], weights: Weights) -> list[tuple[int, Suspect]]:
    """What is reported under ``weights``: per run, the best-scoring non-overlapping suspects that
    reach the threshold, with their offsets into the text."""
    found = []
    for run_start, suspects in runs:
        if not suspects:
            continue
        scored = [(weights.score(s.features), s) for s in suspects]
        for s in strongest_disjoint([(v, s) for v, s in scored if v >= weights.cutoff + s.margin]):
            found.append((run_start + s.start, s))
    return found


def suspects_in_run(run: str, model: TypoModel, scores: RunScores | None = None,
                    cutoff: float | None = None) -> list[Suspect]:
    """Every replacement in ``run`` that improves its best segmentation, with its features
    (``scores``: the run's, when already computed). With a ``cutoff``, only those whose score
    under the model's weights reaches it: no other can be reported under those weights (a margin
    only raises the bar), and the name rules that set the margin are read for these alone."""
    if len(run) < 2:
        return []
    scores = scores or score_run(run, model.words)
    floor = scores.best + MIN_GAIN
    fills = examine(run, scores, floor, model)
    if not fills:
        return []
    context = _RunContext(run, scores, model)
    kind = model.candidates.kind
    suspects = [context.suspect(i, fill, a, word, value, kind(run[i], fill)) for i, fill, value, a, word in fills]
    score = model.weights.score
    scored = [(s, score(s.features)) for s in suspects]
    if cutoff is not None:
        scored = [(s, value) for s, value in scored if value >= cutoff]
    names, logp = model.names, model.words.logp

    def with_margin(s: Suspect, value: float) -> Suspect:
        # The phrase shield (lexicon/typo_phrases.py) is read only for a suspect that reaches the
        # model's cutoff: under it nothing is reported whatever the margin, and most suspects are.
        phrase = (phrase_margin(run, s.start, s.end, s.word_start, s.word, model.corpus, model.function_words)
                  if value >= model.weights.cutoff else 0.0)
        return replace(s, margin=max(margin(run, s.start, s.end, s.word_start + len(s.word), names, logp), phrase))

    return [with_margin(s, value) for s, value in scored]


def strongest_disjoint(scored: Sequence[tuple[float, Suspect]]) -> list[Suspect]:
    """Greedily keep the best-scoring suspects whose new words do not overlap."""
    kept: list[Suspect] = []
    taken: set[int] = set()
    for _, s in sorted(scored, key=lambda pair: -pair[0]):
        span = range(s.word_start, s.word_start + len(s.word))
        if not taken.intersection(span):
            kept.append(s)
            taken.update(span)
    return sorted(kept, key=lambda s: s.start)


@dataclass(frozen=True, slots=True)
class _RunContext:
    run: str
    scores: RunScores
    model: TypoModel

    def token_of(self, k: int) -> tuple[int, int]:
        """The token of the run's best segmentation that holds position ``k``."""
        tokens = self.scores.tokens
        return tokens[bisect_right(tokens, (k, math.inf)) - 1]

    def suspect(self, start: int, fill: str, word_start: int, word: str, value: float, kind: int) -> Suspect:
        """The character at ``start`` replaced by ``fill``, forming ``word`` (``kind``: their ``Likeness`` flags)."""
        run, model = self.run, self.model
        logp, unknown = model.words.logp, model.words.unknown_logp
        gain = value - self.scores.best
        word_end = word_start + len(word)
        token_a, token_b = self.token_of(word_start)
        after = run[max(start + 1, word_end) : max(start + 1, word_end) + 2]
        char_a, char_b = self.token_of(start)
        features = (
            gain,
            *likeness_features(kind),
            float(char_b - char_a == 1),
            float(token_a <= word_start and word_end <= token_b),
            float(len(word) >= 3),
            logp[word],
            logp.get(run[start], unknown),
            logp.get(fill, unknown),
            float(any(ch in PLACE_SUFFIXES for ch in after)),
            model.corpus.get(run[word_start:word_end], 0.0),
            model.corpus.get(word, 0.0),
        )
        return Suspect(
            start=start,
            original=run[start],
            replacement=fill,
            word=word,
            word_start=word_start,
            gain=gain,
            likeness=Likeness(kind),
            features=features,
        )


def han_runs(text: str) -> list[tuple[int, str]]:
    """Maximal runs of Chinese characters, with their offsets; nothing else is ever flagged."""
    return [(m.start(), m.group()) for m in HAN_RUN.finditer(text)]


def likeness_features(kind: int) -> tuple[float, float, float, float]:
    """sound, shape, pinyin, two_kinds of one replacement (``kind``: its ``Likeness`` flags)."""
    sound, shape, same_pinyin = bool(kind & SOUND), bool(kind & SHAPE), bool(kind & PINYIN)
    return float(sound), float(shape), float(same_pinyin), float(sound + shape + same_pinyin >= 2)


def _finding(offset: int, suspect: Suspect) -> Finding:
    return Finding(
        rule=RULE,
        category=Category.TYPO,
        severity=Severity.WARNING,
        start=offset,
        end=offset + suspect.end - suspect.start,
        text=suspect.original,
        suggestion=suspect.replacement,
        message=f"疑似错别字：“{suspect.original}”可能应为“{suspect.replacement}”（{_reason(suspect)}）",
    )


def _reason(suspect: Suspect) -> str:
    if suspect.word == suspect.replacement:
        return suspect.likeness.label
    return f"{suspect.likeness.label}，“{suspect.word}”"
