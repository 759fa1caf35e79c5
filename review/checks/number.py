"""`number`: the testable rules of GB/T 15835-2011 (DOMAIN.md §4)."""

from __future__ import annotations

import re

from review.checks.spans import SpanSet, finding
from review.findings import Category, Finding, Severity

CN = "〇零一二三四五六七八九"
CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
SHORT_YEAR = re.compile(r"(?<![\d.\-/'’])(\d{2})年(?=\d{1,2}月)")
SHORT_DECADE = re.compile(r"(?<![\d.\-/])['’]?(\d)0年代")
MIXED_YI_WAN = re.compile(r"(?<![\d.])(\d+)亿(\d{1,4})万")
MIXED_QIAN = re.compile(r"(?<![\d.])(\d+)(亿|万)([\d两" + CN[1:] + r"])千(?:([\d" + CN[1:] + r"])百)?(万)?")
MIXED_DATE = re.compile(
    f"\\d{{4}}年[一二三四五六七八九十]{{1,3}}月|[{CN}]{{4}}年\\d{{1,2}}月"
    f"|(?<![\\d{CN}十])\\d{{1,2}}月[一二三四五六七八九十]{{1,3}}日|(?<![\\d{CN}十])[一二三四五六七八九十]{{1,3}}月\\d{{1,2}}日"
)

RULE_YEAR = "number.abbreviated-year"
RULE_MIXED = "number.mixed-units"
RULE_DATE = "number.mixed-date"


def check(text: str, protected: SpanSet) -> list[Finding]:
    out: list[Finding] = []

    def add(rule: str, start: int, end: int, suggestion: str | None, message: str) -> None:
        if not protected.touches(start, end):
            out.append(finding(text, rule, Category.NUMBER, Severity.WARNING, start, end, suggestion, message))

    for m in SHORT_YEAR.finditer(text):
        yy = int(m.group(1))
        add(RULE_YEAR, m.start(), m.end(), f"{1900 + yy if yy >= 50 else 2000 + yy}年", "年份不应简写，应写全四位")
    for m in SHORT_DECADE.finditer(text):
        if text[max(0, m.start() - 2) : m.start()] in ("世纪", "世紀"):
            continue
        add(RULE_YEAR, m.start(), m.end(), f"20世纪{m.group(1)}0年代", "年代不应简写，应写明世纪（如“20世纪90年代”）")
    for m in MIXED_YI_WAN.finditer(text):
        value = int(m.group(1)) + int(m.group(2)) / 10000
        add(RULE_MIXED, m.start(), m.end(), f"{value:g}亿", "数值不应以“亿”“万”混合表示，应写作一个单位")
    for m in MIXED_QIAN.finditer(text):
        add(RULE_MIXED, m.start(), m.end(), _qian_suggestion(m), "阿拉伯数字与汉字数字或多个数量单位不应混用")
    for m in MIXED_DATE.finditer(text):
        add(RULE_DATE, m.start(), m.end(), None, "同一日期中阿拉伯数字与汉字数字不应混用")
    return out


def _digit(c: str | None) -> int:
    if not c:
        return 0
    return int(c) if c.isdigit() else CN_VALUE[c]


def _qian_suggestion(m: re.Match) -> str | None:
    whole, unit, thousands, hundreds, trailing_wan = m.groups()
    tail = _digit(thousands) * 1000 + _digit(hundreds) * 100
    if unit == "亿" and trailing_wan:
        return f"{int(whole) + tail / 10000:g}亿"
    if unit == "万" and not trailing_wan:
        return f"{int(whole) + tail / 10000:g}万"
    return None
