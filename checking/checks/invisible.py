"""`invisible`: characters a browser does not draw (lexicon/invisible.py). The matchers read the
text without them; this check reports them, since readers cannot see them and they may be there
to slip a term past the checks. Direction controls reorder the text shown after them ("Trojan
source"), so what readers see is not what was reviewed: they are errors."""

from __future__ import annotations

from itertools import groupby

from checking.checks.spans import finding
from checking.findings import Category, Finding, Severity
from lexicon.compiled import Document
from lexicon.invisible import INVISIBLE_RUN, describe

RULE_BIDI = "invisible.bidi"
RULE_CHAR = "invisible.char"
BOM = "\ufeff"


def check(doc: Document) -> list[Finding]:
    if not doc.visible.removed:
        return []
    found = []
    for m in INVISIBLE_RUN.finditer(doc.text):
        start = m.start()
        for char, same in groupby(m.group()):
            end = start + len(list(same))
            first = start + 1 if start == 0 and char == BOM else start
            if first < end:
                found.append(_finding(doc.text, char, first, end))
            start = end
    return found


def _finding(text: str, char: str, start: int, end: int) -> Finding:
    row = describe(char)
    what = f"U+{ord(char):04X} {row.name}" + (f"（连续 {end - start} 个）" if end - start > 1 else "")
    if row.bidi:
        return finding(text, RULE_BIDI, Category.INVISIBLE, Severity.ERROR, start, end, "",
                       f"{what}：浏览器中不可见，却能改变文字的显示顺序，读者看到的可能与审核的内容不同，须删除")
    return finding(text, RULE_CHAR, Category.INVISIBLE, Severity.WARNING, start, end, "",
                   f"{what}：浏览器中不可见，可能是复制粘贴带入或用来规避检查，建议删除")
