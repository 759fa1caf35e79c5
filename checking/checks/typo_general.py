"""The general typo detector: characters that jieba's best segmentation says are likely wrong.

Replacements are proposed where they would form a dictionary word: a character swapped for one
it is easily confused with (similar sound, similar shape, same pinyin), or a run of characters
swapped for a word typed with the same syllables. Each replacement's *gain* is how much the
log-probability of jieba's best segmentation of the run improves; a small logistic score over
the gain and a few features (lexicon/typo_scoring.py) decides what is reported.

Only characters that stand alone or sit in a rare two-character word of the original
segmentation are examined, character by character, and as part of whole words on segmentation
boundaries: that is where a typo leaves its trace, and it keeps the pass fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from checking.findings import Category, Finding, Severity
from lexicon.normalize import fold
from lexicon.typo_candidates import Likeness
from lexicon.typo_model import HAN_RUN, MASK, MAX_WORD_LEN, TypoModel
from lexicon.typo_scoring import Weights
from lexicon.typo_words import RunScores, score_run

RULE = "typo.likely"
MIN_GAIN = 7.0  # replacements that improve the segmentation less are never scored (nor fitted)
NO_WORD = -math.inf
PLACE_SUFFIXES = frozenset("省市县区乡镇村街路巷湖山河江岛港湾屯寨庄舰")


@dataclass(frozen=True, slots=True)
class Suspect:
    """A span of a run that may be mistyped, its replacement and the evidence for it."""

    start: int  # offsets into the run of the changed characters
    end: int
    original: str
    replacement: str
    word: str  # the dictionary word the replacement forms
    word_start: int
    gain: float
    likeness: Likeness
    features: tuple[float, ...]  # in the order of lexicon.typo_scoring.FEATURES


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
    found = reported(suspects_by_run(text, protected, model, runs), model.weights)
    return [_finding(offset, s) for offset, s in found]


def suspects_by_run(
    text: str, protected: Sequence[tuple[int, int]], model: TypoModel, runs: Sequence[ScoredRun] | None = None
) -> list[tuple[int, list[Suspect]]]:
    """Each run of Chinese characters (its offset) with every unprotected replacement in it.

    Runs are read folded (traditional → simplified, one code point for one), so a traditional
    character is not taken for a typo; what a suspect quotes is the text as written.
    """
    blocked = bytearray(len(text))
    for start, end in protected:
        start, end = max(start, 0), min(max(end, 0), len(text))
        if end > start:
            blocked[start:end] = b"\x01" * (end - start)
    found = []
    for scored in scored_runs(text, model) if runs is None else runs:
        run_start = scored.offset
        kept = []
        for s in suspects_in_run(scored.run, model, scored.scores):
            if any(blocked[run_start + s.start : run_start + s.end]):
                continue
            written = text[run_start + s.start : run_start + s.end]
            kept.append(s if written == s.original else replace(s, original=written))
        found.append((run_start, kept))
    return found


def reported(runs: Sequence[tuple[int, Sequence[Suspect]]], weights: Weights) -> list[tuple[int, Suspect]]:
    """What is reported under ``weights``: per run, the best-scoring non-overlapping suspects that
    reach the threshold, with their offsets into the text."""
    found = []
    for run_start, suspects in runs:
        scored = [(weights.score(s.features), s) for s in suspects]
        for s in strongest_disjoint([(v, s) for v, s in scored if v >= weights.threshold]):
            found.append((run_start + s.start, s))
    return found


def suspects_in_run(run: str, model: TypoModel, scores: RunScores | None = None) -> list[Suspect]:
    """Every replacement in ``run`` that improves its best segmentation, with its features
    (``scores``: the run's, when already computed)."""
    if len(run) < 2:
        return []
    scores = scores or score_run(run, model.words)
    token_of = [(0, 0)] * len(run)
    for a, b in scores.tokens:
        for k in range(a, b):
            token_of[k] = (a, b)
    cap_of = model.word_cap.get
    caps = [cap_of(ch, NO_WORD) for ch in run]
    context = _RunContext(run, scores, token_of, caps, model)
    logp_of, rare = model.words.logp.get, model.rare_word_logp
    weak = [b - a == 1 or (b - a == 2 and logp_of(run[a:b], NO_WORD) < rare) for a, b in scores.tokens]
    logp, unknown, frequent = model.words.logp, model.words.unknown_logp, model.frequent_char_logp
    suspects = []
    for (a, b), is_weak in zip(scores.tokens, weak):
        if is_weak:
            for i in range(a, b):
                if logp.get(run[i], unknown) < frequent:
                    suspects.extend(context.char_replacements(i))
    suspects.extend(context.word_replacements(weak))
    return suspects


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
    token_of: list[tuple[int, int]]
    caps: list[float]  # per position: TypoModel.word_cap of its character
    model: TypoModel

    def char_replacements(self, i: int) -> list[Suspect]:
        run, model = self.run, self.model
        char = run[i]
        likely = model.candidates.chars_of(char)
        if not likely:
            return []
        logp, completions, caps = model.words.logp, model.completions, self.caps
        forward, backward = self.scores.forward, self.scores.backward
        floor = self.scores.best + MIN_GAIN
        n = len(run)
        best: dict[str, tuple[float, int, str]] = {}
        left_cap = math.inf  # a word over [a, b) contains run[a:i] and run[i+1:b]: none is likelier
        for a in range(i, max(0, i - MAX_WORD_LEN + 1) - 1, -1):
            if a < i and caps[a] < left_cap:
                left_cap = caps[a]
            right_cap = left_cap
            for b in range(i + 1, min(n, a + MAX_WORD_LEN) + 1):
                if b > i + 1 and caps[b - 1] < right_cap:
                    right_cap = caps[b - 1]
                if b - a < 2:
                    continue
                outside = forward[a] + backward[b]
                if outside + right_cap <= floor:
                    continue  # not even the likeliest word with these characters would gain enough
                left, right = run[a:i], run[i + 1 : b]
                fills = completions.get(left + MASK + right)
                if fills is None or outside + logp[left + fills[0] + right] <= floor:
                    continue
                for fill in fills:
                    if fill in likely:
                        word = left + fill + right
                        value = outside + logp[word]
                        if value <= floor:
                            break  # the fills come best word first
                        if value > best.get(fill, (-math.inf,))[0]:
                            best[fill] = (value, a, word)
        return [
            self._suspect(i, fill, a, word, value, [model.candidates.kind(char, fill)])
            for fill, (value, a, word) in best.items()
        ]

    def word_replacements(self, weak: Sequence[bool]) -> list[Suspect]:
        """Whole words sounding like a span of tokens of which at least one is ``weak``."""
        run, model = self.run, self.model
        logp = model.words.logp
        index = model.homophones
        keys = index.key(run)
        forward, backward = self.scores.forward, self.scores.backward
        floor = self.scores.best + MIN_GAIN
        bounds = [a for a, _ in self.scores.tokens] + [len(run)]
        suspects = []
        for x, a in enumerate(bounds):
            has_weak = False
            for y in range(x + 1, len(bounds)):
                b = bounds[y]
                has_weak = has_weak or weak[y - 1]
                if b - a > MAX_WORD_LEN:
                    break
                if b - a < 2 or not has_weak:
                    continue
                outside = forward[a] + backward[b]
                for word in index.words.get(keys[a:b], ()):
                    value = outside + logp[word]
                    if value <= floor:
                        break  # the words come most probable first
                    changed = [k for k in range(b - a) if word[k] != run[a + k]]
                    if len(changed) >= 2:  # one changed character is the character path's business
                        first, last = a + changed[0], a + changed[-1] + 1
                        kinds = [model.candidates.kind(run[a + k], word[k]) | Likeness.PINYIN for k in changed]
                        fill = word[changed[0] : changed[-1] + 1]
                        suspects.append(self._suspect(first, fill, a, word, value, kinds, end=last))
        return suspects

    def _suspect(
        self,
        start: int,
        fill: str,
        word_start: int,
        word: str,
        value: float,
        kinds: list[int],
        end: int | None = None,
    ) -> Suspect:
        end = start + 1 if end is None else end
        run, model = self.run, self.model
        logp, unknown = model.words.logp, model.words.unknown_logp
        gain = value - self.scores.best
        changed = [k for k in range(start, end) if run[k] != fill[k - start]]
        word_end = word_start + len(word)
        token_a, token_b = self.token_of[word_start]
        after = run[max(end, word_end) : max(end, word_end) + 2]
        features = (
            gain,
            *likeness_features(kinds),
            float(len(changed) >= 2),
            float(all(self.token_of[k][1] - self.token_of[k][0] == 1 for k in changed)),
            float(token_a <= word_start and word_end <= token_b),
            float(len(word) >= 3),
            logp[word],
            sum(logp.get(run[k], unknown) for k in changed) / len(changed),
            sum(logp.get(fill[k - start], unknown) for k in changed) / len(changed),
            float(any(ch in PLACE_SUFFIXES for ch in after)),
        )
        likeness = Likeness(0)
        for kind in kinds:
            likeness |= Likeness(kind)
        return Suspect(
            start=start,
            end=end,
            original=run[start:end],
            replacement=fill,
            word=word,
            word_start=word_start,
            gain=gain,
            likeness=likeness,
            features=features,
        )


def han_runs(text: str) -> list[tuple[int, str]]:
    """Maximal runs of Chinese characters, with their offsets; nothing else is ever flagged."""
    return [(m.start(), m.group()) for m in HAN_RUN.finditer(text)]


def likeness_features(kinds: list[int]) -> tuple[float, float, float, float]:
    """sound, shape, pinyin, two_kinds for the changed characters of one replacement
    (``kinds``: their ``Likeness`` flags)."""
    sound = all(k & Likeness.SOUND for k in kinds)
    shape = all(k & Likeness.SHAPE for k in kinds)
    same_pinyin = all(k & Likeness.PINYIN for k in kinds)
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
