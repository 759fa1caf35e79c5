"""The general typo detector leaves alone document numbers, officials' names and the words of
official text that jieba lacks (checking/checks/typo_shields.py, lexicon/data/typo/official_words.tsv)."""

from __future__ import annotations

import jieba
import pytest

from checking.checks.typo_general import RULE
from checking.checks.typo_shields import document_numbers, person_names
from lexicon.typo_words import OFFICIAL_WORDS, official_words


def likely(checker, text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in checker.check(text).findings if f.rule == RULE]


@pytest.mark.parametrize("number", ["湘办发〔2016〕41号", "安政务办发〔2024〕1号", "国办发[2009]3号", "鲁政发（2014）20号"])
def test_document_numbers_are_found_whole(number):
    text = f"根据《通知》（{number}）要求"
    assert [text[a:b] for a, b in document_numbers(text)] == [number]


def test_no_typo_inside_a_document_number(default_checker):
    assert likely(default_checker, "安政务办发〔2024〕1号") == []
    assert likely(default_checker, "湘办发〔2016〕41号文件精神") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("党组书记、部长唐仁健出席会议并讲话。", "唐仁健"),
        ("副省长王某某主持会议。", "王某某"),
        ("李强总理强调", "李强"),
        ("欧阳明同志", "欧阳明"),
    ],
)
def test_names_next_to_titles(text, name):
    assert name in [text[a:b] for a, b in person_names(text)]


def test_a_name_stops_before_what_follows_it():
    text = "局长张明出席会议"
    assert [text[a:b] for a, b in person_names(text)] == ["张明"]


def test_no_name_without_a_surname():
    assert person_names("部长会议上强调") == []


def test_no_typo_in_an_officials_name(default_checker):
    assert likely(default_checker, "党组书记、部长唐仁健出席会议并讲话。") == []


@pytest.mark.parametrize("text", ["全区干部群众凝心聚力、唯实争先。", "深入推动政务服务提质增效。",
                                  "最大限度利企便民，兑付惠企资金。", "坚持稳字当头、稳中求进。"])
def test_official_words_are_not_typos(default_checker, text):
    assert likely(default_checker, text) == []


def test_official_words_are_never_offered_as_corrections(default_checker):
    assert all(s != "扛" for _, s in likely(default_checker, "强化科技和装备支撑，打牢现代农业发展基础。"))


def test_official_words_file_is_clean():
    jieba.initialize()
    words = official_words()
    assert len(words) >= 500
    assert len(words) == len(set(words))
    assert [w for w in words if jieba.dt.FREQ.get(w)] == []  # only what jieba lacks
    for line in OFFICIAL_WORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, source = line.split("\t")
            assert word and source.strip()
    # A real typo is still found.
    from checking.checks.typo_general import find_likely_typos
    from lexicon.typo_model import TypoModel

    assert find_likely_typos("我们要认真贯彻落实会议精神，加快推进经济建没。", [], TypoModel.load())


def test_parallel_frames_are_shielded_but_not_every_repeat():
    from checking.checks.typo_shields import parallel_phrases

    text = "宜粮则粮、宜经则经，应保尽保，要建立建全制度，行业起业"
    assert [text[a:b] for a, b in parallel_phrases(text)] == ["宜粮则粮", "宜经则经", "应保尽保"]


def test_no_typo_in_a_parallel_frame(default_checker):
    assert likely(default_checker, "宜粮则粮、宜经则经、宜牧则牧、宜渔则渔、宜林则林。") == []


def test_a_suspect_written_the_same_way_twice_is_meant(default_checker):
    once = "认真落实安全生产监官责任。"
    assert likely(default_checker, once) == [("官", "管")]
    # the same characters recur: a term of the trade or a name, not a slip of the keyboard
    assert likely(default_checker, once + "各地要把监官责任落到实处。") == []
    # a different neighbour does not make the same written form
    assert likely(default_checker, once + "官员要带头。") == [("官", "管")]


def test_spare_repeated_reads_multi_character_suspects_whole():
    from checking.checks.typo_shields import spare_repeated
    from checking.findings import Category, Finding, Severity

    def at(text: str, word: str, nth: int = 0) -> Finding:
        start = text.index(word) if nth == 0 else text.index(word, text.index(word) + 1)
        return Finding(rule=RULE, category=Category.TYPO, severity=Severity.WARNING, start=start,
                       end=start + len(word), text=word, suggestion=None, message="")

    text = "落实监官责任，监官到位。"
    assert spare_repeated(text, [at(text, "监官")]) == []
    text = "落实监官责任。"
    assert spare_repeated(text, [at(text, "监官")]) == [at(text, "监官")]
