"""The phrase shield of the general typo detector (lexicon/typo_phrases.py): pure rules, and what
they change in the full pass on sentences of published text (sources given with each) and on
sentences with typos, which must still be found."""

from __future__ import annotations

import math

import pytest

from checking.checks.typo_general import RULE
from checking.checks.typo_shields import document_numbers
from lexicon.typo_model import TypoModel
from lexicon.typo_phrases import (
    ATTESTED,
    FRAME,
    PLACE_END_MARGIN,
    REPEAT_MARGIN,
    SWAP_MARGIN,
    UNSEEN,
    attested_phrase,
    before_feature,
    function_swap,
    function_words,
    in_numbered_frame,
    in_repeated_frame,
    phrase_margin,
    reads_as_seen_words,
    replaces_place_end,
)


def likely(checker, text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in checker.check(text).findings if f.rule == RULE]


@pytest.fixture(scope="module")
def model() -> TypoModel:
    return TypoModel.load()


def test_an_attested_phrase_covers_every_changed_character():
    corpus = {"私搭乱建": math.log1p(1841), "缉枪治爆": math.log1p(433), "乱建": 9.0, "罕见词组": 1.0}
    run = "电器使用存在私搭乱建等安全隐患问题"
    at = run.index("私搭")
    assert attested_phrase(run, at, at + 2, corpus) == "私搭乱建"
    assert attested_phrase("缉枪治爆等专项行动", 1, 3, corpus) == "缉枪治爆"
    # two characters only are no phrase; a phrase seen rarely is no evidence
    assert attested_phrase("乱建", 0, 1, corpus) is None
    assert attested_phrase("罕见词组", 1, 2, corpus) is None
    # the phrase must cover all the changed characters
    assert attested_phrase("私搭乱建", 0, 2, {"搭乱建": 9.0}) is None


def test_numbered_frames():
    # https://mw.jl.gov.cn/sjb/xwzx/dfdt/202601/t20260126_9406615.html (held-099)
    assert in_numbered_frame("铸牢中华民族共同体意识三共四同", 12, 14)
    assert in_numbered_frame("两学一做", 1, 2)
    assert not in_numbered_frame("推动经济发展", 2, 3)
    assert not in_numbered_frame("一个重要的", 1, 2)  # one numeral is no frame


def test_repeated_frames_end_a_phrase_and_spare_the_repeat_itself():
    # http://sanjinmedia.com/lvliangall/jujiaoquxian/2020-02-28/12679.html (names-005)
    assert in_repeated_frame("持续开展扶志扶德", 5, 7)
    assert in_repeated_frame("违规动火动焊", 3, 4)  # http://admin.caiyes.cn/thread-742263-1-1.html (held-065)
    assert in_repeated_frame("一是深学细学", 4, 5)  # X A Y A
    # the repeated character itself changed: 建立建全 is a typo of 建立健全
    assert not in_repeated_frame("建立建全", 2, 3)
    # words sharing a character inside a longer run are no frame (行业/企业: ECSpell's 起业)
    assert not in_repeated_frame("部分行业起业纳税", 4, 5)
    # grammar repeats are no frame
    assert not in_repeated_frame("我的书的", 1, 2)


def test_function_words_come_from_the_dictionary_tags():
    entries = [("主要", 57991, "b"), ("之间", 25306, "f"), ("以及", 30775, "c"), ("会议", 28363, "n"), ("的", 1, "uj")]
    assert function_words(entries) == frozenset({"主要", "之间", "以及"})
    functions = function_words(entries)
    assert function_swap(0, 2, "主要", functions)  # 注药 → 主要: two characters changed
    assert not function_swap(0, 1, "主要", functions)  # one character is a typo's size
    assert not function_swap(0, 2, "会议", functions)  # 悔意 → 会议 stays


def test_a_new_word_replacing_a_place_suffix():
    # http://gansu.gscn.com.cn/system/2016/03/14/011289329.shtml (held4-086): 官坊乡 → 官方向
    assert replaces_place_end("为官坊乡河滩小学", 2, 4, 2, "方向")
    # http://www.gcfd.cn/politicsNews/detail/5000716760?columnId=4503 (held4-098): 在丰市 → 丰富
    assert replaces_place_end("在丰市六届人大代表", 2, 3, 1, "丰富")
    assert not replaces_place_end("推进城市建设", 2, 3, 2, "成事")  # the suffix is not the new word's end
    assert not replaces_place_end("市场", 0, 1, 0, "是")  # nothing written before it


def test_before_a_natural_feature():
    # https://www.huoqiu.gov.cn/public/6601741/37419927.html (held3-001)
    assert before_feature("曹墩村九井水库", 5)
    assert not before_feature("有限公司东湖绿道", 4)  # another name, not this one's suffix


def test_seen_words_of_two_or_more_characters():
    corpus = {"欢度": 7.8, "佳节": 8.7, "广大": 9.0}
    assert reads_as_seen_words("欢度佳节", corpus)
    assert not reads_as_seen_words("广大千群", corpus)  # 千群 is no word: the typo of 广大干群
    assert not reads_as_seen_words("欢度佳", corpus)  # a character left over


def test_the_margin_is_that_of_the_rule_met(model):
    corpus, functions = model.corpus, model.function_words
    assert phrase_margin("三共四同", 1, 3, 1, "公司", corpus, functions) == FRAME
    assert phrase_margin("持续开展扶志扶德", 5, 7, 5, "支付", corpus, functions) == REPEAT_MARGIN
    assert phrase_margin("存在私搭乱建", 2, 4, 2, "四大", corpus, functions) == ATTESTED
    # tune2-047, http://m.xjwk.net/gongzuofanwen/119497.html (industrial parks 西滩、砂井子、甜水)
    assert phrase_margin("西滩砂井子甜水", 2, 3, 2, "沙井子", corpus, functions) == UNSEEN
    # a four-character word the corpus split is no evidence: 油腔滑调 is a right correction
    assert phrase_margin("别被油腔家调", 4, 5, 2, "油腔滑调", corpus, functions) == 0.0
    # … unless what is written reads as seen words itself: 欢度 and 佳节 (held8-022)
    assert phrase_margin("护航群众欢度佳节", 5, 6, 4, "欢渡佳节", corpus, functions) == UNSEEN
    assert phrase_margin("采取打孔注药", 4, 6, 4, "主要", corpus, functions) == SWAP_MARGIN
    assert phrase_margin("为官坊乡河滩", 2, 4, 2, "方向", corpus, functions) == PLACE_END_MARGIN
    assert phrase_margin("推动经济发暂", 5, 6, 4, "发展", corpus, functions) == 0.0


@pytest.mark.parametrize(
    "text",
    [
        # http://mingshan.gov.cn/xwzx/msyw/content_605054 (held4-016)
        "畅通、未安装燃气报警器、电器使用存在私搭乱建等安全隐患问题,并在现场",
        # http://wcrd.wuchang.gov.cn/zyfb/003004/20260119/198d95b1-e4a4-492f-bb88-c91850728ef2.html (tune2-075)
        "积极参与打击治理毒品、缉枪治爆等专项行动,依法审结毒品",
        "一步优化升级铸牢中华民族共同体意识“三共四同”互嵌式社区、教育先行校",  # held-099
        "支撑、持续抓好问题整改工作、持续开展扶志扶德、持续化解脱贫攻坚矛盾,",  # names-005
        # http://lyj.xianning.gov.cn/zwdt/lyyw/202504/t20250410_3964460.shtml (held4-077)
        "树种等更新措施;对中度发生区采取打孔注药、诱捕防控等综合手段,逐步恢",
        # http://www.fymate.net/html/text/lar/168294/16829424_3.html (held4-046)
        "征兵体格检查实行医务人员岗位责任制和主检医生负责制。医务人员应当严格",
        # http://nyncj.xiangyang.gov.cn/nygl/202501/t20250110_3743798.shtml (tune3-022)
        "将建成集中连片、旱涝保收、能排能灌、宜机作业、环境友好、高产高效的高",
        "乐之声·我要上学”助学资助项目,为官坊乡河滩小学50名贫困留守儿童申",  # held4-086
        "委章烈等参加视察或座谈会。\n当天,在丰市六届人大代表先后前往镇江工业",  # held4-098
        "一)型)、马南园村幸福塘水库、曹墩村九井水库、张老园村牌坊水库,张老",  # held3-001
        "三流乡位于城东湖西岸、紧邻汲河,全乡总面积110平方公里,",  # held3-000
        # https://yinghuadm8.com/content/2026/1037150.html (held8-022): 欢度 and 佳节, not 欢渡佳节
        "度打击非法寄递行为,筑牢寄递渠道安全防线,护航群众欢度佳节。",
        # http://www.liucheng.gov.cn/bmxzjy/wjlxxgk/202512/t20251208_3699695.shtml (held4-044)
        "市人民政府关于划定秸秆禁烧区的通告(柳政规〔20257号)》,我镇农",
        # coinages in quotation marks: a campaign's name, a pun on a saying, a service's name
        # https://www.mnr.gov.cn/dt/ywbb/202506/t20250618_2885809.html (held10-109)
        "组织中央媒体进行主题采访,同步开展“谈田说地”系列直播和耕地保护进万村等全国",
        # http://pc.cmrnn.com.cn/shtml/zggsb/20240117/105838.html (held9-092)
        "是否生产、销售“三无”产品,是否售卖“笔里藏刀”“包中有毒”产品等。",
        # https://www.hubin.gov.cn/25114/617166144/2049169.html (held7-015)
        "区直工委联合妇青支部等打造“影忆初心”活动,区文化旅游局组织活动",
    ],
)
def test_published_phrases_are_not_taken_for_typos(default_checker, text):
    assert likely(default_checker, text) == []


@pytest.mark.parametrize(
    ("text", "flagged", "suggestion"),
    [
        ("市政府要建立建全相关工作机制。", "建", "健"),  # the repeat is the typo
        ("完善多捞多得、技高者多得的分配制度。", "捞", "劳"),  # a typo in a frame still stands out
        ("由市环境保户部门牵头。", "户", "护"),
        ("着力解决好“三侬”问题。", "侬", "农"),  # a quoted slogan of fewer than four characters is read
        ("进一步加强环境保户，推动“绿色发展”。", "户", "护"),  # a quotation elsewhere shields nothing else
    ],
)
def test_typos_are_still_found(default_checker, text, flagged, suggestion):
    assert (flagged, suggestion) in likely(default_checker, text)


def test_a_document_number_with_a_broken_bracket_is_found_whole():
    text = "关于划定秸秆禁烧区的通告(柳政规〔20257号)"
    assert [text[a:b] for a, b in document_numbers(text)] == ["柳政规〔20257号"]
    # a whole number is found once
    text = "根据《通知》（湘办发〔2016〕41号）要求"
    assert [text[a:b] for a, b in document_numbers(text)] == ["湘办发〔2016〕41号"]
