"""`typo` (known pairs): listed misspellings (error) and context-dependent pairs (warning)."""

from __future__ import annotations

from lexicon.compiled import CompiledLexicon, Document
from lexicon.model import TermKind
from review.checks.spans import SpanSet, finding, keep_longest
from review.findings import Category, Finding, Severity

RULE_KNOWN = "typo.known-pair"
RULE_CONTEXT = "typo.context"
SHORT = 3


def check(doc: Document, lex: CompiledLexicon, protected: SpanSet) -> list[Finding]:
    found = []
    for hit in lex.typos.find(doc.folded):
        term = hit.value
        if protected.touches(hit.start, hit.end):
            continue
        if hit.end - hit.start <= SHORT and not lex.words.aligned(doc.folded, hit.start, hit.end):
            continue
        if term.kind is TermKind.CONTEXT:
            rule, severity = RULE_CONTEXT, Severity.WARNING
            message = (term.note or "可能用词不当") + f"：是否应为“{term.correct}”？"
        else:
            rule, severity = RULE_KNOWN, term.severity
            message = term.note or f"常见错别字：应为“{term.correct}”"
        found.append(finding(doc.text, rule, Category.TYPO, severity, hit.start, hit.end, term.correct, message))
    return keep_longest(found)
