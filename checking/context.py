"""What a check receives: the text and its views, the draft's metadata, the loaded lexicon and
typo model, and what several checks share, each computed once, when first asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from checking.checks import link, pii
from checking.checks.spans import Span
from checking.findings import Category, Finding
from lexicon.compiled import CompiledLexicon, Document
from lexicon.matchers import ExactHit
from lexicon.model import LexiconTerm
from lexicon.typo_model import TypoModel


@dataclass(frozen=True)
class DraftMeta:
    disclosure: str | None = None
    disclosure_reason: str | None = None
    kind: str = "news"
    has_interpretation: bool = False


Check = Callable[["CheckContext"], list[Finding]]


@dataclass(frozen=True)
class CheckContext:
    doc: Document
    lexicon: CompiledLexicon
    typo_model: TypoModel | None
    allowed_domains: tuple[str, ...]
    meta: DraftMeta | None  # None: the text alone, without the draft's metadata
    wanted: tuple[Category, ...]
    checks: Mapping[Category, Check] = field(repr=False)
    _found: dict[Category, list[Finding]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def pii_scan(self) -> pii.PiiScan:
        return pii.scan(self.doc)

    @cached_property
    def exact(self) -> list[ExactHit[LexiconTerm]]:
        """Canonical formulations written exactly, on the squeezed text."""
        return self.lexicon.formulations.find(self.doc.squeezed.text)

    @cached_property
    def canonical(self) -> list[Span]:
        """Where the exact formulations stand in the text."""
        return [self.doc.span_of_squeezed(h.start, h.end) for h in self.exact]

    @cached_property
    def plain(self) -> str:
        """``doc.text`` as written but without the characters a browser does not draw: what the
        punctuation, number and link rules read (a U+200B inside 2021—2025年 hides nothing from
        them). Its offsets are those of ``doc.visible``; :meth:`to_plain` and
        ``checking.checks.spans.on_text`` map to and from ``doc.text``."""
        return self.doc.visible.keep(self.doc.text)

    @cached_property
    def plain_links(self) -> list[Span]:
        """The links of :attr:`plain`, in its offsets."""
        return link.url_spans(self.plain)

    @cached_property
    def links(self) -> list[Span]:
        """The links, in the offsets of ``doc.text``."""
        return [self.doc.span_of_visible(start, end) for start, end in self.plain_links]

    def to_plain(self, spans: list[Span]) -> list[Span]:
        """Spans of ``doc.text`` in the offsets of :attr:`plain` (and of ``doc.visible``)."""
        visible = self.doc.visible
        if not visible.removed:
            return spans
        return [(visible.view_start(start), visible.view_start(end)) for start, end in spans]

    def found(self, category: Category) -> list[Finding]:
        """The findings of ``category`` when it is wanted (its check runs once), else none."""
        if category not in self.wanted:
            return []
        if category not in self._found:
            self._found[category] = self.checks[category](self)
        return self._found[category]
