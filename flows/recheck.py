"""After a lexicon change: re-run the automated pass on the current revision of every
draft still in review and replace its findings (unchanged ones keep their rows and waivers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine, select

from casestore.load import current_revision, interpretation_of
from flows.findings import replace_findings
from checking.context import DraftMeta
from checking.findings import Report
from lexicon.vocabulary import DraftKind, DraftStatus
from storage.audit import append_event
from storage.db import transaction
from storage.models import Draft

SOURCES = ("submit", "recheck")  # reports of the automated pass (link checks are separate)
STATUSES = (DraftStatus.IN_REVIEW, DraftStatus.RETURNED)


class Checker(Protocol):
    def check(self, text: str, *, meta: DraftMeta) -> Report: ...


CheckerFactory = Callable[[], Checker]


def draft_meta(draft: Draft, title: str | None = None, *, has_interpretation: bool = False) -> DraftMeta:
    """What the automated pass reads besides the body (``title`` is accepted but not checked)."""
    return DraftMeta(disclosure=draft.disclosure, disclosure_reason=draft.disclosure_reason, kind=draft.kind,
                     has_interpretation=has_interpretation)


def recheck_drafts(engine: Engine, checker: Checker, *, now: datetime) -> int:
    """Re-check every draft in review; returns how many drafts' findings changed."""
    with transaction(engine, readonly=True) as s:
        ids = s.scalars(select(Draft.id).where(Draft.status.in_(STATUSES)).order_by(Draft.id)).all()
    return sum(recheck_draft(engine, checker, draft_id=i, now=now) for i in ids)


def recheck_draft(engine: Engine, checker: Checker, *, draft_id: int, now: datetime) -> int:
    """1 if the draft's findings changed, else 0. One transaction per draft."""
    with transaction(engine) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.status not in STATUSES:
            return 0
        rev = current_revision(s, draft)
        has_interpretation = draft.kind == DraftKind.POLICY and interpretation_of(s, draft.id) is not None
        report = checker.check(rev.body, meta=draft_meta(draft, rev.title, has_interpretation=has_interpretation))
        result = replace_findings(s, draft_id=draft.id, revision=rev.number, revision_id=rev.id,
                                  findings=report.findings, sources=SOURCES, source="recheck",
                                  lexicon_version=report.lexicon_version, now=now)
        if not (result.added or result.superseded):
            return 0
        append_event(s, action="check.rechecked", actor="system", draft_id=draft.id,
                     payload={"revision": rev.number, "lexicon_version": report.lexicon_version,
                              "added": result.added, "superseded": result.superseded}, at=now)
        return 1
