"""The lexicon as plain data: typed entries, admin overrides and a content version."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from lexicon.categories import Category, Severity
from lexicon.normalize import fold


class TermKind(StrEnum):
    BANNED = "banned"  # banned or misused term; ``correct`` is the form to use (None: do not use)
    FORMULATION = "formulation"  # canonical formulation or name; near misses are errors
    TYPO = "typo"  # known misspelling: ``term`` is the wrong form, ``correct`` the right one
    CONTEXT = "context"  # wrong only in some contexts: warn, never auto-fix
    SECRECY = "secrecy"  # secrecy marker word (内部资料 …)
    ALLOW = "allow"  # never flag anything inside this term


class LexiconError(ValueError):
    """A lexicon entry that cannot be used; ``where`` names the file and line (or the override)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    kind: TermKind
    term: str
    correct: str | None
    category: Category
    severity: Severity
    note: str = ""
    source: str = ""  # "file:line" or "override"; not part of the version
    # A formulation's accepted variants (official short forms, complete phrases that read like a
    # damaged form): written exactly they are right, and they are never near misses of the term.
    allowed: tuple[str, ...] = ()
    # A context or banned term applies only where its sentence matches this regular expression,
    # with the occurrence itself written CONTEXT_MARK (empty: everywhere).
    context: str = ""
    reference: str = ""  # where the wording was verified (an address or a document); not part of the version

    @property
    def key(self) -> tuple[TermKind, str]:
        return (self.kind, fold(self.term))

    def canonical_line(self) -> str:
        return "\t".join(
            [self.kind, fold(self.term), self.correct or "", self.category, self.severity, self.note,
             "|".join(fold(a) for a in self.allowed), self.context]
        )


@dataclass(frozen=True, slots=True)
class LexiconOverride:
    """An admin edit (storage.models.LexiconEntry): adds, replaces (same kind and term) or, with
    ``enabled=False``, disables a term."""

    kind: str
    term: str
    correct: str | None = None
    category: str | None = None
    severity: str = "error"
    note: str = ""
    enabled: bool = True


CONTEXT_MARK = "@"  # stands for the term itself in a context pattern
CONTEXT_KINDS = (TermKind.CONTEXT, TermKind.BANNED)  # the kinds whose terms may carry one


DEFAULT_CATEGORY: dict[TermKind, Category] = {
    TermKind.BANNED: Category.BANNED,
    TermKind.FORMULATION: Category.FORMULATION,
    TermKind.TYPO: Category.TYPO,
    TermKind.CONTEXT: Category.TYPO,
    TermKind.SECRECY: Category.SECRECY,
    TermKind.ALLOW: Category.TYPO,
}


def make_term(
    where: str,
    kind: str,
    term: str,
    correct: str | None,
    category: str | None,
    severity: str,
    note: str = "",
    *,
    allowed: Sequence[str] = (),
    context: str = "",
    reference: str = "",
) -> LexiconTerm:
    """Validate raw fields into a term, raising LexiconError that names ``where``."""
    try:
        kind_ = TermKind(kind.strip())
    except ValueError:
        raise LexiconError(where, f"未知的词条类型 {kind!r}（可用：{'、'.join(TermKind)}）") from None
    term = term.strip()
    if not term:
        raise LexiconError(where, "词条为空")
    if len(term) > 200:
        raise LexiconError(where, "词条超过 200 字")
    if any(ord(c) < 32 for c in term):
        raise LexiconError(where, "词条含控制字符")
    correct = (correct or "").strip() or None
    if kind_ in (TermKind.TYPO, TermKind.CONTEXT) and correct is None:
        raise LexiconError(where, "错别字词条必须给出正确写法")
    if correct is not None and fold(correct) == fold(term):
        raise LexiconError(where, f"正确写法与词条相同：{term}")
    try:
        category_ = Category(category.strip()) if category and category.strip() else DEFAULT_CATEGORY[kind_]
    except ValueError:
        raise LexiconError(where, f"未知的类别 {category!r}") from None
    try:
        severity_ = Severity(severity.strip() or "error")
    except ValueError:
        raise LexiconError(where, f"未知的严重性 {severity!r}（可用：error、warning、info）") from None
    return LexiconTerm(kind_, term, correct, category_, severity_, note.strip(), where,
                       _allowed(where, kind_, term, allowed), _context(where, kind_, context), reference.strip())


def _allowed(where: str, kind: TermKind, term: str, allowed: Sequence[str]) -> tuple[str, ...]:
    forms = tuple(a.strip() for a in allowed if a.strip())
    if forms and kind is not TermKind.FORMULATION:
        raise LexiconError(where, "只有规范表述可以列出可接受的写法")
    folded = [fold(a) for a in forms]
    if fold(term) in folded:
        raise LexiconError(where, f"可接受的写法与词条相同：{term}")
    if len(set(folded)) < len(folded):
        raise LexiconError(where, "可接受的写法重复")
    return forms


def _context(where: str, kind: TermKind, context: str) -> str:
    context = context.strip()
    if not context:
        return ""
    if kind not in CONTEXT_KINDS:
        raise LexiconError(where, "只有语境易混词和禁用词可以限定语境")
    if CONTEXT_MARK not in context:
        raise LexiconError(where, f"语境模式须用“{CONTEXT_MARK}”表示词条本身")
    try:
        re.compile(context)
    except re.error as exc:
        raise LexiconError(where, f"语境模式不是有效的正则表达式：{exc}") from None
    return context


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[LexiconTerm, ...]
    version: str = field(init=False)

    def __post_init__(self) -> None:
        lines = sorted(t.canonical_line() for t in self.terms)
        digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        object.__setattr__(self, "version", digest)

    @classmethod
    def from_terms(cls, terms: Iterable[LexiconTerm]) -> "Lexicon":
        """Later terms replace earlier ones with the same kind and folded term."""
        by_key: dict[tuple[TermKind, str], LexiconTerm] = {}
        for t in terms:
            by_key[t.key] = t
        return cls(tuple(by_key.values()))

    def of_kind(self, kind: TermKind) -> tuple[LexiconTerm, ...]:
        return tuple(t for t in self.terms if t.kind is kind)

    def with_overrides(self, entries: Iterable[LexiconOverride]) -> "Lexicon":
        by_key = {t.key: t for t in self.terms}
        for i, e in enumerate(entries, 1):
            t = make_term(f"override #{i} ({e.term})", e.kind, e.term, e.correct, e.category, e.severity, e.note)
            # An edit carries no accepted forms, pattern or reference: those of the file's entry stay.
            kept = by_key.get(t.key)
            t = replace(t, source="override", allowed=kept.allowed if kept else (),
                        context=kept.context if kept else "", reference=kept.reference if kept else "")
            if e.enabled:
                by_key[t.key] = t
            else:
                by_key.pop(t.key, None)
        return Lexicon(tuple(by_key.values()))
