"""Failure classes found by the held-out suite: word boundaries around short banned terms,
ambiguous terms and their unambiguous pairings, damaged long formulations, quantities
shaped like mobile numbers."""

from __future__ import annotations

import pytest

from checking.check import Checker
from checking.findings import Category, Severity
from lexicon.loader import load_lexicon
from lexicon.words import WordIndex


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.build(load_lexicon())


def errors(checker: Checker, text: str, category: Category,
           severity: Severity = Severity.ERROR) -> list[tuple[str, str | None]]:
    report = checker.check(text, only=[category])
    return [(f.text, f.suggestion) for f in report.findings if f.severity is severity]


@pytest.fixture(scope="module")
def words() -> WordIndex:
    return WordIndex.load()


@pytest.mark.parametrize(
    ("text", "start", "end", "straddled"),
    [
        ("建立农村长效机制", 1, 3, True),  # 农村|长效 over 村长
        ("奔赴解放前线", 2, 5, True),  # 解放|前线 over 解放前
        ("托养弱智儿童", 2, 4, False),  # a word that begins with the term
        ("他说前苏联时期", 2, 5, False),
    ],
)
def test_straddled(words, text, start, end, straddled):
    assert words.straddled(text, start, end) is straddled


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("为弱智儿童提供康复服务。", "弱智"),  # jieba reads 弱智儿童 as one word
        ("他出生于前苏联时期的工厂。", "前苏联"),
        ("该村村长主持召开村民会议。", "村长"),
        ("解放前，当地百姓缺衣少食。", "解放前"),
    ],
)
def test_short_banned_term_is_an_error_inside_or_at_the_head_of_a_word(checker, text, term):
    assert [t for t, _ in errors(checker, text, Category.BANNED)] == [term]


@pytest.mark.parametrize(
    "text",
    [
        "全村长期坚持垃圾分类。",
        "他曾奔赴解放前线采访。",
        "建设能力中台和数据中台，提升数字政府支撑能力。",
        "各省省委书记参加了座谈会。",
        "该企业是中港城的入驻商户。",
        "思想大解放前所未有。",
    ],
)
def test_straddled_or_allowed_terms_are_not_errors(checker, text):
    assert errors(checker, text, Category.BANNED) == []


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("两岸交流中，中台之间往来增多。", "中台之间", "两岸之间"),
        ("中港合作不断深化。", "中港合作", "内地与香港合作"),
        ("中共湖南省省委书记出席会议。", "省省委书记", "省委书记"),
    ],
)
def test_pairings_of_ambiguous_terms_are_errors(checker, text, wrong, right):
    assert errors(checker, text, Category.BANNED) == [(wrong, right)]


def test_bare_ambiguous_term_is_only_a_warning(checker):
    report = checker.check("中港集团召开年度会议。", only=[Category.BANNED])
    assert [(f.text, f.severity) for f in report.findings] == [("中港", Severity.WARNING)]


@pytest.mark.parametrize(
    ("text", "wrong", "canonical"),
    [
        # the edit makes a word (直观, 大观, 从命) but both ends of the long term are intact
        ("弘扬社会主义核心价直观。", "社会主义核心价直观", "社会主义核心价值观"),
        ("牢记不忘初心、牢记从命的要求。", "不忘初心、牢记从命", "不忘初心、牢记使命"),
        # one inner character changed leaves the segmentation unaligned
        ("实现“两个一百年”奋斗木标。", "两个一百年”奋斗木标", "“两个一百年”奋斗目标"),
    ],
)
def test_long_formulation_with_inner_character_changed(checker, text, wrong, canonical):
    assert errors(checker, text, Category.FORMULATION) == [(wrong, canonical)]


@pytest.mark.parametrize("text", ["坚持全面从严治军。", "坚持全面从严治警。", "开展党纪学习教育。"])
def test_sibling_formulations_are_not_near_misses(checker, text):
    assert errors(checker, text, Category.FORMULATION) == []


@pytest.mark.parametrize("text", ["累计销售额15812345678元。", "共有15812345678人次参与。", "增长13912345678 万元"])
def test_mobile_shaped_quantity_is_not_a_mobile(checker, text):
    assert errors(checker, text, Category.PII) == []


def test_mobile_before_punctuation_is_still_a_mobile(checker):
    assert errors(checker, "联系人王某，手机15812345678。", Category.PII) == [("15812345678", "158****5678")]


@pytest.mark.parametrize(
    "text",
    ["根据中华人民共和国刑法有关规定。", "依照中华人民共和国税法办理。", "学习中华人民共和国宪法。"],
)
def test_sibling_before_a_kind_suffix_is_another_name(checker, text):
    # an inner edit next to 法 names another law, not a damaged 中华人民共和国宪法
    assert errors(checker, text, Category.FORMULATION) == []


@pytest.mark.parametrize(
    ("text", "marking"),
    [("秘密级 ★ 2年\n关于某事项的通知", "秘密级 ★ 2年"), ("（此件不公开）\n关于某事项的通知", "此件不公开")],
)
def test_secrecy_marking_shapes(checker, text, marking):
    assert [t for t, _ in errors(checker, text, Category.SECRECY)] == [marking]


def test_level_word_in_law_text_is_not_a_marking(checker):
    assert errors(checker, "秘密级国家秘密的保密期限不超过十年。", Category.SECRECY) == []


def test_short_formulation_edit_leaving_stray_characters_is_a_near_miss(checker):
    # 共同|人|裕: the edit makes a word (同人) but leaves stray characters
    assert errors(checker, "扎实推动共同人裕。", Category.FORMULATION) == [("共同人裕", "共同富裕")]


@pytest.mark.parametrize("text", ["坚持四个意见。", "树立新发展观念。", "两个维持不变。"])
def test_short_formulation_edit_reading_as_words_is_ordinary(checker, text):
    assert errors(checker, text, Category.FORMULATION) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("截止2024年底，全市共有企业1200家。", True),
        ("据统计，截止6月底，全区共受理申请300件。", True),
        ("报名截止时间为5月1日。", False),
        ("申报工作于6月30日截止。", False),
        ("报名截止2024年5月1日。", False),  # a deadline, not "as of"
    ],
)
def test_cutoff_opening_a_clause_with_a_time_means_as_of(checker, text, flagged):
    report = checker.check(text, only=[Category.TYPO])
    found = [(f.text, f.suggestion) for f in report.findings if f.rule == "typo.cutoff-date"]
    assert found == ([("截止", "截至")] if flagged else [])


@pytest.mark.parametrize(
    "text",
    [
        # 新泰市卫生健康局 reply on a 留言 board (2020): an office's contact line that is a mobile number
        "如有相关问题，请咨询市卫健局医养结合服务中心，电话：18653896876。",
        "报名请联系县就业服务中心，咨询电话：13912345678。",
        "乡政府办公室值班电话 13912345678",
        "县民政局救助站，电话号码：13912345678",
        # held51-005: the line follows the office's address in brackets
        "请携带身份证到市发改局(地址:市政府四楼东,联系电话:13912345678)报名。",
    ],
)
def test_an_offices_mobile_contact_line_is_a_warning_not_a_block(checker, text):
    assert errors(checker, text, Category.PII) == []
    assert len(errors(checker, text, Category.PII, Severity.WARNING)) == 1


def test_an_offices_number_recurring_in_the_text_is_still_its_line(checker):
    text = "到市发改局(地址:市政府四楼东,联系电话:13912345678)报名。旁听报名地址:市政府四楼东,联系电话:13912345678。"
    assert errors(checker, text, Category.PII) == []
    assert len(errors(checker, text, Category.PII, Severity.WARNING)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "联系人：王某，电话：13912345678。",
        "请联系市民政局李科长，手机13912345678。",
        "申请人张三（电话13912345678）已补齐材料。",
        "王某某(地址:幸福路12号,联系电话:13912345678)",
    ],
)
def test_a_persons_mobile_next_to_a_name_still_blocks(checker, text):
    assert [s for _, s in errors(checker, text, Category.PII)] == ["139****5678"]
