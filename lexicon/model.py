"""The lexicon as plain data: typed entries, admin overrides and a content version."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from lexicon.normalize import fold
from lexicon.categories import Category, Severity


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

    @property
    def key(self) -> tuple[TermKind, str]:
        return (self.kind, fold(self.term))

    def canonical_line(self) -> str:
        return "\t".join(
            [self.kind, fold(self.term), self.correct or "", self.category, self.severity, self.note]
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
    return LexiconTerm(kind_, term, correct, category_, severity_, note.strip(), where)


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
            t = LexiconTerm(t.kind, t.term, t.correct, t.category, t.severity, t.note, "override")
            if e.enabled:
                by_key[t.key] = t
            else:
                by_key.pop(t.key, None)
        return Lexicon(tuple(by_key.values()))
