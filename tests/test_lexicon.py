"""Lexicon data, loader, overrides, normalisation and matchers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checking.findings import Category, Severity
from lexicon.compiled import Document
from lexicon.loader import DATA_DIR, load_lexicon
from lexicon.matchers import ExactMatcher, NearMatcher, pieces
from lexicon.model import Lexicon, LexiconError, LexiconOverride, TermKind, make_term
from lexicon.normalize import (
    fold,
    fold_and_detect,
    squeeze,
    squeeze_term,
    unhide,
    unhide_term,
)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def test_data_files_meet_the_minimum_sizes(lexicon):
    assert len(lexicon.of_kind(TermKind.FORMULATION)) >= 150
    assert len(lexicon.of_kind(TermKind.TYPO)) >= 300
    assert lexicon.of_kind(TermKind.BANNED) and lexicon.of_kind(TermKind.SECRECY)
    assert lexicon.of_kind(TermKind.ALLOW) and lexicon.of_kind(TermKind.CONTEXT)


def test_domain_material_is_in_the_lexicon(lexicon):
    terms = {t.term for t in lexicon.terms}
    for formulation in ("习近平新时代中国特色社会主义思想", "不忘初心、牢记使命", "中华人民共和国",
                        "全国人民代表大会常务委员会", "省（区、市）", "铸牢中华民族共同体意识"):
        assert formulation in terms
    pairs = {(t.correct, t.term) for t in lexicon.of_kind(TermKind.TYPO)}
    for pair in (("部署", "布署"), ("再接再厉", "再接再励"), ("领导小组", "领导小姐"), ("共和国", "共合国")):
        assert pair in pairs
    banned = {t.term: t for t in lexicon.of_kind(TermKind.BANNED)}
    assert banned["北朝鲜"].correct == "朝鲜" and banned["北朝鲜"].severity is Severity.ERROR


def test_version_is_stable_and_content_addressed(lexicon):
    again = load_lexicon()
    assert again.version == lexicon.version and len(lexicon.version) == 64
    reordered = Lexicon(tuple(reversed(lexicon.terms)))
    assert reordered.version == lexicon.version


def test_overrides_add_replace_and_disable(lexicon):
    edited = lexicon.with_overrides([
        LexiconOverride(kind="banned", term="测试禁词", correct="测试正词", category="banned", severity="warning"),
        LexiconOverride(kind="banned", term="北朝鲜", correct="朝鲜", severity="warning", note="改为提示"),
        LexiconOverride(kind="typo", term="布署", correct="部署", enabled=False),
    ])
    banned = {t.term: t for t in edited.of_kind(TermKind.BANNED)}
    assert banned["测试禁词"].correct == "测试正词" and banned["测试禁词"].source == "override"
    assert banned["北朝鲜"].severity is Severity.WARNING
    assert "布署" not in {t.term for t in edited.of_kind(TermKind.TYPO)}
    assert edited.version != lexicon.version
    assert lexicon.with_overrides([]).version == lexicon.version


def test_override_is_validated(lexicon):
    with pytest.raises(LexiconError, match="未知的词条类型"):
        lexicon.with_overrides([LexiconOverride(kind="nonsense", term="x")])
    with pytest.raises(LexiconError, match="正确写法"):
        lexicon.with_overrides([LexiconOverride(kind="typo", term="某错字")])
    with pytest.raises(LexiconError, match="严重性"):
        lexicon.with_overrides([LexiconOverride(kind="banned", term="某词", severity="fatal")])


@pytest.mark.parametrize(
    ("name", "content", "where", "problem"),
    [
        ("banned.tsv", "# c\n北朝鲜\t朝鲜\terror\t说明\n只有一列\n", "banned.tsv:3", "至少 3 列"),
        ("misspellings.tsv", "部署\t部署\n", "misspellings.tsv:1", "相同"),
        ("secrecy.tsv", "内部资料\tsevere\n", "secrecy.tsv:1", "严重性"),
        ("allow.tsv", "秘密选举\t说明\t多余\n", "allow.tsv:1", "最多 2 列"),
        ("formulations.tsv", "\t表述\n", "formulations.tsv:1", "词条为空"),
        ("formulations.tsv", "两个维护\t表述\t两个维护\n", "formulations.tsv:1", "可接受的写法与词条相同"),
        ("formulations.tsv", "两个维护\t表述\t维护|维护\n", "formulations.tsv:1", "可接受的写法重复"),
        ("context.tsv", "登陆\t登录\t说明\t网站\n", "context.tsv:1", "“@”"),
        ("context.tsv", "登陆\t登录\t说明\t@(网站\n", "context.tsv:1", "正则表达式"),
        ("secrecy.tsv", "内部资料\terror\t说明\t@\n", "secrecy.tsv:1", "最多 3 列"),
    ],
)
def test_loader_names_file_and_line(tmp_path: Path, name, content, where, problem):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(tmp_path)
    assert info.value.where == where
    assert problem in info.value.problem


def test_loader_rejects_duplicates_unknown_files_and_bad_encoding(tmp_path: Path):
    (tmp_path / "allow.tsv").write_text("秘密选举\n秘密选举\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="重复"):
        load_lexicon(tmp_path)
    (tmp_path / "allow.tsv").write_bytes("秘密选举\n".encode("gbk"))
    with pytest.raises(LexiconError, match="UTF-8"):
        load_lexicon(tmp_path)
    (tmp_path / "allow.tsv").write_text("秘密选举\n", encoding="utf-8")
    (tmp_path / "extra.tsv").write_text("x\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="未知的词库文件"):
        load_lexicon(tmp_path)


def test_accepted_forms_and_context_patterns_are_read(tmp_path: Path):
    (tmp_path / "formulations.tsv").write_text("污染防治攻坚战\t表述\t污染防治攻坚|打好污染防治攻坚战\t某文件\n",
                                               encoding="utf-8")
    (tmp_path / "context.tsv").write_text("做为\t作为\t规范写法为“作为”\t@(?!人民)\n", encoding="utf-8")
    (tmp_path / "allow.tsv").write_text("秘密选举\n", encoding="utf-8")
    lexicon = load_lexicon(tmp_path)
    term = lexicon.of_kind(TermKind.FORMULATION)[0]
    assert term.allowed == ("污染防治攻坚", "打好污染防治攻坚战") and term.reference == "某文件"
    assert lexicon.of_kind(TermKind.CONTEXT)[0].context == "@(?!人民)"
    (tmp_path / "allow.tsv").write_text("污染防治攻坚\n", encoding="utf-8")
    assert load_lexicon(tmp_path)  # another kind may hold the same words
    (tmp_path / "formulations.tsv").write_text("污染防治攻坚战\t表述\t污染防治攻坚\n污染防治攻坚\t表述\n",
                                               encoding="utf-8")
    with pytest.raises(LexiconError, match="重复"):
        load_lexicon(tmp_path)


def test_accepted_forms_and_patterns_only_where_they_mean_something():
    with pytest.raises(LexiconError, match="只有规范表述"):
        make_term("x", "banned", "北朝鲜", "朝鲜", None, "error", allowed=("北韩",))
    with pytest.raises(LexiconError, match="只有语境易混词和禁用词"):
        make_term("x", "formulation", "两个维护", None, None, "error", context="@")


def test_reference_is_not_part_of_the_version_but_accepted_forms_are(lexicon):
    term = lexicon.of_kind(TermKind.FORMULATION)[0]
    others = tuple(t for t in lexicon.terms if t is not term)
    assert Lexicon((*others, replace(term, reference="另一出处"))).version == lexicon.version
    assert Lexicon((*others, replace(term, allowed=(*term.allowed, "另一写法")))).version != lexicon.version


def test_overrides_keep_the_accepted_forms_and_patterns_of_the_file(lexicon):
    edited = lexicon.with_overrides([
        LexiconOverride(kind="formulation", term="污染防治攻坚战", note="改过说明"),
        LexiconOverride(kind="context", term="登陆", correct="登录", severity="warning"),
    ])
    by_term = {t.term: t for t in edited.terms}
    assert by_term["污染防治攻坚战"].allowed == ("污染防治攻坚",) and by_term["污染防治攻坚战"].note == "改过说明"
    assert by_term["登陆"].context == {t.term: t for t in lexicon.terms}["登陆"].context


def test_every_data_file_is_known():
    from lexicon.loader import FILES

    assert {p.name for p in DATA_DIR.glob("*.tsv")} == set(FILES)


def test_categories_follow_kinds(lexicon):
    kinds = {TermKind.BANNED: Category.BANNED, TermKind.FORMULATION: Category.FORMULATION,
             TermKind.TYPO: Category.TYPO, TermKind.SECRECY: Category.SECRECY}
    for t in lexicon.terms:
        if t.kind in kinds:
            assert t.category is kinds[t.kind]


def test_fold_keeps_length_and_maps_width_and_traditional():
    text = "中華人民共和國ＡＢＣ１２３“四个全面”（测试）省(区、市)，ok"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "中华人民共和国ABC123“四个全面”（测试）省（区、市），ok"
    assert fold(folded) == folded
    plain = "为深入贯彻落实党中央、国务院决策部署，现通知如下。"
    assert fold(plain) is plain


def test_squeeze_maps_offsets_back():
    text = "关于北 *朝·鲜\u200b的问题"
    sq = squeeze(fold(text))
    assert sq.text == "关于北朝鲜的问题"
    i = sq.text.index("北朝鲜")
    assert text[sq.orig_start(i) : sq.orig_end(i + 3)] == "北 *朝·鲜"
    assert squeeze_term("“一带一路”倡议") == "一带一路倡议"
    plain = squeeze("没有噪声")
    assert plain.orig_start(2) == 2 and plain.orig_end(4) == 4


def test_squeeze_removes_invisible_characters_and_spaces_of_every_width():
    text = "北\u2009朝\u2062\U000e0041鲜\u202e！"
    sq = squeeze(fold(text))
    assert sq.text == "北朝鲜！" and sq.removed == 4
    assert text[sq.orig_start(0) : sq.orig_end(3)] == "北\u2009朝\u2062\U000e0041鲜"
    assert squeeze("北朝鲜", invisible=False) == squeeze("北朝鲜")
    assert squeeze_term("北\u200b朝鲜") == "北朝鲜" and unhide_term("布\u200b署 ") == "布署 "


def test_unhide_removes_only_invisible_characters_and_maps_offsets_both_ways():
    text = "\ufeff机\u202e密 ★\u200b\u200b10年"
    view = unhide(text)
    assert view.text == "机密 ★10年" and view.removed == 4
    assert [view.orig_start(i) for i in range(len(view.text))] == [1, 3, 4, 5, 8, 9, 10]
    assert view.orig_end(2) == 4 and view.orig_end(len(view.text)) == len(text)
    assert [view.view_start(o) for o in range(len(text) + 1)] == [0, 0, 1, 1, 2, 3, 4, 4, 4, 5, 6, 7]
    assert view.keep(text.upper()) == view.text and view.keep("0123456789A") == "134589A"


def test_fold_tells_whether_the_text_may_hide_characters():
    assert fold_and_detect("中华人民共和国") == ("中华人民共和国", False)
    assert fold_and_detect("中華人民共和國１２３") == ("中华人民共和国123", False)
    assert fold_and_detect("中華\u200b人民") == ("中华\u200b人民", True)
    assert fold_and_detect("扩展汉字𠀀") == ("扩展汉字𠀀", True)  # beyond U+FFFF: looked at closely


def test_unhide_leaves_a_visible_text_alone():
    plain = "没有不可见字符的文本，包括𠀀这样的扩展汉字。"
    view = unhide(plain)
    assert view.text is plain and view.removed == 0
    assert view.orig_start(3) == 3 and view.orig_end(3) == 3 and view.view_start(3) == 3 and view.keep(plain) is plain
    doc = Document.of(plain)
    assert doc.visible.text == doc.folded and doc.span_of_visible(2, 5) == (2, 5)
    hidden = unhide("\u200b\u200b")
    assert (hidden.text, hidden.removed, hidden.view_start(2)) == ("", 2, 0)


def test_exact_matcher_finds_overlapping_terms():
    m = ExactMatcher([("中华人民共和国", "a"), ("共和国", "b"), ("共和国", "c")])
    hits = sorted((h.start, h.end, h.value) for h in m.find("中华人民共和国成立"))
    assert hits == [(0, 7, "a"), (4, 7, "b"), (4, 7, "c")]
    assert ExactMatcher([]).find("任何文本") == []


@pytest.mark.parametrize("term", ["两个维护", "高质量发展", "中华人民共和国", "全过程人民民主", "习近平新时代中国特色社会主义思想"])
def test_pieces_survive_any_single_edit(term):
    k = 2 if len(term) >= 10 else 1
    chunks, variants = pieces(term, k)
    assert all(len(p) >= 2 for _, p in chunks)
    assert all(term[o : o + len(p)] == p for o, p in chunks)
    for variant in variants:
        assert sorted(variant) == sorted(term) and variant != term


def test_pieces_avoid_common_words_when_they_can():
    from lexicon.words import WordIndex

    chunks, _ = pieces("国家统计局", 1, WordIndex.load().piece_cost)
    assert "国家" not in [p for _, p in chunks]


@pytest.mark.parametrize(
    ("window", "distance"),
    [("中华人民共合国", 1), ("中华人民共国", 1), ("中华人民和共国", 1), ("中华人民人共和国", 1), ("中华民共和国", 1)],
)
def test_near_matcher_finds_one_edit_variants(window, distance):
    m = NearMatcher(["中华人民共和国"])
    hits = m.find(f"在{window}的")
    assert any(h.distance == distance and f"在{window}的"[h.start : h.end] == window for h in hits)


def test_near_matcher_never_reports_the_exact_form():
    m = NearMatcher(["中华人民共和国", "两个维护"])
    assert m.find("中华人民共和国成立，做到两个维护。") == []


def test_near_matcher_allows_two_edits_for_long_terms():
    m = NearMatcher(["习近平新时代中国特色社会主义思想"])
    assert m.find("习近平新时代中国特色社会主意思相")
    assert not NearMatcher(["高质量发展"]).find("高品量发扬")


def test_no_two_canonical_or_accepted_forms_match_alike(lexicon):
    forms = [squeeze_term(form) for t in lexicon.of_kind(TermKind.FORMULATION) for form in (t.term, *t.allowed)]
    assert sorted(f for f in set(forms) if forms.count(f) > 1) == []


def test_every_canonical_and_accepted_form_passes_its_own_check(lexicon):
    from checking.check import Checker

    checker = Checker.build(lexicon)
    failures = []
    for t in lexicon.of_kind(TermKind.FORMULATION):
        for form in (t.term, *t.allowed):
            for text in (form, f"坚持{form}。", f"{form}，"):
                failures += [(form, f.rule, f.text) for f in checker.check(text).findings if f.severity is Severity.ERROR]
    assert failures == []


def test_formulations_are_broad_and_sourced(lexicon):
    from lexicon.compiled import EXACT_ONLY_GROUPS

    formulations = lexicon.of_kind(TermKind.FORMULATION)
    assert len(formulations) >= 1500
    # Titles of laws and regulations are protected spans only: each names the list it was taken from.
    titles = [t for t in formulations if t.note in {"行政法规", "地方性法规"}]
    assert len(titles) >= 900 and {"行政法规", "地方性法规"} <= EXACT_ONLY_GROUPS
    assert [t.term for t in titles if not t.reference] == []


ISSUE_FORMULATIONS = (
    "中国式现代化", "全过程人民民主", "新质生产力", "高质量发展", "完整准确全面贯彻新发展理念", "加快构建新发展格局",
    "优化营商环境", "高效办成一件事", "粤港澳大湾区建设", "长三角一体化发展", "京津冀协同发展", "黄河流域生态保护和高质量发展",
    "乡村全面振兴", "健康中国", "平安中国", "法治中国", "美丽中国", "两个确立", "两个维护", "四个意识", "四个自信", "五位一体",
    "四个全面", "三新一高", "统筹发展和安全", "以人民为中心的发展思想", "人类命运共同体", "共建“一带一路”",
    "统筹高质量发展和高水平安全", "构建高水平社会主义市场经济体制", "因地制宜发展新质生产力",
)


def test_strategies_and_slogans_of_2012_to_2025_are_in_the_lexicon_with_a_source(lexicon):
    by_term = {t.term: t for t in lexicon.of_kind(TermKind.FORMULATION)}
    assert [f for f in ISSUE_FORMULATIONS if f not in by_term] == []
    assert [f for f in ISSUE_FORMULATIONS if not by_term[f].reference] == []
    political = [t for t in by_term.values() if t.note in {"表述", "名称"}]
    assert len(political) >= 450 and sum(bool(t.reference) for t in political) >= len(political) - 20


@pytest.mark.parametrize(
    "full, short",
    [("国务院办公厅", "国办"), ("国家发展和改革委员会", "国家发展改革委"), ("住房和城乡建设部", "住房城乡建设部"),
     ("国家市场监督管理总局", "市场监管总局"), ("中国共产党第二十次全国代表大会", "党的二十大"),
     ("全国人民代表大会常务委员会", "全国人大常委会"), ("中共中央宣传部", "中宣部")],
)
def test_organs_carry_their_accepted_short_forms(lexicon, full, short):
    terms = {t.term: t for t in lexicon.of_kind(TermKind.FORMULATION)}
    assert short in terms[full].allowed
    assert short not in terms  # one entry per body: the short form is not a canonical term of its own


def test_short_forms_and_new_formulations_read_clean_and_their_near_misses_are_errors(lexicon):
    from checking.check import Checker

    checker = Checker.build(lexicon)
    clean = ("国办、国家发展改革委、住房城乡建设部、市场监管总局联合印发通知，深入贯彻党的二十大和二十届三中全会精神，"
             "统筹高质量发展和高水平安全，因地制宜发展新质生产力，推进法治中国、平安中国建设。")
    assert [f.text for f in checker.check(clean).findings if f.severity is Severity.ERROR] == []
    for damaged, canonical in (("统筹高质量发展和高水平安会", "统筹高质量发展和高水平安全"),
                               ("构建高水平社会主义市场经挤体制", "构建高水平社会主义市场经济体制"),
                               ("中共中央宣转部", "中共中央宣传部")):
        errors = [f for f in checker.check(f"会议强调，{damaged}。").findings if f.severity is Severity.ERROR]
        assert [(f.rule, f.suggestion) for f in errors] == [("formulation.near-miss", canonical)]


def test_a_term_with_its_own_quotes_is_quoted_with_single_quotes_inside(default_checker):
    # bench/real_text_heldout5.jsonl held5-091 (a 2004 speech as a document site stores it): the
    # closing mark of “三个代表” is 〞 (U+301E); the message must read as one quotation.
    text = "以邓小平理论和“三个代表〞重要思想为指导，紧紧依靠全区人民。"
    [near] = [f for f in default_checker.check(text).findings if f.rule == "formulation.near-miss"]
    assert near.suggestion == "“三个代表”重要思想"
    assert near.message == "疑似规范表述写错：应为“‘三个代表’重要思想”"
