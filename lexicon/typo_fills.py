"""The character path of the general typo detector (checking/checks/typo_general.py) for one
examined position of a run: which confusable characters, put there, complete a dictionary word
that lifts the run's best segmentation above a floor, and the best such word for each.

The C accelerator (lexicon/_segscore.c: ``examine``) computes the same things; the
``*_py`` functions are its definitions, which it must equal bit for bit (tests/test_segscore.py).
"""

from __future__ import annotations

import math

from lexicon.typo_model import MASK, MAX_WORD_LEN, TypoModel
from lexicon.typo_words import RunScores, _segscore

NO_WORD = -math.inf
Fill = tuple[str, float, int, str]  # the character put in, the segmentation's value, where its word starts, the word
PlacedFill = tuple[int, str, float, int, str]  # the position filled, then a Fill


def examine(run: str, scores: RunScores, floor: float, model: TypoModel) -> list[PlacedFill]:
    """The fills (:func:`best_fills_py`) of each examined character of the weak tokens of the run's
    best segmentation (one character, or two making a rare word): characters not so frequent that
    no gain argues against them, with characters they may stand for."""
    if _segscore is None:
        return examine_py(run, scores, floor, model)
    words = model.words
    return _segscore.examine(run, scores.tokens, scores.forward, scores.backward, floor, model.rare_word_logp,
                             model.frequent_char_logp, words.unknown_logp, words.lattice, model.candidates.table,
                             model.completions, model.word_cap)


def examine_py(run: str, scores: RunScores, floor: float, model: TypoModel) -> list[PlacedFill]:
    """The definition of :func:`examine`, in Python (what the C version must equal)."""
    logp, unknown = model.words.logp, model.words.unknown_logp
    rare, frequent = model.rare_word_logp, model.frequent_char_logp
    weak = [b - a == 1 or (b - a == 2 and logp.get(run[a:b], NO_WORD) < rare) for a, b in scores.tokens]
    fills: list[PlacedFill] = []
    for (a, b), is_weak in zip(scores.tokens, weak):
        if is_weak:
            for i in range(a, b):
                if logp.get(run[i], unknown) < frequent:
                    likely = model.candidates.chars_of(run[i])
                    found = best_fills_py(run, i, likely, scores.forward, scores.backward, floor, model) if likely else []
                    fills += [(i, *fill) for fill in found]
    return fills


def best_fills_py(run: str, i: int, likely: str, forward: list[float], backward: list[float], floor: float,
                  model: TypoModel) -> list[Fill]:
    """The definition of :func:`best_fills`, in Python (what the C version must equal)."""
    logp, completions, cap_of, prefixes = model.words.logp, model.completions, model.word_cap.get, model.words.prefixes
    n = len(run)
    best: dict[str, tuple[float, int, str]] = {}
    left_cap = math.inf  # a word over [a, b) contains run[a:i] and run[i+1:b]: none is likelier
    for a in range(i, max(0, i - MAX_WORD_LEN + 1) - 1, -1):
        if a < i:
            left_cap = min(left_cap, cap_of(run[a], NO_WORD))
        right_cap = left_cap
        for b in range(i + 1, min(n, a + MAX_WORD_LEN) + 1):
            if b > i + 1:
                right_cap = min(right_cap, cap_of(run[b - 1], NO_WORD))
            if b - a < 2:
                continue
            outside = forward[a] + backward[b]
            if outside + right_cap <= floor:
                continue  # not even the likeliest word with these characters would gain enough
            if i - a >= 2 and run[a:i] not in prefixes:
                continue  # no word starts with these characters, so none completes them
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
    return [(fill, value, a, word) for fill, (value, a, word) in best.items()]
