"""The lexicon compiled into matchers, once per process, and the text views they run on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexicon.matchers import ExactMatcher, NearMatcher
from lexicon.model import Lexicon, LexiconTerm, TermKind
from lexicon.normalize import (
    Squeezed,
    fold_and_detect,
    squeeze,
    squeeze_term,
    unhide,
    unhide_term,
)
from lexicon.words import WordIndex

NEAR_MIN_LENGTH = 4  # shorter formulations are protected spans only
HALF_WIDTH_TWINS = str.maketrans("，；：", ",;:")
# Groups matched exactly only: abbreviations (many bodies share the pattern: 全国台联, 全国妇联) and
# titles of laws (hundreds share 中华人民共和国, whose own near misses are reported for it, and a title
# one or two edits from another is mostly another law).
EXACT_ONLY_GROUPS = frozenset({"简称", "法律", "行政法规", "地方性法规"})


@dataclass(frozen=True)
class Document:
    """A text and its matching views: ``folded`` has the same offsets as ``text``; ``visible``
    drops the characters a browser does not draw from it, ``squeezed`` noise characters too, and
    both map offsets back."""

    text: str
    folded: str
    squeezed: Squeezed
    visible: Squeezed

    @classmethod
    def of(cls, text: str) -> "Document":
        folded, may_hide = fold_and_detect(text)
        visible = unhide(folded) if may_hide else Squeezed(folded, (), ())
        return cls(text, folded, squeeze(folded, invisible=visible.removed > 0), visible)

    def span_of_squeezed(self, start: int, end: int) -> tuple[int, int]:
        return self.squeezed.orig_start(start), self.squeezed.orig_end(end)

    def span_of_visible(self, start: int, end: int) -> tuple[int, int]:
        return self.visible.orig_start(start), self.visible.orig_end(end)


@dataclass(frozen=True)
class CompiledLexicon:
    lexicon: Lexicon
    words: WordIndex
    banned: ExactMatcher[LexiconTerm]  # on squeezed text
    secrecy: ExactMatcher[LexiconTerm]  # on squeezed text
    formulations: ExactMatcher[LexiconTerm]  # canonical forms and their accepted variants, on squeezed text
    accepted: str  # the squeezed canonical and accepted forms, one a line, to look phrases up in
    near: NearMatcher  # on squeezed text; term_index into ``near_terms``
    near_terms: tuple[LexiconTerm, ...]
    near_keys: tuple[str, ...]  # the squeezed form of each near term, as the matcher sees it
    typos: ExactMatcher[LexiconTerm]  # known pairs and context pairs, on visible text
    allow: ExactMatcher[LexiconTerm]  # on visible text
    contexts: dict[str, re.Pattern[str]]  # each term's context pattern, compiled
    # every prefix of three or more characters of the near keys: how many distinct keys start with it
    near_prefixes: dict[str, int]

    def other_key_starts_with(self, head: str, key: str) -> bool:
        """Whether a near key other than ``key`` starts with ``head`` (a prefix index built once,
        rather than a scan of every key per finding)."""
        return self.near_prefixes.get(head, 0) > (1 if key.startswith(head) else 0)

    @property
    def version(self) -> str:
        return self.lexicon.version

    def in_context(self, term: LexiconTerm, sentence: str) -> bool:
        """Whether ``sentence`` (the occurrence written CONTEXT_MARK) is a context that ``term``, one
        with a context pattern, applies in."""
        return self.contexts[term.context].search(sentence) is not None

    @classmethod
    def compile(cls, lexicon: Lexicon, words: WordIndex | None = None) -> "CompiledLexicon":
        words = words or WordIndex.load()

        def squeezed(*kinds: TermKind) -> ExactMatcher[LexiconTerm]:
            return ExactMatcher((squeeze_term(t.term), t) for t in lexicon.terms if t.kind in kinds)

        def visible(*kinds: TermKind) -> ExactMatcher[LexiconTerm]:
            return ExactMatcher((unhide_term(t.term), t) for t in lexicon.terms if t.kind in kinds)

        near_terms = tuple(
            t
            for t in lexicon.of_kind(TermKind.FORMULATION)
            if len(squeeze_term(t.term)) >= NEAR_MIN_LENGTH and t.note not in EXACT_ONLY_GROUPS
        )
        near_keys = tuple(squeeze_term(t.term) for t in near_terms)
        accepted = [(squeeze_term(form), t) for t in lexicon.of_kind(TermKind.FORMULATION) for form in (t.term, *t.allowed)]
        # The same wording with a half-width comma, semicolon or colon: the punctuation check reports the width.
        accepted += [(twin, t) for form, t in accepted if (twin := form.translate(HALF_WIDTH_TWINS)) != form]
        return cls(
            lexicon=lexicon,
            words=words,
            banned=squeezed(TermKind.BANNED),
            secrecy=squeezed(TermKind.SECRECY),
            formulations=ExactMatcher(accepted),
            accepted="\n".join(form for form, _ in accepted),
            near=NearMatcher(near_keys, NEAR_MIN_LENGTH, words.piece_cost),
            near_terms=near_terms,
            near_keys=near_keys,
            typos=visible(TermKind.TYPO, TermKind.CONTEXT),
            allow=visible(TermKind.ALLOW),
            contexts={t.context: re.compile(t.context) for t in lexicon.terms if t.context},
            near_prefixes=prefix_counts(near_keys, 3),
        )


def prefix_counts(keys: tuple[str, ...], shortest: int) -> dict[str, int]:
    """For every prefix of at least ``shortest`` characters of the distinct ``keys``, how many start with it."""
    counts: dict[str, int] = {}
    for key in set(keys):
        for end in range(shortest, len(key) + 1):
            counts[key[:end]] = counts.get(key[:end], 0) + 1
    return counts
