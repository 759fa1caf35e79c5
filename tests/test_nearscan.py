"""The C accelerator of the lexicon matchers (lexicon/_nearscan.c) equals their definitions exactly:
its filter of the near-miss windows equals ``near_windows_py``, and its automaton reports the same
matches in the same order as pyahocorasick."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.corpus import clean_sentences
from lexicon import matchers
from lexicon.compiled import CompiledLexicon, Document
from lexicon.loader import load_lexicon
from lexicon.matchers import ExactMatcher, NearMatcher
from lexicon.words import WordIndex

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compiled() -> CompiledLexicon:
    return CompiledLexicon.compile(load_lexicon(), WordIndex.load())


def _texts(compiled: CompiledLexicon) -> list[str]:
    """Official sentences, real published text, and text full of damaged formulations: each near
    key with a random edit (replace, delete, insert, swap), twice, inside random context."""
    rng = random.Random(11)
    texts = list(clean_sentences())
    with (ROOT / "bench" / "real_text.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh]
    chars = "".join(sorted({c for s in clean_sentences() for c in s if "\u4e00" <= c <= "\u9fff"}))

    def damaged(key: str) -> str:
        i = rng.randrange(len(key))
        op = rng.randrange(4)
        if op == 0:
            return key[:i] + rng.choice(chars) + key[i + 1 :]
        if op == 1:
            return key[:i] + key[i + 1 :]
        if op == 2:
            return key[:i] + rng.choice(chars) + key[i:]
        j = min(i + 1, len(key) - 1)
        return key[:i] + key[j] + key[i] + key[j + 1 :] if j > i else key

    for key in compiled.near_keys:
        texts.append("".join(rng.choice(chars) for _ in range(rng.randrange(0, 4))) + damaged(damaged(key))
                     + "".join(rng.choice(chars) for _ in range(rng.randrange(0, 4))))
    texts += ["", "中", "𠀀中华人民共合国𠀀", "中华人民共和国中华人民共合国", "国国国国国国国国国国国国"]
    return texts


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_windows_equal_their_definition(compiled: CompiledLexicon) -> None:
    fast = compiled.near
    slow = NearMatcher(compiled.near_keys, piece_cost=compiled.words.piece_cost, fast=False)
    texts = _texts(compiled)
    windows = covered = swapped = 0
    for text in texts:
        sq = Document.of(text).squeezed.text
        exact = [(h.start, h.end) for h in compiled.formulations.find(sq)]
        got = fast.windows(sq)
        assert got == slow.windows(sq), text
        listed = matchers._nearscan.near_windows(sq, fast._pieces.matches(sq), fast._table, fast._starts, fast._terms,
                                                 matchers.array("i"))
        assert listed == got  # the matches handed over as a list, or scanned in C
        assert fast.find(sq) == slow.find(sq), text
        uncovered = fast.windows(sq, exact)
        assert uncovered == slow.windows(sq, exact), text
        assert fast.find(sq, exact) == slow.find(sq, exact), text
        windows += len(got)
        covered += len(got) - len(uncovered)
        for hit in fast.find(sq):  # the distance and edits handed back equal what verify gives
            term = compiled.near_keys[hit.term_index]
            assert (hit.distance, hit.edits) == matchers.verify(term, sq[hit.start : hit.end], matchers.max_edits(len(term)))
        swapped += sum(1 for window in got if window[4] is not None)
    assert windows > 1000 and covered > 200  # the comparison saw many windows of both kinds
    assert swapped > 50  # and many read as adjacent swaps


def test_windows_covered_by_an_exact_form_are_left_out(compiled: CompiledLexicon) -> None:
    sq = "坚持中国特色社会主义道路"
    exact = [(h.start, h.end) for h in compiled.formulations.find(sq)]
    assert exact and compiled.near.find(sq)
    assert all(hit.start < 2 or hit.end > 12 for hit in compiled.near.find(sq, exact))


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_windows_refuse_a_bad_table() -> None:
    with pytest.raises(ValueError):
        matchers._nearscan.near_windows("中华人民", [(5, 0, 2)], matchers.array("i", [0] * 6), matchers.array("i", [0, 1]),
                                        ("中华人民共和国",), matchers.array("i"))
    with pytest.raises(ValueError):
        matchers._nearscan.near_windows("中华人民", [(0, -3, 99)], matchers.array("i", [0, 0, 1, 8, 2, 4]),
                                        matchers.array("i", [0, 1]), ("中华人民共和国",), matchers.array("i"))
    with pytest.raises(ValueError):
        matchers._nearscan.near_windows("中华人民", [(0, 0, 2)], matchers.array("i", [0, 0, -1, 8, 2, 4]),
                                        matchers.array("i", [0, 1]), ("中华人民共和国",), matchers.array("i"))
    with pytest.raises(TypeError):
        matchers._nearscan.near_windows("中华人民", [(0, 0)], matchers.array("i", [0] * 6), matchers.array("i", [0, 1]),
                                        ("中华人民共和国",), matchers.array("i"))


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_windows_refuse_unsorted_exact_spans() -> None:
    with pytest.raises(ValueError):
        matchers._nearscan.near_windows("中华人民", [], matchers.array("i"), matchers.array("i", [0]),
                                        ("中华人民共和国",), matchers.array("i", [3, 4, 0, 2]))


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_automaton_equals_pyahocorasick(compiled: CompiledLexicon) -> None:
    keys = [(k, i) for i, k in enumerate(compiled.formulations.keys)] + [("共和国", -1), ("共和国", -2), ("国", -3)]
    fast, slow = ExactMatcher(keys), ExactMatcher(keys, fast=False)
    assert fast._c is not None and slow._automaton is not None
    hits = 0
    for text in _texts(compiled) + ["😀中华人民共和国𠀀共和国"]:
        assert fast.matches(text) == slow.matches(text), text
        assert fast.find(text) == slow.find(text)
        assert list(fast.iter(text)) == list(slow.iter(text))
        hits += len(fast.matches(text))
    assert hits > 1000
    assert [(h.start, h.end, h.value) for h in fast.find("😀共和国")] == [(1, 4, -1), (1, 4, -2), (3, 4, -3)]


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_automaton_on_random_keys_and_texts() -> None:
    """Small alphabets make every automaton case (shared prefixes, failure chains, keys inside
    keys, nodes with many children) common; astral and ASCII characters mixed in."""
    rng = random.Random(3)
    for alphabet in ("ab", "abcdefghij", "中国人民共和𠀀a", "".join(map(chr, range(0x4E00, 0x4E20)))):
        for _ in range(400):
            keys = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 6))) for _ in range(rng.randrange(1, 30))]
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
            pairs = [(k, i) for i, k in enumerate(keys)]
            assert ExactMatcher(pairs).find(text) == ExactMatcher(pairs, fast=False).find(text), (keys, text)
    assert matchers._nearscan.Automaton([]).matches("中国") == []
    assert matchers._nearscan.Automaton(["", "国"]).matches("中国") == [(1, 1, 2)]
    with pytest.raises(TypeError):
        matchers._nearscan.Automaton(["中", 3])


@pytest.mark.skipif(matchers._nearscan is None, reason="C accelerator not built")
def test_c_character_runs_equal_the_patterns(compiled: CompiledLexicon, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folding and squeezing find the same runs in C as with the regular expressions: every view
    of a Document is the same (noise, invisible and foldable characters, astral ones)."""
    from lexicon import normalize

    rng = random.Random(9)
    specials = normalize.NOISE_CHARS + "\u200b\u200d\ufeff\u2060\u00ad" + "ＡＢ１２３" + "國華發" + "𠀀😀\U000e0041"
    texts = _texts(compiled)[:3000]
    texts += ["".join(rng.choice(specials + "中国人民共和") for _ in range(rng.randrange(0, 40))) for _ in range(2000)]
    patterns = (normalize._NOISE_RUN, normalize._NOISE_OR_INVISIBLE_RUN, normalize.INVISIBLE_RUN,
                normalize._foldable_or_may_hide_run())
    fast = []
    for text in texts:
        for pattern in patterns:
            assert normalize.runs_of(pattern, text) == [m.span() for m in pattern.finditer(text)], text
        fast.append(Document.of(text))
    monkeypatch.setattr(normalize, "_nearscan", None)
    assert [Document.of(text) for text in texts] == fast
    assert any(d.squeezed.removed for d in fast) and any(d.visible.removed for d in fast)
    assert any(d.folded != d.text for d in fast)


def test_the_prefix_index_answers_as_a_scan_of_the_keys(compiled):
    keys = compiled.near_keys
    heads = {key[:end] for key in keys[::7] for end in range(3, len(key) + 1)} | {"全面建设", "中华人民", "不是前缀"}
    for key in keys[::11]:
        for head in heads:
            assert compiled.other_key_starts_with(head, key) == any(k != key and k.startswith(head) for k in keys)
