"""The automated pass over a stored revision, as the re-check flow asks for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checking.check import Checker
from checking.context import DraftMeta
from checking.draft import check_draft
from checking.located import DraftReport
from sanshen.service.attachment_text import stored_attachment_text
from storage.models import Attachment


@dataclass(frozen=True)
class DraftPass:
    checker: Checker

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        texts = [stored_attachment_text(a.filename, a.data) for a in attachments]
        return check_draft(self.checker, title=title, body=body, attachments=texts, meta=meta)
