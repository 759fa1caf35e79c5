"""`secrecy`: 密级 markings in all their forms, and marker words such as 内部资料."""

from __future__ import annotations

import re

from checking.checks.spans import finding, is_han, keep_longest
from checking.findings import Category, Finding, Severity
from lexicon.compiled import CompiledLexicon, Document

LEVEL = "(?:绝密|机密|秘密)"
NUM = "(?:\\d+|[一二三四五六七八九十]+)"
TERM = f"(?:{NUM}\\s*(?:年|个月|月|天|日)|长期|[^\\s，。；,;]{{0,16}}?解密)"
STAR = r"\s*[★☆*＊✩✭✮]\s*"
MARKING = re.compile(f"{LEVEL}级?{STAR}(?:{TERM})?")  # 秘密级★1年 is still a marking
LABELLED = re.compile(f"密级\\s*[:：]?\\s*{LEVEL}(?:{STAR}(?:{TERM})?)?")
BARE_LINE = re.compile(f"(?m)^[ \\t【\\[（(〔]*{LEVEL}[ \\t】\\]）)〕]*$")
BRACKETED = re.compile(f"[【\\[〔（]{LEVEL}[】\\]〕）]")  # ASCII brackets are folded to full width
# A level with its term but no star (机密 10年), or set apart before the urgency (机密  特急); the
# leading class is the three levels (绝密, 机密, 秘密), which the engine scans for fast.
UNSTARRED = re.compile(
    f"[绝机秘]密[ \\t\u3000]*(?:{NUM}[ \\t]*(?:年|个月)|长期|[★☆]?[ \\t\u3000]*(?:特急|加急|特提|平急))"
)
# A marking quoted inside a sentence (文件标注“内部资料”字样的) is named, not applied.
QUOTES = {"“": "”", "‘": "’", '"': '"', "「": "」", "『": "』"}
LEVEL_WORD = re.compile(f"{LEVEL}级(?:文件|资料|材料|事项)")

RULE_MARKING = "secrecy.marking"
RULE_MARKER = "secrecy.marker"
RULE_LEVEL = "secrecy.level-word"


def check(doc: Document, lex: CompiledLexicon) -> list[Finding]:
    text, visible = doc.text, doc.visible.text
    found = []
    # Every pattern contains a level (绝密, 机密, 秘密): without one, none is scanned for.
    patterns = (MARKING, LABELLED, BARE_LINE, BRACKETED, UNSTARRED, LEVEL_WORD) if _has_level(visible) else ()
    for pattern in patterns[:-1]:
        for m in pattern.finditer(visible):
            start, end = doc.span_of_visible(*_trim(visible, m.start(), m.end()))
            found.append(
                finding(text, RULE_MARKING, Category.SECRECY, Severity.ERROR, start, end, None,
                        "密级标志：含密级标志的内容不得公开发布，须经保密审查")
            )
    for m in LEVEL_WORD.finditer(visible) if patterns else ():
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
    return [_as_mention(text, f) if _quoted_in_sentence(text, f.start, f.end) else f for f in keep_longest(found)]


def _has_level(text: str) -> bool:
    return "绝密" in text or "机密" in text or "秘密" in text


def _quoted_in_sentence(text: str, start: int, end: int) -> bool:
    opening, closing = text[start - 1 : start] if start else "", text[end : end + 1]
    if not opening or QUOTES.get(opening) != closing:
        return False
    return is_han(text[start - 2 : start - 1] or "。") or is_han(text[end + 1 : end + 2] or "。")


def _as_mention(text: str, f: Finding) -> Finding:
    if f.severity is not Severity.ERROR:
        return f
    return finding(text, f.rule, f.category, Severity.WARNING, f.start, f.end, None,
                   "引号中提及涉密或内部标识：若为本稿件的标识则不得公开发布，请保密审查确认")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t【[（(〔":
        start += 1
    while end > start and text[end - 1] in " \t】]）)〕":
        end -= 1
    return start, end
