"""`formulation`: near misses of canonical formulations and names (one or two edits)."""

from __future__ import annotations

from lexicon.compiled import CompiledLexicon, Document
from lexicon.matchers import NearHit
from lexicon.normalize import squeeze_term
from review.checks.spans import finding, is_han, keep_longest
from review.findings import Category, Finding, Severity

RULE = "formulation.near-miss"
# A changed last character that names another kind of body is another name (教育法, 科学技术局).
KIND_SUFFIXES = set("法部局厅委办处科院署会室站所队司省市县区镇乡村国家团组馆校")
# Around a term cut short at an edge, only these show a real omission rather than a shorter phrase.
EDGE_OK_BEFORE = set("和与及对把以在将为是")
EDGE_OK_AFTER = set("的是和与及等在为了中上下，。；：、")
WORD_FREQ = 30  # a dictionary word at least this frequent made by an edit is an ordinary word


def check(doc: Document, lex: CompiledLexicon) -> list[Finding]:
    sq = doc.squeezed.text
    exact = [(h.start, h.end) for h in lex.formulations.find(sq)]
    found = []
    for hit in lex.near.find(sq):
        term = lex.near_terms[hit.term_index]
        key = squeeze_term(term.term)
        if _covered_by_exact(hit, len(key), exact) or _ordinary_reading(sq, hit, key, lex):
            continue
        start, end = doc.span_of_squeezed(hit.start, hit.end)
        found.append(
            finding(
                doc.text,
                RULE,
                Category.FORMULATION,
                term.severity if term.severity is not Severity.INFO else Severity.WARNING,
                start,
                end,
                term.term,
                f"疑似规范表述写错：应为“{term.term}”",
            )
        )
    return keep_longest(found)


def _covered_by_exact(hit: NearHit, length: int, exact: list[tuple[int, int]]) -> bool:
    """The window is mostly an exact canonical form at least as long as the term."""
    size = hit.end - hit.start
    for s, e in exact:
        if e - s >= length and min(e, hit.end) - max(s, hit.start) >= size / 2:
            return True
    return False


def _ordinary_reading(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """Whether the edited window reads as ordinary text rather than a damaged formulation."""
    window = sq[hit.start : hit.end]
    n = len(key)
    for op, src, dst in hit.edits:
        at_edge = src < 2 or src >= n - 2
        if op == "delete" and src in (0, n - 1):
            outside = sq[hit.start - 1] if src == 0 and hit.start > 0 else ""
            if src == n - 1:
                outside = sq[hit.end] if hit.end < len(sq) else ""
            allowed = EDGE_OK_BEFORE if src == 0 else EDGE_OK_AFTER
            if outside and is_han(outside) and outside not in allowed:
                return True
        if op == "replace" and src == n - 1 and window[dst] in KIND_SUFFIXES:
            return True
        if (n <= 6 or at_edge) and _edit_makes_word(window, key, dst, op, lex):
            return True
    return False


def _edit_makes_word(window: str, key: str, pos: int, op: str, lex: CompiledLexicon) -> bool:
    """A common dictionary word in the window that spans the edited position and is not part
    of the canonical form (四个意见 for 四个意识, 民法 for 宪法)."""
    touched = {pos} if op != "delete" else {pos - 1, pos}
    for size in (2, 3, 4):
        for i in range(max(0, min(touched) - size + 1), min(len(window) - size, max(touched)) + 1):
            word = window[i : i + size]
            if not touched & set(range(i, i + size)) or word in key:
                continue
            if lex.words.freq(word) >= WORD_FREQ:
                return True
    return False
