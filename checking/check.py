"""The automated pass: one entry point over every check (docs/architecture.md §3)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from checking.categories import CATEGORIES
from checking.checks.spans import SpanSet, overlaps
from checking.context import CheckContext, DraftMeta
from checking.findings import Category, Finding, Report
from checking.registry import CHECKS
from lexicon.compiled import CompiledLexicon, Document
from lexicon.model import Lexicon
from lexicon.typo_model import TypoModel


@dataclass(frozen=True)
class Checker:
    lexicon: CompiledLexicon
    typo_model: TypoModel | None = None
    allowed_domains: tuple[str, ...] = ()

    @classmethod
    def build(
        cls, lexicon: Lexicon, *, typo_model: TypoModel | None = None, allowed_domains: Iterable[str] = ()
    ) -> "Checker":
        return cls(CompiledLexicon.compile(lexicon), typo_model, tuple(allowed_domains))

    def with_lexicon(self, lexicon: Lexicon) -> "Checker":
        """The same checker over another lexicon (after admin edits), reusing the loaded
        dictionary and typo model: only the matchers are compiled again."""
        return Checker(CompiledLexicon.compile(lexicon, self.lexicon.words), self.typo_model, self.allowed_domains)

    @property
    def version(self) -> str:
        return self.lexicon.version

    def check(
        self, text: str, *, meta: DraftMeta | None = None, only: Collection[Category] | None = None
    ) -> Report:
        wanted = tuple(Category) if only is None else tuple(c for c in Category if c in set(only))
        ctx = CheckContext(doc=Document.of(text), lexicon=self.lexicon, typo_model=self.typo_model,
                           allowed_domains=self.allowed_domains, meta=meta, wanted=wanted, checks=CHECKS)
        found = [f for category in wanted for f in ctx.found(category)]
        return Report(tuple(dedupe(outside_allow_list(found, ctx))), self.lexicon.version, wanted)


def outside_allow_list(findings: list[Finding], ctx: CheckContext) -> list[Finding]:
    """``findings`` without those of allow-listed categories that touch an allow-list entry."""
    if not any(CATEGORIES[f.category].allow_listed for f in findings):
        return findings
    hits = ctx.lexicon.allow.find(ctx.doc.visible.text)
    allowed = SpanSet(ctx.doc.span_of_visible(h.start, h.end) for h in hits)
    return [f for f in findings if not (CATEGORIES[f.category].allow_listed and allowed.touches(f.start, f.end))]


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span: the most specific category wins; a typo inside a finding that names
    the right form of a whole term (formulation, banned) is dropped."""
    best: dict[tuple[int, int, str], Finding] = {}
    for f in findings:
        key = (f.start, f.end, "" if f.end > f.start else f.rule)
        if key not in best or CATEGORIES[f.category].priority < CATEGORIES[best[key].category].priority:
            best[key] = f
    wide = [f for f in best.values() if CATEGORIES[f.category].names_right_form]
    out = [
        f
        for f in best.values()
        if not (f.category is Category.TYPO and any(overlaps((f.start, f.end), (w.start, w.end)) for w in wide))
    ]
    return sorted(out, key=lambda f: (f.start, f.end, CATEGORIES[f.category].priority, f.rule))
