"""`banned`: banned and misused terms, robust to width, traditional characters and noise."""

from __future__ import annotations

import re

from checking.checks.spans import SpanSet, finding, is_han, keep_longest, sentence_around
from checking.findings import Category, Finding
from lexicon.compiled import CompiledLexicon, Document

RULE = "banned.term"
SHORT = 3  # terms this short must not be straddled by a word (村长 is not in 农村长期)
# 村长 between two village names side by side: 焦村|长马村 (the road 焦村—长马村), no head of a village.
VILLAGE_AFTER = re.compile("[\u4e00-\u9fff]{1,2}村")


def check(doc: Document, lex: CompiledLexicon, protected: SpanSet) -> list[Finding]:
    found = []
    for hit in lex.banned.find(doc.squeezed.text):
        term = hit.value
        start, end = doc.span_of_squeezed(hit.start, hit.end)
        if protected.covers(start, end):
            continue
        # A short term at the head of a longer word still counts (弱智 in 弱智儿童).
        if hit.end - hit.start <= SHORT and lex.words.straddled(doc.squeezed.text, hit.start, hit.end) \
                and not _closes_compound(doc.squeezed.text, hit.start, hit.end, lex):
            continue
        if term.context and not lex.in_context(term, sentence_around(doc.folded, start, end)):
            continue
        if _across_two_villages(doc.squeezed.text, hit.start, hit.end):
            continue
        if term.correct:
            message = term.note or f"禁用或慎用词，应使用“{term.correct}”"
        else:
            message = term.note or "禁用词，不应使用"
        found.append(finding(doc.text, RULE, Category.BANNED, term.severity, start, end, term.correct, message))
    return keep_longest(found)


def _across_two_villages(text: str, start: int, end: int) -> bool:
    return text[start:end] == "村长" and start > 0 and is_han(text[start - 1]) and VILLAGE_AFTER.match(text, end) is not None


def _closes_compound(text: str, start: int, end: int, lex: CompiledLexicon, margin: int = 6) -> bool:
    """The term ends a dictionary word made of a word and the term itself (抓获|罪犯 in 抓获罪犯):
    the term is meant there, it is not a stray pair of characters across two words."""
    lo = max(0, start - margin)
    pos = lo
    for token in lex.words.tokenizer.cut(text[lo : end + margin], HMM=False):
        token_start, pos = pos, pos + len(token)
        if pos >= end:
            return pos == end and token_start < start and lex.words.freq(token[: start - token_start]) > 0
    return False
