"""The automated pass: one entry point over every check (DESIGN.md §4)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checking.categories import CATEGORIES
from checking.checks import banned, disclosure, formulation, link, number, pii, punctuation, secrecy, typo
from checking.checks.spans import SpanSet, overlaps
from checking.findings import Category, Finding, Report
from lexicon.compiled import CompiledLexicon, Document
from lexicon.model import Lexicon

NUMBER = re.compile(r"[0-9][0-9]*(?:[.,:/\-][0-9]+)*%?")  # on folded text; a leading single class scans fast


@dataclass(frozen=True)
class DraftMeta:
    disclosure: str | None = None
    disclosure_reason: str | None = None
    kind: str = "news"
    has_interpretation: bool = False


@dataclass(frozen=True)
class Checker:
    lexicon: CompiledLexicon
    typo_model: Any = None
    allowed_domains: tuple[str, ...] = ()

    @classmethod
    def build(cls, lexicon: Lexicon, *, typo_model: Any = None, allowed_domains: Iterable[str] = ()) -> "Checker":
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
        doc = Document.of(text)
        lex = self.lexicon
        ids = pii.scan(doc)
        exact = lex.formulations.find(doc.squeezed.text)
        canonical = [doc.span_of_squeezed(h.start, h.end) for h in exact]
        links = link.url_spans(text)

        found: list[Finding] = []
        if Category.PII in wanted:
            found += ids.findings
        if Category.SECRECY in wanted:
            found += secrecy.check(doc, lex)
        if Category.BANNED in wanted:
            found += banned.check(doc, lex, SpanSet(ids.identifiers + links))
        if Category.FORMULATION in wanted:
            found += formulation.check(doc, lex, exact)
        if Category.PUNCTUATION in wanted:
            found += punctuation.check(doc, lex, SpanSet(links))
        if Category.NUMBER in wanted:
            found += number.check(doc.folded, SpanSet([*canonical, *ids.identifiers, *links]))
        if Category.LINK in wanted:
            found += link.check(text, self.allowed_domains, links)
        if Category.DISCLOSURE in wanted and meta is not None:
            found += disclosure.check(meta.disclosure, meta.disclosure_reason, meta.kind, meta.has_interpretation)
        if Category.TYPO in wanted:
            numbers = [m.span() for m in NUMBER.finditer(doc.folded)]
            protected = SpanSet([*canonical, *ids.identifiers, *numbers, *links])
            known = typo.check(doc, lex, protected)
            found += known
            if self.typo_model is not None:
                found += self._likely_typos(text, protected, known, found)
        if any(CATEGORIES[f.category].allow_listed for f in found):
            allowed = SpanSet((h.start, h.end) for h in lex.allow.find(doc.folded))
            found = [f for f in found if not (CATEGORIES[f.category].allow_listed and allowed.touches(f.start, f.end))]
        return Report(tuple(dedupe(found)), lex.version, wanted)

    def _likely_typos(
        self, text: str, protected: SpanSet, known: Sequence[Finding], found: Sequence[Finding]
    ) -> list[Finding]:
        from checking.checks.names import spare_names
        from checking.checks.typo_general import find_likely_typos

        model = self.typo_model
        likely = spare_names(text, find_likely_typos(text, protected.spans(), model), model)
        taken = [(f.start, f.end) for f in found if f.category is Category.TYPO or CATEGORIES[f.category].names_right_form]
        return [
            f
            for f in likely
            if not any(overlaps((f.start, f.end), span) for span in taken)
        ]


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span: the most specific category wins; a typo inside a formulation
    or banned-term finding is dropped (the wider finding already names the right form)."""
    rank = {c: rule.priority for c, rule in CATEGORIES.items()}
    best: dict[tuple[int, int, str], Finding] = {}
    for f in findings:
        key = (f.start, f.end, "" if f.end > f.start else f.rule)
        if key not in best or rank[f.category] < rank[best[key].category]:
            best[key] = f
    wide = [f for f in best.values() if CATEGORIES[f.category].names_right_form]
    out = [
        f
        for f in best.values()
        if not (f.category is Category.TYPO and any(overlaps((f.start, f.end), (w.start, w.end)) for w in wide))
    ]
    return sorted(out, key=lambda f: (f.start, f.end, rank[f.category], f.rule))
