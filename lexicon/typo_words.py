"""Word log-probabilities from jieba's own dictionary, and the best-segmentation scores.

The typo detector asks one question many times: how much does the best segmentation of a
run of Chinese characters improve when one character is replaced? With the best prefix score
``forward[a]`` and the best suffix score ``backward[b]`` of the *original* run, the best
segmentation of the edited run that puts the edited position inside the token ``[a, b)`` is
``forward[a] + logp(token) + backward[b]`` — so one pass over the run answers it for every
candidate, without re-segmenting.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # the same computation in C (lexicon/_segscore.c), built at install when a compiler is there
    from lexicon import _segscore
except ImportError:  # pragma: no cover - depends on the install
    _segscore = None

JIEBA_DIR = Path(importlib.util.find_spec("jieba").origin).parent  # found, not imported
JIEBA_DICT = JIEBA_DIR / "dict.txt"
OFFICIAL_WORDS = Path(__file__).resolve().parent / "data" / "typo" / "official_words.tsv"
# The frequency given to a word of official text that jieba lacks: common enough to be read as a
# word (not examined as a rare one), too rare to argue against a common word that replaces it.
OFFICIAL_FREQ = 1000


@dataclass(frozen=True, slots=True)
class WordModel:
    logp: dict[str, float] = field(repr=False)  # word -> log P(word) under jieba's frequencies
    prefixes: frozenset[str] = field(repr=False)  # every proper prefix of a dictionary word (for the DAG)
    unknown_logp: float  # what jieba gives a character it has never seen (frequency 1)
    # logp and prefixes as one C hash table (lexicon/_segscore.c), when the accelerator is built
    lattice: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.lattice is None and _segscore is not None:
            object.__setattr__(self, "lattice", _segscore.Lattice(self.logp, self.prefixes))

    @classmethod
    def from_jieba(cls, path: Path = JIEBA_DICT, official: Path | None = OFFICIAL_WORDS) -> "WordModel":
        """jieba's dictionary, plus the words of official text it lacks or rates rarer than
        OFFICIAL_FREQ (``official``; 全域 has 3)."""
        freq: dict[str, int] = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                word, count = line.split(" ", 2)[:2]
                freq[word] = int(count)
        for word in official_words(official) if official else ():
            freq[word] = max(freq.get(word, 0), OFFICIAL_FREQ)
        log_total = math.log(sum(freq.values()))
        logp = {w: math.log(c) - log_total for w, c in freq.items() if c > 0}
        prefixes = frozenset(w[:k] for w in logp if len(w) > 2 for k in range(2, len(w)))
        return cls(logp=logp, prefixes=prefixes, unknown_logp=-log_total)


def official_words(path: Path = OFFICIAL_WORDS) -> list[str]:
    """The words of ``path`` (word TAB source, # comments)."""
    words = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                words.append(line.split("\t", 1)[0].strip())
    return words


@dataclass(frozen=True, slots=True)
class RunScores:
    """Best-segmentation log-probabilities of one run: prefix scores and suffix scores."""

    forward: list[float]  # forward[k]: best score of run[:k]
    backward: list[float]  # backward[k]: best score of run[k:]
    tokens: list[tuple[int, int]]  # the best segmentation itself, as spans

    @property
    def best(self) -> float:
        return self.backward[0]



def score_run(run: str, words: WordModel) -> RunScores:
    """jieba's maximum-probability segmentation (its DAG, its frequencies, no HMM), both ways."""
    if words.lattice is None:
        return score_run_py(run, words)
    forward, backward, tokens = words.lattice.score(run, words.unknown_logp)
    return RunScores(forward=forward, backward=backward, tokens=tokens)


def score_run_py(run: str, words: WordModel) -> RunScores:
    """The definition of :func:`score_run`, in Python (what the C version must equal)."""
    n = len(run)
    logp = words.logp
    prefixes = words.prefixes
    unknown = words.unknown_logp
    dag: list[list[tuple[int, float]]] = []
    forward = [-math.inf] * (n + 1)
    forward[0] = 0.0
    for k in range(n):
        fk = forward[k]
        lp = logp.get(run[k], unknown)
        edges = [(k + 1, lp)]
        if fk + lp > forward[k + 1]:
            forward[k + 1] = fk + lp
        j = k + 2
        while j <= n:
            frag = run[k:j]
            lp = logp.get(frag)
            if lp is not None:
                edges.append((j, lp))
                if fk + lp > forward[j]:
                    forward[j] = fk + lp
            elif frag not in prefixes:
                break
            j += 1
        dag.append(edges)

    backward = [0.0] * (n + 1)
    choice = [0] * (n + 1)
    for k in range(n - 1, -1, -1):
        best, best_end = -math.inf, k + 1
        for end, lp in dag[k]:
            v = lp + backward[end]
            if v > best:
                best, best_end = v, end
        backward[k] = best
        choice[k] = best_end

    tokens = []
    k = 0
    while k < n:
        tokens.append((k, choice[k]))
        k = choice[k]
    return RunScores(forward=forward, backward=backward, tokens=tokens)
