"""The C segmentation scorer (lexicon/_segscore.c) equals its Python definition bit for bit."""

from __future__ import annotations

import random

import pytest

from bench.corpus import clean_sentences
from checking.checks.typo_general import han_runs
from lexicon import typo_words
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
