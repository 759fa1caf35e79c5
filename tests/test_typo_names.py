"""The name shield of the general typo detector (lexicon/typo_names.py): pure rules, and what they
change in the detector on sentences of published text (sources given with each)."""

from __future__ import annotations

import dataclasses

import pytest

from checking.checks.typo_general import reported, suspects_by_run
from lexicon.typo_model import TypoModel
from lexicon.typo_names import (
    NAME_MARGIN,
    PLACE_MARGIN,
    SURNAMES_FILE,
    NameModel,
    before_place_suffix,
    in_person_name,
    in_place_name,
    margin,
    read_common_surnames,
    read_places,
    read_surnames,
)

# dictionary lines as jieba's dict.txt has them: word, frequency, tag
ENTRIES = [
    ("峥", 27, "zg"), ("玉", 5140, "n"), ("国", 29996, "n"), ("里", 77054, "f"),
    ("王玉峥", 3, "nr"), ("李国峥", 3, "nr"), ("张玉里", 3, "nr"), ("王国", 500, "n"),
]


def test_given_name_characters_come_from_nr_entries_and_distinctive_ones_are_seldom_words():
    names = NameModel.build(ENTRIES, ["王", "李", "张"], [])
    assert names.given_chars == frozenset("玉峥国里")
    assert "峥" in names.distinctive  # two uses in names, frequency 27
    assert "里" not in names.distinctive and "国" not in names.distinctive  # common words


def test_a_surname_and_given_name_covering_the_changed_character_is_a_name():
    names = NameModel.build(ENTRIES, ["王", "李", "张"], [])
    words = {"王国": -10.0}
    assert in_person_name("王玉峥说", 1, 2, names, words)
    assert in_person_name("王峥说", 1, 2, names, words)
    assert not in_person_name("王玉峥说", 0, 1, names, words)  # the surname itself changed
    assert not in_person_name("王国里", 1, 2, names, words)  # 王国 is a word, 国/里 not distinctive
    assert not in_person_name("赵峥说", 1, 2, names, words)  # no surname


def test_surname_table_has_a_source_for_every_row_and_no_duplicates():
    names = read_surnames()
    assert len(names) == len(set(names)) > 300
    assert {"王", "欧阳", "亓"} <= set(names)
    rows = [line.split("\t") for line in SURNAMES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert all(len(row) == 3 and row[1] in ("", "1") and row[2].strip() for row in rows)


def test_the_common_surnames_are_marked_in_the_one_table():
    common = read_common_surnames()
    assert len(common) == len(set(common)) == 271
    assert set(common) <= set(read_surnames())
    assert {"王", "欧阳", "诸葛"} <= set(common) and not {"亓", "缑", "宣"} & set(common)
    model = TypoModel.load()
    assert model.names.common_surnames == frozenset(common) and model.names.surnames == frozenset(read_surnames())


def test_place_table_has_the_county_level_divisions_by_full_and_short_name():
    places = read_places()
    assert len(places) == len(set(places)) > 6000
    assert {"武安市", "武安", "东乌珠穆沁旗", "东乌旗", "浉河区", "浉河", "北京市"} <= set(places)
    assert "新工" not in places and "大千" not in places  # townships and villages are left out


def test_a_place_name_covering_a_changed_character():
    names = NameModel.build(ENTRIES, ["王"], ["武安", "武安市", "东乌旗"])
    assert in_place_name("将武安打造成康养产业", 1, 4, names)  # 武安打 -> 乌干达: 武安 is a county
    assert in_place_name("东乌旗人民政府", 1, 2, names)
    assert in_place_name("在武安市召开", 3, 4, names)  # the suffix of the full name changed
    assert not in_place_name("将武安打造成康养产业", 3, 4, names)  # only 打 changed
    assert not in_place_name("推动经济发展", 3, 4, names)


@pytest.fixture(scope="module")
def model() -> TypoModel:
    return TypoModel.load()


def test_real_names_are_names_and_words_are_not(model):
    # names a held-out run warned on (README, issue 9: 亓玉国, 常峥, 张维炜)
    logp = model.words.logp
    assert in_person_name("亓玉国同志", 2, 3, model.names, logp)
    assert in_person_name("常峥强调", 1, 2, model.names, logp)
    assert in_person_name("张维炜主持", 2, 3, model.names, logp)
    # typos of ECSpell's kind inside common words are not taken for names
    assert not in_person_name("规范管里科", 3, 4, model.names, logp)
    assert not in_person_name("推动经济发展", 3, 4, model.names, logp)
    # the known cost: 农 is a surname and 敏 a name character, so ECSpell's 亿万农敏 (农民) is read
    # as a name and needs the margin (part of the recall the shield costs on ECSpell, README)
    assert in_person_name("亿万农敏的", 3, 4, model.names, logp)


def test_place_and_organisation_suffixes():
    assert before_place_suffix("浉河区", 1)
    # http://www.longxian.gov.cn/col4225/col4227/202310/t20231030_488252.html (tune2-106)
    assert before_place_suffix("金孔镇孟阳村", 4)
    assert before_place_suffix("市场监督管理局", 5)
    assert not before_place_suffix("推动经济发展", 3)


def test_the_margin_is_that_of_the_rule_met(model):
    logp = model.words.logp
    assert margin("常峥强调", 1, 2, 2, model.names, logp) == NAME_MARGIN
    assert margin("浉河区", 0, 1, 2, model.names, logp) == NAME_MARGIN  # a county's name
    assert margin("孟阳村", 0, 1, 1, model.names, logp) == PLACE_MARGIN  # before a suffix only
    assert margin("推动经济发展", 3, 4, 4, model.names, logp) == 0.0


@pytest.mark.parametrize(
    "text, flagged",
    [
        # http://m.xjwk.net/gongzuofanwen/119497.html (bench/real_text_tune2.jsonl tune2-047)
        ("西滩、砂井子、甜水、曲子四个工业集中区建设加快实施。", "砂"),
        # https://www.dongzhi.gov.cn/Jczwgk/opennessShow/1561637.html (tune2-098)
        ("地质灾害隐患点25处,位于同春、永正、桥联、徽道、梅术村,涉及50户115人。", "术"),
    ],
)
def test_names_in_published_text_need_the_margin_to_be_reported(model, text, flagged):
    runs = suspects_by_run(text, (), model)
    at = text.index(flagged)
    shielded = [s for off, sus in runs for s in sus if off + s.start == at and s.margin > 0]
    assert shielded, "the shield marks the name"
    assert not any(off == at for off, _ in reported(runs, model.weights))
    # without the margin the detector would have "corrected" the name
    bare = [(off, [dataclasses.replace(s, margin=0.0) for s in sus]) for off, sus in runs]
    assert any(off == at for off, _ in reported(bare, model.weights))
