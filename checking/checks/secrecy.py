"""`secrecy`: 密级 markings in all their forms, and marker words such as 内部资料."""

from __future__ import annotations

import re

from checking.checks.spans import finding, keep_longest
from checking.findings import Category, Finding, Severity
from lexicon.compiled import CompiledLexicon, Document

LEVEL = "(?:绝密|机密|秘密)"
NUM = "(?:\\d+|[一二三四五六七八九十]+)"
TERM = f"(?:{NUM}\\s*(?:年|个月|月|天|日)|长期|[^\\s，。；,;]{{0,16}}?解密)"
STAR = r"\s*[★☆*＊✩✭✮]\s*"
MARKING = re.compile(f"{LEVEL}级?{STAR}(?:{TERM})?")  # 秘密级★1年 is still a marking
LABELLED = re.compile(f"密级\\s*[:：]?\\s*{LEVEL}(?:{STAR}(?:{TERM})?)?")
BARE_LINE = re.compile(f"(?m)^[ \\t【\\[（(〔]*{LEVEL}[ \\t】\\]）)〕]*$")
BRACKETED = re.compile(f"[【\\[〔]{LEVEL}[】\\]〕]")
LEVEL_WORD = re.compile(f"{LEVEL}级(?:文件|资料|材料|事项)")

RULE_MARKING = "secrecy.marking"
RULE_MARKER = "secrecy.marker"
RULE_LEVEL = "secrecy.level-word"


def check(doc: Document, lex: CompiledLexicon) -> list[Finding]:
    text, visible = doc.text, doc.visible.text
    found = []
    for pattern in (MARKING, LABELLED, BARE_LINE, BRACKETED):
        for m in pattern.finditer(visible):
            start, end = doc.span_of_visible(*_trim(visible, m.start(), m.end()))
            found.append(
                finding(text, RULE_MARKING, Category.SECRECY, Severity.ERROR, start, end, None,
                        "密级标志：含密级标志的内容不得公开发布，须经保密审查")
            )
    for m in LEVEL_WORD.finditer(visible):
        start, end = doc.span_of_visible(m.start(), m.end())
        found.append(
            finding(text, RULE_LEVEL, Category.SECRECY, Severity.WARNING, start, end, None,
                    "疑似涉密内容，请保密审查确认")
        )
    for hit in lex.secrecy.find(doc.squeezed.text):
        start, end = doc.span_of_squeezed(hit.start, hit.end)
        term = hit.value
        found.append(
            finding(text, RULE_MARKER, Category.SECRECY, term.severity, start, end, None,
                    term.note or "内部或涉密标识，不得公开发布")
        )
    return keep_longest(found)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t【[（(〔":
        start += 1
    while end > start and text[end - 1] in " \t】]）)〕":
        end -= 1
    return start, end
