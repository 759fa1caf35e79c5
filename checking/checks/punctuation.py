"""`punctuation`: the testable rules of GB/T 15834-2011 (docs/domain.md §4)."""

from __future__ import annotations

import re
from itertools import chain

from checking.checks.scan import finditer_from
from checking.checks.spans import SpanSet, finding, is_han
from checking.findings import Category, Finding, Severity
from lexicon.compiled import CompiledLexicon

FULL = {",": "，", ";": "；", "?": "？", "!": "！", ":": "：", "(": "（", ")": "）", ".": "。"}
# Patterns start with a literal or an ASCII class (fast to scan; a repeat such as [0-9]{4} is not, so
# it is written [0-9][0-9]{3}); neighbours are checked after.
HALF = re.compile("[,;?!:()]")
HALF_RUN = re.compile("[,;?!:()]+")
# A full stop is only looked at where no letter or digit stands on either side (not 1.5, 附件.docx).
STOP = re.compile(r"\.(?<![0-9A-Za-z.]\.)(?![0-9A-Za-z.])")
SPACES = " \t\u3000\u00a0"
# A full stop ends a Chinese sentence when the text goes on in Chinese, or not at all (not 附件.docx, 1.5).
STOP_FOLLOWERS = frozenset(SPACES + "\n”’）》」』")
SPACE_BEFORE = re.compile(f"[{SPACES}]+(?=[，。、；：？！）》”’])")
SPACE_RUN = re.compile(f"[{SPACES}]+")  # where SPACE_BEFORE can start
CLOSERS = frozenset("）》”’」』")
ORDINAL_UNITS = "条|款|项|章|节|页|届|次|期|号|批|位|名"
DASHES = ("-", "－", "–", "~", "～")
YEAR_RANGE = re.compile(r"([0-9][0-9]{3})(年?)[ \t]*[-－–~～][ \t]*([0-9]{4})年")
ORDINAL_RANGE = re.compile(rf"第([0-9]+)[ \t]*[-－–~～][ \t]*([0-9]+)[ \t]*({ORDINAL_UNITS})")
# Two years with nothing but spaces between them (the dash lost in copying): 2021 2025年, 20212025年.
YEARS_NO_DASH = re.compile(r"[12][0-9]{3}(年?)[ \t]*[12][0-9]{3}年")
ORDINALS_NO_DASH = re.compile(rf"第([0-9]+)[ \t]+([0-9]+)({ORDINAL_UNITS})")
CN_DIGITS = "一二三四五六七八九"
ESTIMATE = re.compile(f"、([{CN_DIGITS}十])(?=[天日年月个人次倍岁名家项种批轮周里斤米元])")
TITLE_PAIRS = ("》、《", "”、“", '"、"')
BETWEEN_TITLES = re.compile("|".join(TITLE_PAIRS))
BEFORE_CONJ = re.compile("、(?=以及|或者|和|与|及|或)")
CONJ_WORD_FREQ = 100  # 和谐, 与会, 及时: the conjunction character starts an ordinary word

RULE_HALF = "punctuation.half-width"
RULE_RANGE = "punctuation.range-dash"
RULE_ESTIMATE = "punctuation.estimate-comma"
RULE_TITLES = "punctuation.comma-between-titles"
RULE_CONJ = "punctuation.comma-before-conjunction"
RULE_SPACE = "punctuation.space-before"


def has_any(text: str, parts: str | tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``parts`` (characters of a string, or strings)."""
    return any(part in text for part in parts)


def check(text: str, lex: CompiledLexicon, protected: SpanSet) -> list[Finding]:
    """``text``: the draft without invisible characters (CheckContext.plain)."""
    out: list[Finding] = []

    def add(rule: str, start: int, end: int, suggestion: str | None, message: str) -> None:
        if not protected.touches(start, end):
            out.append(finding(text, rule, Category.PUNCTUATION, Severity.WARNING, start, end, suggestion, message))

    for m in chain(finditer_from(HALF, text, HALF_RUN), STOP.finditer(text)):
        mark, at = m.group(), m.start()
        start = at
        while start > 0 and text[start - 1] in SPACES:
            start -= 1  # spaces before the mark go with it (时间 :上午)
        before = start > 0 and (is_han(text[start - 1]) or text[start - 1] in CLOSERS)
        after = at + 1 < len(text) and is_han(text[at + 1])
        if mark == ".":
            follower = text[at + 1 : at + 2]
            if not (before and (not follower or follower in STOP_FOLLOWERS or is_han(follower))):
                continue
            start = at
        if before or (mark in "()" and after):
            kind = "括号" if mark in "()" else "标点"
            add(RULE_HALF, start, at + 1, FULL[mark], f"中文文本中应使用全角{kind}“{FULL[mark]}”")
    # Patterns that need a character or phrase the text lacks are not scanned for (found faster).
    for m in finditer_from(SPACE_BEFORE, text, SPACE_RUN):
        if m.start() > 0 and text[m.start() - 1] not in "\n" + SPACES:
            add(RULE_SPACE, m.start(), m.end(), "", "标点符号前不应有空格")
    for m in YEAR_RANGE.finditer(text) if has_any(text, DASHES) else ():
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        add(RULE_RANGE, m.start(), m.end(), f"{m.group(1)}{m.group(2)}—{m.group(3)}年",
            "表示时间范围应使用一字线“—”")
    for m in ORDINAL_RANGE.finditer(text):
        add(RULE_RANGE, m.start(), m.end(), f"第{m.group(1)}—{m.group(2)}{m.group(3)}", "表示序次范围应使用一字线“—”")
    for m in YEARS_NO_DASH.finditer(text):
        first, second = m.group()[:4], m.group()[-5:-1]
        if (m.start() > 0 and text[m.start() - 1].isdigit()) or not 0 < int(second) - int(first) <= 50:
            continue
        add(RULE_RANGE, m.start(), m.end(), f"{first}{m.group(1)}—{second}年",
            "时间范围缺少连接号，应使用一字线“—”")
    for m in ORDINALS_NO_DASH.finditer(text):
        if int(m.group(1)) < int(m.group(2)):
            add(RULE_RANGE, m.start(), m.end(), f"第{m.group(1)}—{m.group(2)}{m.group(3)}",
                "序次范围缺少连接号，应使用一字线“—”")
    for m in ESTIMATE.finditer(text):
        start = m.start() - 1
        a, b = text[start] if start >= 0 else "", m.group(1)
        if a and a in CN_DIGITS and (start == 0 or text[start - 1] not in "第十" + CN_DIGITS):
            if (CN_DIGITS + "十").index(b) == CN_DIGITS.index(a) + 1:
                add(RULE_ESTIMATE, start, m.end(), a + b, "相邻数字连用表示概数，中间不用顿号")
    for m in BETWEEN_TITLES.finditer(text) if has_any(text, TITLE_PAIRS) else ():
        add(RULE_TITLES, m.start() + 1, m.end() - 1, "", "书名号或引号标示的并列成分之间通常不用顿号")
    for m in BEFORE_CONJ.finditer(text):
        after = text[m.end() : m.end() + 2]
        if after[0] in "和与及" and not after.startswith("及或") and lex.words.freq(after) >= CONJ_WORD_FREQ:
            continue
        add(RULE_CONJ, m.start(), m.end(), "", "连词“和”“与”“及”前不用顿号")
    return out
