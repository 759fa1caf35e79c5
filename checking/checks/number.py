"""`number`: the testable rules of GB/T 15835-2011 (docs/domain.md §4)."""

from __future__ import annotations

import re

from checking.checks.spans import SpanSet, finding
from checking.findings import Category, Finding, Severity

CN = "〇零一二三四五六七八九"
CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CN_DAY = "一二三四五六七八九十"
DIGITS = "0123456789"
# Every pattern starts with a literal or a rare character class, so the engine scans fast; the
# digits in front are checked by ``_run_before``. The text is folded (ASCII digits).
YEAR_MONTH = re.compile(r"年(?=[0-9]{1,2}月)")
DECADE = re.compile(r"0年代")
YI_WAN = re.compile(r"亿([0-9]{1,4})万")
QIAN = re.compile(f"([亿万])([0-9两{CN[1:]}])千(?:([0-9{CN[1:]}])百)?(万)?")
MONTH_CN = re.compile(f"年[{CN_DAY}]{{1,3}}月")
MONTH_ARABIC = re.compile(r"年[0-9]{1,2}月")
DAY_CN = re.compile(f"月[{CN_DAY}]{{1,3}}日")
DAY_ARABIC = re.compile(r"月[0-9]{1,2}日")

RULE_YEAR = "number.abbreviated-year"
RULE_MIXED = "number.mixed-units"
RULE_DATE = "number.mixed-date"


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
    for m in QIAN.finditer(text):
        start = _run_before(text, m.start(), DIGITS, 1, 12, not_after=".")
        if start >= 0:
            add(RULE_MIXED, start, m.end(), _qian_suggestion(int(text[start : m.start()]), m),
                "阿拉伯数字与汉字数字或多个数量单位不应混用")
    for pattern, before, size in ((MONTH_CN, DIGITS, 4), (MONTH_ARABIC, CN, 4), (DAY_CN, DIGITS, 0), (DAY_ARABIC, CN_DAY, 0)):
        for m in pattern.finditer(text):
            low, high = (size, size) if size else (1, 3)
            start = _run_before(text, m.start(), before, low, high, not_after=DIGITS + CN + "十")
            if start >= 0:
                add(RULE_DATE, start, m.end(), None, "同一日期中阿拉伯数字与汉字数字不应混用")
    return out


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
