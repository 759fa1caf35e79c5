"""The general typo detector: characters that jieba's best segmentation says are likely wrong.

Replacements are proposed where they would form a dictionary word: a character swapped for one
it is easily confused with (similar sound, similar shape, same pinyin), or a run of characters
swapped for a word typed with the same syllables. Each replacement's *gain* is how much the
log-probability of jieba's best segmentation of the run improves; a small logistic score over
the gain and a few features (review/typo_scoring.py) decides what is reported.

Only characters that stand alone or sit in a rare two-character word of the original
segmentation are examined, character by character, and as part of whole words on segmentation
boundaries: that is where a typo leaves its trace, and it keeps the pass fast.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import review.typo_cache as cache
import review.typo_candidates as typo_candidates
import review.typo_words as typo_words
from lexicon.normalize import fold
from review.findings import Category, Finding, Severity
from review.typo_candidates import CandidateMap, HomophoneIndex, Likeness, char_readings
from review.typo_scoring import Weights, likeness_features
from review.typo_words import RunScores, WordModel, score_run

RULE = "typo.likely"
MASK = "*"
MIN_WORD_FREQ = 3  # jieba lists many frequency-3 fragments; they are no evidence of a typo
COMMON_CHAR_FREQ = 50  # same-pinyin candidates are drawn from characters at least this frequent
MAX_WORD_LEN = 4
HOMOPHONE_MIN_FREQ = 50  # a word typed by sound is a common word
RARE_WORD_FREQ = 500  # characters inside rarer two-character words are examined too (编织 for 编制)
FREQUENT_CHAR_FREQ = 150_000  # 的, 了, 是 … : no segmentation gain can argue against them alone
MIN_GAIN = 7.0  # replacements that improve the segmentation less are never scored (nor fitted)
PLACE_SUFFIXES = frozenset("省市县区乡镇村街路巷湖山河江岛港湾屯寨庄舰")
HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
CACHE_NAME = "typo-tables"
# Everything the tables are built from: the data, and the code that reads and derives them.
BUILD_INPUTS = (
    typo_words.JIEBA_DICT,
    typo_candidates.CONFUSION_FILE,
    *typo_candidates.PYPINYIN_DATA,
    Path(__file__),
    Path(typo_words.__file__),
    Path(typo_candidates.__file__),
    Path(cache.__file__),
)


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
    features: tuple[float, ...]  # in the order of review.typo_scoring.FEATURES


@dataclass(frozen=True, slots=True)
class TypoModel:
    words: WordModel
    candidates: CandidateMap
    homophones: HomophoneIndex
    # a word with one character masked -> the characters that fill it, ordered by the
    # log-probability of the word they make, best first
    completions: dict[str, str] = field(repr=False)
    weights: Weights
    rare_word_logp: float
    frequent_char_logp: float
    # character -> the log-probability of the likeliest short word containing it
    word_cap: dict[str, float] = field(repr=False)

    @classmethod
    def load(cls, weights: Weights | None = None, *, cache_dir: Path | None = None) -> "TypoModel":
        """The model, its tables read from the cache under ``cache_dir`` (default: the user's
        cache directory) when they were built from the same inputs, else built and cached."""
        weights = weights or Weights.load()
        directory = cache_dir or cache.default_cache_dir()
        if directory is None:
            return cls.build(weights)
        store = cache.TableCache.for_inputs(directory, CACHE_NAME, BUILD_INPUTS)
        tables = store.read()
        if tables is not None:
            try:
                return cls.from_tables(tables, weights)
            except (KeyError, TypeError, ValueError):
                pass  # not tables this code wrote: build them again
        model = cls.build(weights)
        store.write(model.tables())
        return model

    def tables(self) -> dict[str, Any]:
        """Everything but the weights, as plain values for :class:`review.typo_cache.TableCache`."""
        return {
            "logp": cache.pack_floats(self.words.logp),
            "prefixes": cache.pack_strs(self.words.prefixes),
            "unknown_logp": self.words.unknown_logp,
            "candidates": self.candidates.table,
            "homophone_codes": self.homophones.codes,
            "homophone_words": self.homophones.words,
            "completions": cache.pack_str_map(self.completions),
            "rare_word_logp": self.rare_word_logp,
            "frequent_char_logp": self.frequent_char_logp,
            "word_cap": self.word_cap,
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any], weights: Weights) -> "TypoModel":
        return cls(
            words=WordModel(
                logp=cache.unpack_floats(tables["logp"]),
                prefixes=frozenset(cache.unpack_strs(tables["prefixes"])),
                unknown_logp=float(tables["unknown_logp"]),
            ),
            candidates=CandidateMap(table=tables["candidates"]),
            homophones=HomophoneIndex(codes=tables["homophone_codes"], words=tables["homophone_words"]),
            completions=cache.unpack_str_map(tables["completions"]),
            weights=weights,
            rare_word_logp=float(tables["rare_word_logp"]),
            frequent_char_logp=float(tables["frequent_char_logp"]),
            word_cap=tables["word_cap"],
        )

    @classmethod
    def build(cls, weights: Weights | None = None) -> "TypoModel":
        """The model built from jieba's dictionary, pypinyin's readings and the confusion set."""
        words = WordModel.from_jieba()
        floor = math.log(MIN_WORD_FREQ) + words.unknown_logp
        short_words = [w for w, lp in words.logp.items() if 2 <= len(w) <= MAX_WORD_LEN and lp >= floor]
        short_words.sort(key=words.logp.__getitem__, reverse=True)
        fills: dict[str, list[str]] = defaultdict(list)
        for word in short_words:
            if len(word) == 2:
                fills[MASK + word[1]].append(word[0])
                fills[word[0] + MASK].append(word[1])
            else:
                for j in range(len(word)):
                    fills[word[:j] + MASK + word[j + 1 :]].append(word[j])
        distinct: dict[str, str] = {}  # one string per distinct set of fills (a seventh as many)
        completions = {}
        for key, chars in fills.items():
            joined = "".join(chars)
            completions[key] = distinct.setdefault(joined, joined)
        word_cap = {ch: words.logp[word] for word in reversed(short_words) for ch in word}  # the likeliest wins
        readings = char_readings({c for w in short_words for c in w} | {w for w in words.logp if len(w) == 1})
        common_floor = math.log(COMMON_CHAR_FREQ) + words.unknown_logp
        homophone_floor = math.log(HOMOPHONE_MIN_FREQ) + words.unknown_logp
        common = frozenset(w for w, lp in words.logp.items() if len(w) == 1 and is_han(w) and lp >= common_floor)
        return cls(
            words=words,
            candidates=CandidateMap.build(readings, common),
            homophones=HomophoneIndex.build(readings, [w for w in short_words if words.logp[w] >= homophone_floor]),
            completions=completions,
            weights=weights or Weights.load(),
            rare_word_logp=math.log(RARE_WORD_FREQ) + words.unknown_logp,
            frequent_char_logp=math.log(FREQUENT_CHAR_FREQ) + words.unknown_logp,
            word_cap=word_cap,
        )

    def with_weights(self, weights: Weights) -> "TypoModel":
        return replace(self, weights=weights)


def find_likely_typos(text: str, protected: Sequence[tuple[int, int]], model: TypoModel) -> list[Finding]:
    return [_finding(offset, s) for offset, s in reported(suspects_by_run(text, protected, model), model.weights)]


def suspects_by_run(
    text: str, protected: Sequence[tuple[int, int]], model: TypoModel
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
    runs = []
    for run_start, run in han_runs(fold(text)):
        kept = []
        for s in suspects_in_run(run, model):
            if any(blocked[run_start + s.start : run_start + s.end]):
                continue
            written = text[run_start + s.start : run_start + s.end]
            kept.append(s if written == s.original else replace(s, original=written))
        runs.append((run_start, kept))
    return runs


def reported(runs: Sequence[tuple[int, Sequence[Suspect]]], weights: Weights) -> list[tuple[int, Suspect]]:
    """What is reported under ``weights``: per run, the best-scoring non-overlapping suspects that
    reach the threshold, with their offsets into the text."""
    found = []
    for run_start, suspects in runs:
        scored = [(weights.score(s.features), s) for s in suspects]
        for s in strongest_disjoint([(v, s) for v, s in scored if v >= weights.threshold]):
            found.append((run_start + s.start, s))
    return found


def suspects_in_run(run: str, model: TypoModel) -> list[Suspect]:
    """Every replacement in ``run`` that improves its best segmentation, with its features."""
    if len(run) < 2:
        return []
    scores = score_run(run, model.words)
    token_of = [(0, 0)] * len(run)
    for a, b in scores.tokens:
        for k in range(a, b):
            token_of[k] = (a, b)
    caps = [model.word_cap.get(ch, -math.inf) for ch in run]
    context = _RunContext(run, scores, token_of, caps, model)
    weak = [
        b - a == 1 or (b - a == 2 and model.words.logp.get(run[a:b], -math.inf) < model.rare_word_logp)
        for a, b in scores.tokens
    ]
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


def is_han(ch: str) -> bool:
    return HAN_RUN.fullmatch(ch) is not None


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
