"""The typo model's table cache: a cached model is the built model, bit for bit."""

from __future__ import annotations

import os

import pytest

from checking.checks.typo_general import find_likely_typos, suspects_by_run
from lexicon.typo_cache import (
    STALE_AFTER,
    TableCache,
    default_cache_dir,
    inputs_digest,
    pack_floats,
    pack_str_map,
    pack_strs,
    unpack_floats,
    unpack_str_map,
    unpack_strs,
)
from lexicon.typo_model import BUILD_INPUTS, CACHE_NAME, TypoModel

SENTENCES = [
    "要建立建全长效机制，确保各项工作落到实处。",
    "加强环境保户，推进生态文明建设。",
    "积极稳妥推进改格，不断增强发展动力。",
    "进一步优化营商环竟，激发市场主体活力。",
    "我们要认真不熟今年的工作，加强安全生产监督。",
    "县人民政府关于印发乡村振兴实施方案的通知",
    "市场监督管理局负责组织实施本辖区的食品安全监督检查。",
    "確保任務如期完城，2024年共投入资金3.5亿元。",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("typo-cache")


@pytest.fixture(scope="module")
def built(cache_dir) -> TypoModel:
    """The first load finds no cache: it builds the model and writes the cache."""
    return TypoModel.load(cache_dir=cache_dir)


@pytest.fixture(scope="module")
def cached(built, cache_dir) -> TypoModel:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TypoModel, "build", classmethod(lambda cls, weights=None: pytest.fail("built, not read")))
        return TypoModel.load(cache_dir=cache_dir)


def test_the_first_load_writes_one_cache_file(built, cache_dir):
    files = [p.name for p in cache_dir.iterdir()]
    assert files == [f"{CACHE_NAME}-{inputs_digest(BUILD_INPUTS)}.marshal"]


def test_the_cached_model_equals_the_built_one(built, cached):
    assert cached is not built
    assert cached == built
    assert list(cached.words.logp) == list(built.words.logp)  # same order too
    assert list(cached.completions) == list(built.completions)


@pytest.mark.parametrize("text", SENTENCES)
def test_cached_and_built_models_find_the_same(built, cached, text):
    assert suspects_by_run(text, [], cached) == suspects_by_run(text, [], built)
    assert find_likely_typos(text, [], cached) == find_likely_typos(text, [], built)


def test_the_sentences_do_have_findings(built):
    assert sum(len(find_likely_typos(t, [], built)) for t in SENTENCES) >= 4


def test_an_unreadable_cache_file_is_rebuilt(built, tmp_path, monkeypatch):
    store = TableCache.for_inputs(tmp_path, CACHE_NAME, BUILD_INPUTS)
    store.path.write_bytes(b"not a cache file")
    builds = []
    monkeypatch.setattr(TypoModel, "build", classmethod(lambda cls, weights=None: builds.append(1) or built))
    assert TypoModel.load(cache_dir=tmp_path) is built
    assert builds == [1]
    assert TypoModel.load(cache_dir=tmp_path) == built  # written again, read back
    assert builds == [1]


def test_tables_of_another_shape_are_rebuilt(built, tmp_path, monkeypatch):
    TableCache.for_inputs(tmp_path, CACHE_NAME, BUILD_INPUTS).write({"logp": 1})
    monkeypatch.setattr(TypoModel, "build", classmethod(lambda cls, weights=None: built))
    assert TypoModel.load(cache_dir=tmp_path) is built


def test_an_unwritable_cache_directory_is_no_error(built, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(TypoModel, "build", classmethod(lambda cls, weights=None: built))
    assert TypoModel.load(cache_dir=blocker / "sanshen") is built
    assert not TableCache.for_inputs(blocker, CACHE_NAME, BUILD_INPUTS).write(built.tables())


def test_the_cache_key_follows_the_contents_of_the_inputs(tmp_path):
    data = tmp_path / "dict.txt"
    data.write_text("一 1\n", encoding="utf-8")
    before = inputs_digest([data])
    assert inputs_digest([data]) == before
    data.write_text("一 2\n", encoding="utf-8")
    assert inputs_digest([data]) != before
    data.unlink()
    assert inputs_digest([data]) not in (before, inputs_digest([tmp_path / "other.txt"]))


def test_packing_round_trips_exactly():
    floats = {"部署": -9.123456789012345, "一": -1e-300, "不熟": float("-inf")}
    assert unpack_floats(pack_floats(floats)) == floats
    strs = {"*署": "部", "部*": "署门", "不*": "部"}
    unpacked = unpack_str_map(pack_str_map(strs))
    assert unpacked == strs and list(unpacked) == list(strs)
    assert unpacked["*署"] is unpacked["不*"]  # a repeated value is held once
    assert unpack_strs(pack_strs([])) == []
    assert unpack_strs(pack_strs([""])) == [""]
    assert unpack_floats(pack_floats({})) == {}


def test_strings_holding_the_separator_are_refused():
    with pytest.raises(ValueError):
        pack_strs(["a\nb"])


def test_a_write_removes_only_files_for_other_inputs_a_day_older_than_it(tmp_path):
    store = TableCache.for_inputs(tmp_path, CACHE_NAME, [])
    assert store.write({"k": 0})
    written = store.path.stat().st_mtime
    old, recent = tmp_path / f"{CACHE_NAME}-old.marshal", tmp_path / f"{CACHE_NAME}-recent.marshal"
    other = tmp_path / "other-old.marshal"
    for path, age in ((old, STALE_AFTER + 3600), (recent, STALE_AFTER - 3600), (other, STALE_AFTER + 3600)):
        path.write_bytes(b"")
        os.utime(path, (written - age,) * 2)
    assert store.write({"k": 1})  # written no earlier than the first time
    assert store.read() == {"k": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([recent.name, other.name, store.path.name])


def test_the_default_cache_directory_follows_xdg_and_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "sanshen"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "sanshen"
    monkeypatch.setenv("HOME", "nowhere")
    assert default_cache_dir() is None


def test_without_a_cache_directory_the_model_is_built(built, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", "nowhere")
    monkeypatch.setattr(TypoModel, "build", classmethod(lambda cls, weights=None: built))
    assert TypoModel.load() is built
