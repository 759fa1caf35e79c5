"""`number`: the testable rules of GB/T 15835-2011 (docs/domain.md §4)."""

from __future__ import annotations

import re

from checking.checks.spans import SpanSet, finding, is_han
from checking.findings import Category, Finding, Severity
from lexicon.doc_numbers import DOC_NUMBER_OPEN

CN = "〇零一二三四五六七八九"
CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CN_DAY = "一二三四五六七八九十"
DIGITS = "0123456789"
# Every pattern starts with a literal or a rare character class, so the engine scans fast; the
# digits in front are checked by ``_run_before``. The text is folded (ASCII digits).
# Two digits and 年 before a month or a part of the year: 25年3月, 25年底, 25年上半年 (not 25年前, 25年初步).
YEAR_MONTH = re.compile(r"年(?=[0-9]{1,2}月|底|末|初(?!步|心|衷)|[上下]半年|第?[一二三四]季度)")
DECADE = re.compile(r"0年代")
YI_WAN = re.compile(r"亿([0-9]{1,4})万")
QIAN = re.compile(f"([亿万])([0-9两{CN[1:]}])千(?:([0-9{CN[1:]}])百)?(万)?")
MONTH_CN = re.compile(f"年[{CN_DAY}]{{1,3}}月")
MONTH_ARABIC = re.compile(r"年[0-9]{1,2}月")
DAY_CN = re.compile(f"月[{CN_DAY}]{{1,3}}日")
DAY_ARABIC = re.compile(r"月[0-9]{1,2}日")
# Dates that lost a 年 or 月 (20105月, 2018724日, 2018年724日).
NO_MARKS = re.compile(r"[12][0-9]{4,7}[月日](?!元)")  # 20105月 lost its 年; 2018724日 its 年 and 月
NO_MONTH_MARK = re.compile(r"年[0-9]{3,4}日(?!元)")
# 十, 百 or 千 written after Arabic digits as a place of the same number (5千余人, 1百多名); not a unit
# (千米, 千克, 千公顷, 百帕), a percentage (百分点) or a label after a year (2019十大新闻, 2024百日行动).
PLACE = re.compile(r"[十百千](?![米克瓦伏帕焦卡兆赫公分大佳强优日])")
PLACE_VALUE = {"十": 10, "百": 100, "千": 1000}
SPACES = " \t\u3000\u00a0"
SPACED_DIGIT = re.compile(f"[0-9][{SPACES}]+[0-9]")  # found fast, then widened to the whole number
DIGIT_GROUPS = re.compile(f"[0-9]+(?:[{SPACES}]+[0-9]+)*")
DECIMALS = re.compile(r"\.[0-9]+")
LABELS = ("表", "图", "第", "附件", "附表", "序号")  # 表1 2024年…: a label's number, then another number

RULE_YEAR = "number.abbreviated-year"
RULE_MIXED = "number.mixed-units"
RULE_PLACE = "number.mixed-numerals"
RULE_DATE = "number.mixed-date"
RULE_BAD_DATE = "number.malformed-date"
RULE_SPACE = "number.space-inside"
RULE_DOC_NUMBER = "number.malformed-doc-number"


def check(text: str, protected: SpanSet) -> list[Finding]:
    out: list[Finding] = []

    def add(rule: str, start: int, end: int, suggestion: str | None, message: str) -> None:
        if not protected.touches(start, end):
            out.append(finding(text, rule, Category.NUMBER, Severity.WARNING, start, end, suggestion, message))

    for m in YEAR_MONTH.finditer(text):
        start = _run_before(text, m.start(), DIGITS, 2, 2, not_after=DIGITS + ".-/'’")
        if start >= 0:
            yy = int(text[start : m.start()])
            add(RULE_YEAR, start, m.end(), f"{1900 + yy if yy >= 50 else 2000 + yy}年", "年份不应简写，应写全四位")
    for m in DECADE.finditer(text):
        start = _run_before(text, m.start(), DIGITS, 1, 1, not_after=DIGITS + ".-/")
        if start >= 0 and text[max(0, start - 2) : start] != "世纪":
            add(RULE_YEAR, start, m.end(), f"20世纪{text[start]}0年代", "年代不应简写，应写明世纪（如“20世纪90年代”）")
    for m in YI_WAN.finditer(text):
        start = _run_before(text, m.start(), DIGITS, 1, 12, not_after=".")
        if start >= 0:
            value = int(text[start : m.start()]) + int(m.group(1)) / 10000
            add(RULE_MIXED, start, m.end(), f"{value:g}亿", "数值不应以“亿”“万”混合表示，应写作一个单位")
    # Patterns that need a character the text lacks are not scanned for (found faster).
    for m in QIAN.finditer(text) if "千" in text else ():
        start = _run_before(text, m.start(), DIGITS, 1, 12, not_after=".")
        if start >= 0:
            add(RULE_MIXED, start, m.end(), _qian_suggestion(int(text[start : m.start()]), m),
                "阿拉伯数字与汉字数字或多个数量单位不应混用")
    for m in PLACE.finditer(text) if any(c in text for c in PLACE_VALUE) else ():
        _digits_before_place(text, m, add)
    for pattern, before, size in ((MONTH_CN, DIGITS, 4), (MONTH_ARABIC, CN, 4), (DAY_CN, DIGITS, 0), (DAY_ARABIC, CN_DAY, 0)):
        for m in pattern.finditer(text):
            low, high = (size, size) if size else (1, 3)
            start = _run_before(text, m.start(), before, low, high, not_after=DIGITS + CN + "十")
            if start >= 0:
                add(RULE_DATE, start, m.end(), None, "同一日期中阿拉伯数字与汉字数字不应混用")
    _malformed_dates(text, add)
    _open_doc_years(text, add)
    done = 0
    for m in SPACED_DIGIT.finditer(text) if any(c in text for c in SPACES) else ():
        if m.start() < done:
            continue
        start = m.start()
        while start > 0 and text[start - 1] in DIGITS:
            start -= 1
        end = done = DIGIT_GROUPS.match(text, start).end()
        groups = text[start:end].split()
        grouped = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])  # 1 234 567: thousands
        decimals = DECIMALS.match(text, end)  # 1 2.5%: the number goes on
        at = decimals.end() if decimals else end
        after = text[at : at + 1]
        if grouped or _before_is_label(text, start) or not (after == "%" or is_han(after)):
            continue
        if not _after_latin(text, start):
            add(RULE_SPACE, start, end, "".join(groups), "数字中间不应有空格")
    return out


def _digits_before_place(text: str, m: re.Match, add) -> None:
    """5千余人 for 5000余人, 12百万 for 1200万: Arabic and Chinese numerals mixed in one number,
    where only 万 and 亿 may follow Arabic digits. Digits that end in as many zeros as the place has
    (500百余份, 1000千) wrote the place twice over: no suggestion."""
    start = _run_before(text, m.start(), DIGITS + ".", 1, 12)
    digits = text[start : m.start()] if start >= 0 else ""
    if not digits or not digits[0].isdigit() or digits.endswith(".") or digits.count(".") > 1:
        return
    year = len(digits) == 4 and digits[:2] in ("19", "20")
    if year or _after_latin(text, start) or (start and text[start - 1] in "万亿"):
        return  # a year before a label, a model number, or 万5千 (the mixed units above)
    place = PLACE_VALUE[m.group()]
    if "." not in digits and int(digits) % place == 0:
        add(RULE_PLACE, start, m.end(), None, f"“{digits}”后又写“{m.group()}”，疑为数位重复，请核对数值")
        return
    whole, _, fraction = digits.partition(".")
    value = int(whole + fraction) * place
    places = len(fraction)
    if value % 10**places:
        return  # 1.25十: no whole number to suggest, and no one writes it
    add(RULE_PLACE, start, m.end(), str(value // 10**places),
        "同一数值中阿拉伯数字与汉字数字不应混用（只有“万”“亿”可与阿拉伯数字连用）")


def _malformed_dates(text: str, add) -> None:
    for m in NO_MARKS.finditer(text):
        year, rest, mark = m.group()[:4], m.group()[4:-1], m.group()[-1]
        if _digit_before(text, m.start()) or not _year(year):
            continue
        if mark == "月" and len(rest) <= 2 and 1 <= int(rest) <= 12:
            add(RULE_BAD_DATE, m.start(), m.end(), f"{year}年{int(rest)}月", "日期缺少“年”")
        elif mark == "日" and len(rest) >= 2 and (days := _month_days(rest)):
            add(RULE_BAD_DATE, m.start(), m.end(), f"{year}年{days[0]}" if len(days) == 1 else None,
                "日期缺少“年”“月”")
    for m in NO_MONTH_MARK.finditer(text):
        days = _month_days(m.group()[1:-1])
        if days:
            add(RULE_BAD_DATE, m.start() + 1, m.end(), days[0] if len(days) == 1 else None, "日期缺少“月”")


def _open_doc_years(text: str, add) -> None:
    """The year of a 发文字号 opened by 〔 and never closed (柳政规〔20257号 for 柳政规〔2025〕7号)."""
    for m in DOC_NUMBER_OPEN.finditer(text) if "〔" in text else ():
        year, number = m.group("year"), m.group("number")
        if m.group("closed") is not None or not year.isascii():
            continue
        if number:
            add(RULE_DOC_NUMBER, m.start(), m.end("number"), f"〔{year}〕{number}", "发文字号的年份缺右括号“〕”")
        else:
            add(RULE_DOC_NUMBER, m.start(), m.end("year"), None, "发文字号的年份应以六角括号“〔〕”括全")


def _month_days(digits: str) -> list[str]:
    """The readings of ``digits`` as a month and a day (724: 7月24日; 111: 1月11日 or 11月1日)."""
    readings = []
    for cut in (1, 2):
        month, day = digits[:cut], digits[cut:]
        if 1 <= len(day) <= 2 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            readings.append(f"{int(month)}月{int(day)}日")
    return readings


def _year(digits: str) -> bool:
    return 1900 <= int(digits) <= 2099


def _digit_before(text: str, at: int) -> bool:
    return at > 0 and text[at - 1].isdigit()


def _after_latin(text: str, at: int) -> bool:
    """A Latin word or number, perhaps with spaces, stands before ``at`` (Windows 10 2024年)."""
    while at > 0 and text[at - 1] in SPACES:
        at -= 1
    return at > 0 and text[at - 1].isascii() and text[at - 1].isalnum()


def _before_is_label(text: str, at: int) -> bool:
    return any(text[max(0, at - len(label)) : at] == label for label in LABELS)


def _run_before(text: str, end: int, chars: str, low: int, high: int, not_after: str = "") -> int:
    """Start of a run of ``low``–``high`` characters from ``chars`` ending at ``end`` (or -1)."""
    start = end
    while start > 0 and end - start < high and text[start - 1] in chars:
        start -= 1
    if end - start < low or (start > 0 and text[start - 1] in chars) or (start > 0 and text[start - 1] in not_after):
        return -1
    return start


def _digit(c: str | None) -> int:
    if not c:
        return 0
    return int(c) if c.isdigit() else CN_VALUE[c]


def _qian_suggestion(whole: int, m: re.Match) -> str | None:
    unit, thousands, hundreds, trailing_wan = m.groups()
    tail = _digit(thousands) * 1000 + _digit(hundreds) * 100
    if unit == "亿" and trailing_wan:
        return f"{whole + tail / 10000:g}亿"
    if unit == "万" and not trailing_wan:
        return f"{whole + tail / 10000:g}万"
    return None
