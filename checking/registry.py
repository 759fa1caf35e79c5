"""Which check finds each category's findings, and what it takes from the context."""

from __future__ import annotations

import re

from checking.categories import CATEGORIES
from checking.checks import (
    banned,
    disclosure,
    doubled,
    formulation,
    invisible,
    link,
    number,
    punctuation,
    secrecy,
    typo,
)
from checking.checks.names import spare_names
from checking.checks.spans import SpanSet, on_text, overlaps
from checking.checks.typo_general import findings_of, reported, scored_runs, suspects_by_run, unprotected
from checking.checks.typo_shields import (
    counted_names,
    datelines,
    document_numbers,
    firm_names,
    listed_names,
    parallel_phrases,
    person_names,
    quoted_coinages,
    spare_repeated,
    titles,
    transliterated_names,
)
from checking.context import Check, CheckContext
from checking.findings import Category, Finding

NUMBER = re.compile(r"[0-9][0-9]*(?:[.,:/\-][0-9]+)*%?")  # on folded text; a leading single class scans fast


def check_pii(ctx: CheckContext) -> list[Finding]:
    return ctx.pii_scan.findings


def check_secrecy(ctx: CheckContext) -> list[Finding]:
    return secrecy.check(ctx.doc, ctx.lexicon)


def check_banned(ctx: CheckContext) -> list[Finding]:
    return banned.check(ctx.doc, ctx.lexicon, SpanSet(ctx.pii_scan.identifiers + ctx.links))


def check_formulation(ctx: CheckContext) -> list[Finding]:
    return formulation.check(ctx.doc, ctx.lexicon, ctx.exact)


def check_punctuation(ctx: CheckContext) -> list[Finding]:
    """On the text without invisible characters (a hidden U+200B breaks no rule's pattern)."""
    return on_text(ctx.doc, punctuation.check(ctx.plain, ctx.lexicon, SpanSet(ctx.plain_links)))


def check_number(ctx: CheckContext) -> list[Finding]:
    """On the folded text without invisible characters, like the punctuation rules."""
    protected = ctx.to_plain([*ctx.canonical, *ctx.pii_scan.identifiers, *ctx.links])
    return on_text(ctx.doc, number.check(ctx.doc.visible.text, SpanSet(protected)))


def check_link(ctx: CheckContext) -> list[Finding]:
    return on_text(ctx.doc, link.check(ctx.plain, ctx.allowed_domains, ctx.plain_links))


def check_disclosure(ctx: CheckContext) -> list[Finding]:
    meta = ctx.meta
    if meta is None:
        return []
    return disclosure.check(meta.disclosure, meta.disclosure_reason, meta.kind, meta.has_interpretation)


def check_invisible(ctx: CheckContext) -> list[Finding]:
    return invisible.check(ctx.doc)


def check_typo(ctx: CheckContext) -> list[Finding]:
    """Known pairs, then (with a typo model) doubled words and likely typos that no other typo,
    formulation or banned-term finding covers; canonical forms, identifiers, numbers and links are protected."""
    numbers = [m.span() for m in NUMBER.finditer(ctx.doc.folded)]
    protected = SpanSet([*ctx.canonical, *ctx.pii_scan.identifiers, *numbers, *ctx.links])
    known = typo.check(ctx.doc, ctx.lexicon, protected)
    model = ctx.typo_model
    if model is None:
        return known
    visible = ctx.doc.visible
    text = visible.keep(ctx.doc.text)
    runs = scored_runs(text, model)
    known += on_text(ctx.doc, doubled.check(text, runs, model.reduplicating))
    # only suspects that reach the cutoff can be reported: when there are none, the shields (names,
    # titles, document numbers …) have nothing to protect and are not read
    found = suspects_by_run(text, (), model, runs, cutoff=model.weights.cutoff)
    if not any(suspects for _, suspects in found):
        return known
    spans = [(visible.view_start(start), visible.view_start(end)) for start, end in protected.spans()]
    surnames = model.names.surnames
    title_spans = titles(text)
    spans += datelines(text) + document_numbers(text) + firm_names(text) + quoted_coinages(text)
    names = person_names(text, surnames, title_spans) + listed_names(text, model.names.common_surnames)
    names += counted_names(text, surnames) + transliterated_names(text)
    spans += names + title_spans + parallel_phrases(text)
    likely_typos = findings_of(reported(unprotected(text, found, spans, names), model.weights))
    likely = on_text(ctx.doc, spare_repeated(text, spare_names(text, likely_typos, model, runs)))
    wide = [f for c in ctx.wanted if CATEGORIES[c].names_right_form for f in ctx.found(c)]
    taken = [(f.start, f.end) for f in (*known, *wide)]
    return known + [f for f in likely if not any(overlaps((f.start, f.end), span) for span in taken)]


CHECKS: dict[Category, Check] = {
    Category.FORMULATION: check_formulation,
    Category.BANNED: check_banned,
    Category.SECRECY: check_secrecy,
    Category.PII: check_pii,
    Category.TYPO: check_typo,
    Category.PUNCTUATION: check_punctuation,
    Category.NUMBER: check_number,
    Category.LINK: check_link,
    Category.DISCLOSURE: check_disclosure,
    Category.INVISIBLE: check_invisible,
}
