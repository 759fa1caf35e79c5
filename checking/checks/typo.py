"""`typo` (known pairs): listed misspellings (error) and context-dependent pairs (warning)."""

from __future__ import annotations

import re

from checking.checks.spans import SpanSet, finding, keep_longest, sentence_around
from checking.findings import Category, Finding, Severity, quoted
from lexicon.compiled import CompiledLexicon, Document
from lexicon.model import TermKind

RULE_KNOWN = "typo.known-pair"
RULE_CONTEXT = "typo.context"
RULE_CUTOFF = "typo.cutoff-date"
SHORT = 3
# 截止 opening a clause with a time and a comma after it (of either width) means "as of": 截至2024年底，全市……
CUTOFF = re.compile(
    r"截止(?=\s*(?:[0-9]{2,4}年|[0-9]{1,2}月|今年|去年|上年|目前|本月|上月|年底|年末|月底)[^，,。；;\n]{0,14}[，,])"
)
CLAUSE_START = frozenset("，。；：！？,;:!?\n")


def check(doc: Document, lex: CompiledLexicon, protected: SpanSet) -> list[Finding]:
    visible = doc.visible.text
    found = []
    for hit in lex.typos.find(visible):
        term = hit.value
        start, end = doc.span_of_visible(hit.start, hit.end)
        if protected.touches(start, end):
            continue
        if hit.end - hit.start <= SHORT and not lex.words.aligned(visible, hit.start, hit.end):
            continue
        if term.context and not lex.in_context(term, sentence_around(visible, hit.start, hit.end)):
            continue
        if term.kind is TermKind.CONTEXT:
            rule, severity = RULE_CONTEXT, Severity.WARNING
            message = (term.note or "可能用词不当") + "：是否应为" + quoted(term.correct) + "？"
        else:
            rule, severity = RULE_KNOWN, term.severity
            message = term.note or "常见错别字：应为" + quoted(term.correct)
        found.append(finding(doc.text, rule, Category.TYPO, severity, start, end, term.correct, message))
    for m in CUTOFF.finditer(visible):
        before = visible[max(0, m.start() - 8) : m.start()].rstrip(" \t\u3000")
        opens_clause = before[-1:] in CLAUSE_START if before else m.start() <= 8
        start, end = doc.span_of_visible(m.start(), m.end())
        if opens_clause and not protected.touches(start, end):
            found.append(finding(doc.text, RULE_CUTOFF, Category.TYPO, Severity.WARNING, start, end, "截至",
                                 "表示“到某时为止”用“截至”"))
    return keep_longest(found)
