"""`formulation`: near misses of canonical formulations and names (one or two edits)."""

from __future__ import annotations

from collections.abc import Sequence

from checking.checks.formulation_readings import (
    broken_by_a_line,
    mark_or_particle_dropped,
    may_be_meant_here,
    ordinary_reading,
)
from checking.checks.spans import finding
from checking.findings import Category, Finding, Severity, quoted
from lexicon.compiled import CompiledLexicon, Document
from lexicon.matchers import ExactHit, NearHit

RULE = "formulation.near-miss"


def check(doc: Document, lex: CompiledLexicon, exact_hits: Sequence[ExactHit] | None = None) -> list[Finding]:
    """``exact_hits``: ``lex.formulations.find(doc.squeezed.text)`` when the caller has them."""
    sq = doc.squeezed.text
    hits = lex.formulations.find(sq) if exact_hits is None else exact_hits
    exact = [(h.start, h.end) for h in hits]
    written: dict[int, list[ExactHit]] = {}  # the exact forms found, by the term they write
    for h in hits:
        written.setdefault(id(h.value), []).append(h)
    candidates, ordinary = [], []
    for hit in lex.near.find(sq, exact):  # windows mostly an exact canonical form are left out there
        key = lex.near_keys[hit.term_index]
        if _shifts_an_accepted_form(hit, len(key), written.get(id(lex.near_terms[hit.term_index]), ())):
            continue
        if ordinary_reading(sq, hit, key, lex):
            ordinary.append(hit)
        else:
            candidates.append((hit.distance, -len(key), abs(hit.end - hit.start - len(key)), hit.start, hit))
    # A worse alignment of the same term over text that its best alignment reads as ordinary
    # (中国共产党人的精神谱系 with 是 taken in as well) is no damage either.
    candidates = [c for c in candidates if not any(
        o.term_index == c[-1].term_index and o.distance < c[-1].distance and o.start < c[-1].end and c[-1].start < o.end
        for o in ordinary) and not _changed_inside_exact(c[-1], exact)]
    kept: list[NearHit] = []
    for *_, hit in sorted(candidates, key=lambda c: c[:4]):
        if not any(hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    return sorted((_finding(doc, lex, hit) for hit in kept), key=lambda f: f.start)


def _shifts_an_accepted_form(hit: NearHit, length: int, written: Sequence[ExactHit]) -> bool:
    """The window overlaps the term written whole in one of its accepted forms (``written``: the exact
    forms of the term found; whole: at most a character shorter than the term, ``length`` long): it
    only trims or extends what the writer wrote right (人力资源社会保障部门 is the accepted
    人力资源社会保障部 + 门). A short form (中联部, 体育总局) with damage around it is no such case."""
    return any(h.end - h.start >= length - 1 and h.start < hit.end and hit.start < h.end for h in written)


def _changed_inside_exact(hit: NearHit, exact: Sequence[tuple[int, int]]) -> bool:
    """Every character the window changes or puts in lies inside an exact canonical form: the
    window is another term written right (实现“两个一百年”奋斗目标 beside 实现建军一百年奋斗目标)."""
    marks = [hit.start + dst for op, _, dst in hit.edits if op in ("replace", "insert")]
    return bool(marks) and all(any(s <= m < e for s, e in exact) for m in marks)


def _finding(doc: Document, lex: CompiledLexicon, hit: NearHit) -> Finding:
    term = lex.near_terms[hit.term_index]
    start, end = doc.span_of_squeezed(hit.start, hit.end)
    severity = term.severity if term.severity is not Severity.INFO else Severity.WARNING
    window = doc.squeezed.text[hit.start : hit.end]
    key = lex.near_keys[hit.term_index]
    sq = doc.squeezed.text
    broken = broken_by_a_line(window, hit)
    variant = not broken and mark_or_particle_dropped(window, key, hit)
    meant = not broken and not variant and may_be_meant_here(sq, hit, key, lex, term.note)
    if severity is Severity.ERROR and (broken or variant or meant):
        severity = Severity.WARNING
    if broken:
        message = "规范表述" + quoted(term.term) + "中间断行，请核对排版"
    elif variant:
        message = "规范表述写作" + quoted(term.term) + "（此处只差顿号或“的”字）"
    elif meant:
        message = "与规范表述" + quoted(term.term) + "相近，可能是有意的其他写法，请核对"
    else:
        message = "疑似规范表述写错：应为" + quoted(term.term)
    return finding(doc.text, RULE, Category.FORMULATION, severity, start, end, term.term, message)
