"""Spans the general typo detector must not read as typos: document numbers (发文字号), the
names of people next to their titles and four-character parallel frames (宜粮则粮, 应保尽保).

* 发文字号: an issuing organ's abbreviation, the year in brackets, the number and 号
  (湘办发〔2016〕41号, 国办发[2009]3号, 安政务办发〔2024〕1号). The abbreviation is no word, so the
  detector would "correct" it (发 → 法); the whole number is protected.
* A name heading a counted group of people (授予张国礼等59名同志).
* Datelines: the name of a paper or agency opening a report (星报讯, 新华社北京3月5日电).
* Names: a surname and one or two characters right after a title (部长唐仁健, 副省长王某某) or
  right before one (李强总理, 张三同志, 王某某书记). A given name is no word either.
* Names of firms: the characters before 有限公司, 公司, 集团 or 合作社 (安康金圆旋龙环保科技有限公司,
  宏图佰胜混凝土有限公司): a trade name is no word.
* Transliterated names: the parts of a name joined by a middle dot (努尔买买提·阿布来提,
  马克思·恩格斯); each part is sound written down, not a word.
* Coinages in quotation marks: a short quoted phrase is the name of a campaign, a slogan or a pun on
  a saying that the writer chose (“影忆初心”, “津医卫药”, “谈田说地”, “一键查卡”).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checking.checks.spans import Span
from checking.findings import Finding
from lexicon.doc_numbers import DOC_NUMBER, DOC_NUMBER_OPEN
from lexicon.matchers import ExactMatcher

# Document numbers (lexicon/doc_numbers.py) are found by the bracketed year and number, then widened
# back over the issuing organ's characters; so are numbers whose brackets are broken (柳政规〔20257号
# for 柳政规〔2025〕7号): the organ before them is no typo either (a formatting slip, not a wrong character).
MAX_ORGAN = 12
# Titles of officials and the forms of address used for them in official text.
TITLES = (
    "总书记 主席 副主席 委员长 副委员长 总理 副总理 国务委员 部长 副部长 主任 副主任 书记 副书记 "
    "省长 副省长 市长 副市长 县长 副县长 区长 副区长 州长 副州长 镇长 副镇长 乡长 副乡长 厅长 副厅长 "
    "局长 副局长 处长 副处长 科长 副科长 院长 副院长 校长 副校长 秘书长 副秘书长 检察长 庭长 所长 "
    "站长 队长 组长 副组长 主委 常委 委员 巡视员 调研员 董事长 总经理 政委 司令员 同志 代表 先生 女士 "
    "股长 副股长 场长 副场长 厂长 副厂长 行长 副行长 社长 副社长 馆长 副馆长 团长 副团长 会长 副会长 理事长 副理事长 "
    "台长 副台长 村长 总监 "
    # bylines of published reports and the people named in them
    "记者 通讯员 编辑 责编 审核 终审 编审 监制 撰稿 供稿 摄影 主持人 发言人 "
    "劳模 职工 村民 烈士 军属 老兵 网格员 护林员 志愿者 第一书记 辅警 民警 法官 检察官 律师 领导"
).split()
_TITLES = ExactMatcher((title, title) for title in TITLES)
NAME_ENDERS = frozenset("出主在到和与及等为的了是对向从将就同说指表会作讲率带赴")
# Between a title and a name (编审:程小年), and between the names of a list (陈社教、楼伟成 / 江国成 崔文毅).
TITLE_GAP = frozenset("、，,:：")
LIST_GAP = frozenset("、， \u3000")
NAMES_BEFORE_GAP = "、 \u3000"  # between names listed before their title (not a comma: a clause may end there)
# A byline in brackets closing a report: (刘盛林), (江国成 崔文毅), (记者 戚帅华).
HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
BYLINE = re.compile(r"[（(]((?:记者|通讯员|供稿|撰稿)?\s*[\u4e00-\u9fff]{2,4}(?:[ \u3000、][\u4e00-\u9fff]{2,4}){0,3})[）)]")


# A short quoted phrase: four to eight characters between quotation marks (curly, corner or straight).
# Shorter ones are read: a slogan of two or three characters mistyped (“三侬” for “三农”) is no pun.
QUOTED_COINAGE = re.compile(r"[“‘「『\"]([\u4e00-\u9fff·]{4,8})[”’」』\"]")

# The parts of a transliterated name, joined by a middle dot (of any of its code points).
TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[·•‧・･][\u4e00-\u9fff]{1,6})+")

# A name heading a counted group (授予张国礼等59名同志, 肖颖等16人).
COUNTED_GROUP = re.compile(r"等\s*[0-9０-９一二三四五六七八九十百千]+\s*[名人位]")

# The dateline opening a news report, on a line of its own start: 本报讯, 星报讯 (新安晚报), 中国江苏网讯,
# 新华社北京3月5日电; the paper's or agency's short name is no word.
DATELINE = re.compile(r"(?m)^[ \t\u3000]*([\u4e00-\u9fff]{1,10}讯|[\u4e00-\u9fff]{2,12}(?:\d{1,2}月\d{1,2}日)?电)"
                      r"(?=[ \t\u3000（(【]|$)")

# Four-character parallel constructions of official text with a repeated character: 宜粮则粮,
# 应保尽保, 能快则快, 应收尽收. The repetition is the evidence that the writer meant it; a typo
# breaks it. Only these frames: a repeat alone is no evidence (建立建全 is a typo of 建立健全).
PARALLEL = re.compile(r"[宜应能可该]([\u4e00-\u9fff])[则尽就]\1")
# A measure word or noun doubled after 一 (一袋袋, 一个个, 一排排): "each one of many", written on purpose.
ONE_BY_ONE = re.compile(r"一([\u4e00-\u9fff])\1")


# The kind of body ending a firm's name, and how far back its trade name and trade may reach.
FIRM = re.compile(r"(?:股份)?有限(?:责任)?公司|公司|集团|合作社")
MAX_FIRM_NAME = 10

SEPARATOR = re.compile(r"[、，,；;]")
LISTED_PLACE_KINDS = frozenset("省市县区乡镇村街岛湖山")


def parallel_phrases(text: str) -> list[Span]:
    """Four-character frames 宜X则X, 应X尽X, 能X则X … (the same X twice), neighbouring items of a list
    built on one frame, and a word doubled after 一 (一袋袋新鲜的茄子). Items are the two to five
    characters on each side of a separator, of the same length: when they share their first character,
    and for four characters their third too, the items are protected whole (逢车必查、逢违必处;
    宜业、宜居、宜乐、宜游); otherwise the characters they share at the same place after a place where
    they differ, one of them bounded by a separator on its far side (展现新气象、勇担新作为; 建久安之势、
    成长治之业), and with them a first character repeating the last one before the separator (有案必立、
    立案必查). The shared frame is the writer's own evidence; a repeat inside one phrase is not (建立建全
    is a typo of 建立健全), nor a shared opening verb (加强教育、加强管里). Names of one kind of place
    listed side by side (河溪镇、西胪镇、关埠镇) are protected whole: names are no words of the dictionary."""
    spans = [m.span() for m in PARALLEL.finditer(text)] + [m.span() for m in ONE_BY_ONE.finditer(text)]
    for m in SEPARATOR.finditer(text):
        sep = m.start()
        for k in (4, 3):  # names of one kind of place in a list (河溪镇、西胪镇): whole names
            items = _items_around(text, sep, k)
            if items and items[0][-1] == items[1][-1] and items[0][-1] in LISTED_PLACE_KINDS:
                spans += [(sep - k, sep), (sep + 1, sep + 1 + k)]
        for k in (5, 4, 3, 2):
            items = _items_around(text, sep, k)
            if items is None:
                continue
            left, right = items
            if k < 5 and left[0] == right[0] and (k < 4 or left[2] == right[2]):
                spans += [(sep - k, sep), (sep + 1, sep + 1 + k)]
                break
            differs = next(i for i in range(k) if left[i] != right[i]) if left != right else k
            framed = [i for i in range(differs + 1, k) if left[i] == right[i]]
            bounded = (sep - k - 1 >= 0 and SEPARATOR.match(text, sep - k - 1) is not None) or \
                SEPARATOR.match(text, sep + 1 + k) is not None  # an item, not a window across words
            if k >= 3 and framed and bounded:
                spans += [(sep - k + i, sep - k + i + 1) for i in framed] + [(sep + 1 + i, sep + 2 + i) for i in framed]
                if right[0] == left[-1]:
                    spans.append((sep + 1, sep + 2))
                break
    return sorted(set(spans))


def _items_around(text: str, sep: int, k: int) -> tuple[str, str] | None:
    """The ``k`` Chinese characters on each side of the separator at ``sep``, if both sides have them."""
    left, right = text[max(0, sep - k) : sep], text[sep + 1 : sep + 1 + k]
    if len(left) == len(right) == k and all("\u4e00" <= c <= "\u9fff" for c in left + right):
        return left, right
    return None


def counted_names(text: str, surnames: frozenset[str]) -> list[Span]:
    """The name (surname of ``surnames`` + one or two characters) right before 等 and a count of people."""
    spans = []
    for m in COUNTED_GROUP.finditer(text):
        span = _name_before(text, m.start(), surnames)
        if span is not None:
            spans.append(span)
    return spans


def firm_names(text: str) -> list[Span]:
    spans = []
    for m in FIRM.finditer(text):
        start = m.start()
        while start > 0 and m.start() - start < MAX_FIRM_NAME and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if start < m.start():
            spans.append((start, m.end()))
    return spans


def quoted_coinages(text: str) -> list[Span]:
    return [m.span(1) for m in QUOTED_COINAGE.finditer(text)]


def transliterated_names(text: str) -> list[Span]:
    return [m.span() for m in TRANSLITERATED.finditer(text)]


def datelines(text: str) -> list[Span]:
    return [m.span(1) for m in DATELINE.finditer(text)]


def document_numbers(text: str) -> list[Span]:
    spans = []
    whole = list(DOC_NUMBER.finditer(text))
    starts = {m.start() for m in whole}
    for m in whole + [m for m in DOC_NUMBER_OPEN.finditer(text) if m.start() not in starts]:
        start = m.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        organ = start
        while organ > 0 and start - organ < MAX_ORGAN and "\u4e00" <= text[organ - 1] <= "\u9fff":
            organ -= 1
        if organ < start:
            spans.append((organ, m.end()))
    return spans


def titles(text: str) -> list[Span]:
    """The titles of officials as written: right, not typos (副场长 is no 市场长)."""
    return [(end_index + 1 - length, end_index + 1) for end_index, (length, _) in _TITLES.iter(text)]


def person_names(text: str, surnames: frozenset[str], title_spans: Sequence[Span] | None = None) -> list[Span]:
    """Likely names of people next to a title: surname (of ``surnames``: the typo model's table,
    lexicon/data/typo/surnames.tsv) + one or two characters (a character that usually follows a name, such
    as 出 of 出席, ends it early); the names listed after the first (市委常委陈社教、楼伟成、曹迎春;
    编审:程小年 童志勇); and a byline in brackets closing a report ((江国成 崔文毅)). ``title_spans``:
    :func:`titles` of ``text``, when already found."""
    spans: list[Span] = []
    for start, end in titles(text) if title_spans is None else title_spans:
        after = end
        while after < len(text) and after < end + 2 and text[after] in TITLE_GAP | {" "}:
            after += 1
        span = _name_at(text, after, surnames)
        if span is None:  # a rarer surname opening a list of names (县领导缑泽昆、雷泉明)
            item = _list_item(text, after)
            span = item if item is not None and text[item[1] : item[1] + 1] == "、" else None
        while span is not None:
            spans.append(span)
            gap = span[1]
            while gap < len(text) and gap < span[1] + 2 and text[gap] in LIST_GAP:
                gap += 1
            if gap > span[1]:
                span = _name_at(text, gap, surnames) or _list_item(text, gap)
            elif span[1] - span[0] == 3 and text[gap : gap + 1] in surnames:
                span = _name_at(text, gap, surnames)  # two names run together in a byline (记者廖明山吴梓昊)
            else:
                span = None
        before = _name_before(text, _back_over(text, start, " \u3000"), surnames)
        while before is not None:  # and the names listed before it (陆婷婷 陈嘉 记者, 张三、李四同志)
            spans.append(before)
            gap = _back_over(text, before[0], NAMES_BEFORE_GAP)
            before = _name_before(text, gap, surnames) if gap < before[0] else None
    for m in BYLINE.finditer(text):
        for part in HAN_NAME.finditer(m.group(1)):
            name = part.group()
            if name[:1] in surnames or name[:2] in surnames:
                spans.append((m.start(1) + part.start(), m.start(1) + part.end()))
    return spans


# A list of four or more names with no title before it (会上在座的还有陈玲芳、何国英、俞仲兴、孙海荣…):
# items of two or three characters between 、, nearly all opening with a surname.
NAME_LIST = re.compile(r"[\u4e00-\u9fff]{2,3}(?:、[\u4e00-\u9fff]{2,3}){3,}")
MIN_LISTED = 4
SURNAME_SHARE = 0.8  # of the items after the first, opening with a common surname (宣, 楼, 竺 are not common)


def listed_names(text: str, common: frozenset[str]) -> list[Span]:
    """The items of a list of at least four people's names without a title: items of two or three
    Chinese characters between 、, four in five after the first opening with a common surname
    (``common``: those marked common in lexicon/data/typo/surnames.tsv) (the
    first may carry the character before it: 还有王伟、… is read from 王). A list of terms rarely
    opens its items with surnames; the few that do (高质量、…) lose only the typo guess on their items."""
    spans: list[Span] = []
    for m in NAME_LIST.finditer(text):
        items, start = [], m.start()
        for item in m.group().split("、"):
            items.append((start, start + len(item)))
            start += len(item) + 1
        if sum(_opens_with_surname(text[a:b], common) for a, b in items[1:]) < SURNAME_SHARE * (len(items) - 1):
            continue
        first_start, first_end = items[0]
        if not _opens_with_surname(text[first_start:first_end], common):
            first_start += 1
            if first_end - first_start < 2 or not _opens_with_surname(text[first_start:first_end], common):
                items = items[1:]
            else:
                items[0] = (first_start, first_end)
        last_start, last_end = items[-1]
        if last_end - last_start == 3 and text[last_end - 1] in NAME_ENDERS:  # 赵祥等, 刘四出(席)
            items[-1] = (last_start, last_end - 1)
        if len(items) >= MIN_LISTED:
            spans += items
    return spans


def _opens_with_surname(item: str, surnames: frozenset[str]) -> bool:
    return item[:1] in surnames or item[:2] in surnames


def _list_item(text: str, start: int) -> Span | None:
    """An item of two or three Chinese characters in a list of names, whatever its surname:
    it ends at a list separator, at the end of the Chinese text or before a character that usually
    follows a name (楼伟成、曹迎春 … 出席)."""
    end = start
    while end < len(text) and end - start < 3 and "\u4e00" <= text[end] <= "\u9fff":
        end += 1
    if end - start < 2:
        return None
    nxt = text[end : end + 1]
    if nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in NAME_ENDERS:
        return None
    return (start, end)


def _back_over(text: str, at: int, gap: str, most: int = 2) -> int:
    """``at`` moved back over at most ``most`` characters of ``gap``."""
    start = at
    while start > 0 and at - start < most and text[start - 1] in gap:
        start -= 1
    return start


def _name_before(text: str, title_start: int, surnames: frozenset[str]) -> Span | None:
    """The name (surname + one or two characters) that ends where a title starts (李强总理)."""
    for size in (3, 2):
        start = title_start - size
        if start < 0 or not all("\u4e00" <= ch <= "\u9fff" for ch in text[start:title_start]):
            continue
        surname = 2 if text[start : start + 2] in surnames else 1
        if text[start : start + surname] in surnames and title_start > start + surname:
            return (start, title_start)
    return None


def _name_at(text: str, start: int, surnames: frozenset[str]) -> Span | None:
    surname = 2 if text[start : start + 2] in surnames else 1
    if text[start : start + surname] not in surnames:
        return None
    end = start + surname
    for _ in range(2):
        if end < len(text) and "\u4e00" <= text[end] <= "\u9fff" and text[end] not in NAME_ENDERS:
            end += 1
        else:
            break
    return (start, end) if end > start + surname else None


HAN = re.compile(r"[\u4e00-\u9fff]+")


def spare_repeated(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """Drop general-typo findings whose written form recurs in the same text: a slip of the keyboard
    is not repeated word for word, while a term of the trade, a name or a place is (醉驾 in every
    paragraph of a notice on drink driving, a chairman's name at each turn of the minutes). The
    written form is the flagged characters, or a flagged single character with either neighbour."""
    kept = []
    for f in findings:
        if f.end - f.start >= 2:
            forms = [text[f.start : f.end]]
        else:
            forms = [text[max(0, f.start - 1) : f.end], text[f.start : f.end + 1]]
        if any(len(form) >= 2 and HAN.fullmatch(form) and text.count(form) >= 2 for form in forms):
            continue
        kept.append(f)
    return kept
