"""After a lexicon change: re-run the automated pass on the current revision of every draft still
in review (title, body and attachments) and replace its findings (unchanged ones keep their rows
and waivers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import Engine, select

from casestore.load import current_revision, interpretation_of
from checking.context import DraftMeta
from checking.located import DraftReport
from flows.findings import replace_findings
from lexicon.vocabulary import DraftKind, DraftStatus
from storage import lexicon_revision
from storage.audit import append_event
from storage.db import transaction
from storage.models import Attachment, Draft

SOURCES = ("submit", "recheck")  # reports of the automated pass (link checks are separate)
STATUSES = (DraftStatus.IN_REVIEW, DraftStatus.RETURNED)
MAX_PASSES = 3  # passes of one draft before its item goes back to the outbox while the lexicon keeps changing


class LexiconMoving(RuntimeError):
    """The lexicon changed during each of the passes tried: the item goes back to the outbox."""


class DraftChecker(Protocol):
    """The automated pass over a stored revision; the shell reads the text of its attachments.
    ``lexicon_revision``: the count of lexicon changes (storage/lexicon_revision.py) its lexicon is
    of, compared with the database's before findings are stored (None: not known, not compared)."""

    @property
    def lexicon_revision(self) -> int | None: ...

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport: ...


CheckerFactory = Callable[[], DraftChecker]
T = TypeVar("T")


def until_current(once: Callable[[], T | None], passes: str) -> T:
    """What ``once`` gives back the first time it is not None: a pass whose lexicon is no longer the
    database's gives None and stores nothing. After ``MAX_PASSES`` such passes :class:`LexiconMoving`
    sends the item back to the outbox (``passes``: what was tried, for the message)."""
    for _ in range(MAX_PASSES):
        result = once()
        if result is not None:
            return result
    raise LexiconMoving(f"the lexicon changed during each of {MAX_PASSES} {passes}")


def draft_meta(draft: Draft, *, has_interpretation: bool = False) -> DraftMeta:
    """What the automated pass reads besides the texts."""
    return DraftMeta(disclosure=draft.disclosure, disclosure_reason=draft.disclosure_reason, kind=draft.kind,
                     has_interpretation=has_interpretation)


def recheck_drafts(engine: Engine, checkers: CheckerFactory, *, now: datetime) -> int:
    """Re-check every draft in review; returns how many drafts' findings changed. ``checkers`` gives
    the pass under the lexicon as it is then, asked again for each draft (and each pass of it)."""
    with transaction(engine, readonly=True) as s:
        ids = s.scalars(select(Draft.id).where(Draft.status.in_(STATUSES)).order_by(Draft.id)).all()
    return sum(recheck_draft(engine, checkers, draft_id=i, now=now) for i in ids)


def recheck_draft(engine: Engine, checkers: CheckerFactory, *, draft_id: int, now: datetime) -> int:
    """1 if the draft's findings changed, else 0. The revision is read, checked with no transaction
    held (reading attachments takes time), and its findings replaced if it is still current and the
    lexicon the pass ran under is still the database's. A pass whose lexicon changed meanwhile stores
    nothing and runs again with a pass ``checkers`` builds then (the cached checker of a context is
    rebuilt when the count of lexicon changes moved); after ``MAX_PASSES`` such passes
    :class:`LexiconMoving` sends the item back to the outbox."""
    return until_current(lambda: _recheck_once(engine, checkers(), draft_id=draft_id, now=now),
                         f"re-checks of draft {draft_id}")


def _recheck_once(engine: Engine, checker: DraftChecker, *, draft_id: int, now: datetime) -> int | None:
    """One pass and, if its lexicon is still current, its findings stored (None: it was not)."""
    with transaction(engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.status not in STATUSES:
            return 0
        rev = current_revision(s, draft)
        files = s.scalars(select(Attachment).where(Attachment.revision_id == rev.id).order_by(Attachment.id)).all()
        has_interpretation = draft.kind == DraftKind.POLICY and interpretation_of(s, draft.id) is not None
    report = checker.check_revision(rev.title, rev.body, files,
                                    meta=draft_meta(draft, has_interpretation=has_interpretation))
    with transaction(engine) as s:
        draft = s.get(Draft, draft_id)
        if draft.status not in STATUSES or draft.current_revision != rev.number:
            return 0  # revised meanwhile (the new revision was checked then) or out of review
        if checker.lexicon_revision is not None and lexicon_revision.held_in(s) != checker.lexicon_revision:
            return None  # stale: the lexicon changed while the pass ran
        result = replace_findings(s, draft_id=draft.id, revision=rev.number, revision_id=rev.id,
                                  findings=report.findings, sources=SOURCES, source="recheck",
                                  lexicon_version=report.lexicon_version, now=now)
        if not (result.added or result.superseded):
            return 0
        append_event(s, action="check.rechecked", actor="system", draft_id=draft.id,
                     payload={"revision": rev.number, "lexicon_version": report.lexicon_version,
                              "added": result.added, "superseded": result.superseded}, at=now)
        return 1
