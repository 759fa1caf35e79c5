"""WordIndex.cut: rjieba (jieba-rs) when installed, with jieba's own segmentation as the definition."""

from __future__ import annotations

import random

import pytest

from bench.corpus import clean_sentences
from lexicon import words as words_module
from lexicon.words import WordIndex


@pytest.fixture(scope="module")
def index() -> WordIndex:
    return WordIndex.load()


@pytest.mark.skipif(words_module.rjieba is None, reason="rjieba not installed")
def test_rjieba_segments_like_jieba_without_hmm(index: WordIndex) -> None:
    rng = random.Random(3)
    sentences = clean_sentences()
    texts = sentences + ["".join(rng.sample(sentences, 3)) + f"，电话1{rng.randrange(10**10):010d}。abc 2024年" for _ in range(200)]
    assert index.fast is not None
    for text in texts:
        assert index.cut(text) == list(index.tokenizer.cut(text, HMM=False)), text


def test_without_rjieba_jieba_segments(index: WordIndex) -> None:
    plain = WordIndex(index.tokenizer)
    assert plain.fast is None
    assert plain.cut("中华人民共和国应急管理部") == ["中华人民共和国", "应急", "管理部"]
    assert plain.boundaries("应急管理新形势") == index.boundaries("应急管理新形势")


def test_common_verbs_are_the_dictionary_verbs_above_the_frequency(index):
    verbs = index.common_verbs
    assert {"推进", "推动", "促进", "加强", "强化", "建成", "确立"} <= verbs
    assert "建设" not in verbs  # tagged vn by jieba's dictionary
    assert "全面" not in verbs and "乡村" not in verbs  # not verbs
    assert all(index.freq(word) >= 500 for word in verbs)
