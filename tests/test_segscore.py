"""The C accelerator (lexicon/_segscore.c) equals its Python definitions bit for bit: the segmentation
scores and the typo detector's search."""

from __future__ import annotations

import random

import pytest

from bench.corpus import clean_sentences
from checking.checks.typo_general import MIN_GAIN, han_runs
from lexicon import typo_fills, typo_words
from lexicon.typo_model import TypoModel
from lexicon.typo_words import score_run_py

pytestmark = pytest.mark.skipif(typo_words._segscore is None, reason="C accelerator not built")


@pytest.fixture(scope="module")
def model() -> TypoModel:
    return TypoModel.load()


def _same(run: str, model: TypoModel) -> None:
    fast = typo_words.score_run(run, model.words)
    slow = score_run_py(run, model.words)
    assert (fast.forward, fast.backward, fast.tokens) == (slow.forward, slow.backward, slow.tokens), run


def test_equal_on_every_run_of_the_official_sentences(model: TypoModel) -> None:
    runs = [run for s in clean_sentences() for _, run in han_runs(s)]
    assert len(runs) > 1000
    for run in runs:
        _same(run, model)


def test_equal_on_random_and_edge_runs(model: TypoModel) -> None:
    rng = random.Random(5)
    chars = "".join(sorted({c for s in clean_sentences() for c in s if "\u4e00" <= c <= "\u9fff"}))
    runs = ["", "中", "䶵䶵", "中华人民共和国中华人民共和国"] + [
        "".join(rng.choice(chars) for _ in range(rng.randrange(1, 60))) for _ in range(500)
    ]
    for run in runs:
        _same(run, model)


def test_refuses_wrong_argument_types(model: TypoModel) -> None:
    with pytest.raises(TypeError):
        typo_words._segscore.score_run("中国", model.words.logp, ["中"], model.words.unknown_logp)


def test_lattice_holds_every_word_and_prefix_once(model: TypoModel) -> None:
    lattice = model.words.lattice
    assert lattice.entries() == len(set(model.words.logp) | model.words.prefixes)
    with pytest.raises(TypeError):
        typo_words._segscore.Lattice({"中国": -1.0}, ["中"])


def _runs() -> list[str]:
    rng = random.Random(11)
    sentences = clean_sentences()
    chars = "".join(sorted({c for s in sentences for c in s if "\u4e00" <= c <= "\u9fff"}))
    runs = [run for s in sentences for _, run in han_runs(s)]
    # runs with typos in them: characters swapped for others, and random strings
    for run in runs[:400]:
        k = rng.randrange(len(run))
        runs.append(run[:k] + rng.choice(chars) + run[k + 1 :])
    return runs + ["中", "䶵䶵"] + ["".join(rng.choice(chars) for _ in range(rng.randrange(2, 40))) for _ in range(300)]


def test_the_typo_search_in_c_equals_its_python_definition(model: TypoModel) -> None:
    """examine (the character path) gives the same answers, in the same order, with the same
    floats, as typo_fills' Python definition."""
    found = 0
    for run in _runs():
        scores = score_run_py(run, model.words)
        floor = scores.best + MIN_GAIN
        slow = typo_fills.examine_py(run, scores, floor, model)
        assert typo_fills.examine(run, scores, floor, model) == slow, run
        found += len(slow)
    assert found > 100  # the runs do exercise the search


def test_the_typo_search_refuses_wrong_arguments(model: TypoModel) -> None:
    scores = score_run_py("中国", model.words)
    with pytest.raises(TypeError):
        typo_words._segscore.examine("中国", scores.tokens, [0.0], scores.backward, 0.0, 0.0, 0.0, 0.0,
                                     model.words.lattice, model.candidates.table, model.completions, model.word_cap)
    with pytest.raises(ValueError):
        typo_words._segscore.examine("中国", [(0, 3)], scores.forward, scores.backward, 0.0, 0.0, 0.0, 0.0,
                                     model.words.lattice, model.candidates.table, model.completions, model.word_cap)
