"""The automated pass over a stored revision, as the re-check flow asks for it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from checking.check import Checker
from checking.context import DraftMeta
from checking.draft import check_draft
from checking.located import DraftReport
from lexicon.loader import load_lexicon
from lexicon.model import LexiconOverride
from sanshen.checker import load_default_checker
from sanshen.service.attachment_text import stored_attachment_text
from storage.models import Attachment


@dataclass(frozen=True)
class DraftPass:
    checker: Checker

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        texts = [stored_attachment_text(a.filename, a.data) for a in attachments]
        return check_draft(self.checker, title=title, body=body, attachments=texts, meta=meta)


@dataclass(frozen=True)
class LexiconPass:
    """A recipe for the automated pass under the admin's lexicon edits as they were read: it can be
    sent to another process (a Dask worker), which builds the checker once and keeps it."""

    overrides: tuple[LexiconOverride, ...]

    def __call__(self) -> DraftPass:
        return DraftPass(_checker_with(self.overrides))


@functools.lru_cache(maxsize=2)
def _checker_with(overrides: tuple[LexiconOverride, ...]) -> Checker:
    # one per worker process and lexicon state: building it takes seconds (typo model, matchers)
    lexicon = load_lexicon().with_overrides(list(overrides))
    base = load_default_checker()
    return base if base.version == lexicon.version else base.with_lexicon(lexicon)
