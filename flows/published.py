"""The pages on the site now: every published draft at the revision it was published with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from lexicon.vocabulary import DraftStatus
from storage.db import transaction
from storage.models import Draft, Revision


@dataclass(frozen=True)
class PublishedPage:
    draft_id: int
    revision: int
    revision_id: int
    column: str
    title: str
    body: str


def published_pages(engine: Engine, *, column: str | None = None) -> list[PublishedPage]:
    """Every published draft (of ``column`` only, if given), oldest first. A published draft's
    current revision is the one on the site: a new revision takes it back into review."""
    query = (select(Draft, Revision)
             .join(Revision, (Revision.draft_id == Draft.id) & (Revision.number == Draft.current_revision))
             .where(Draft.status == DraftStatus.PUBLISHED).order_by(Draft.id))
    if column is not None:
        query = query.where(Draft.column == column)
    with transaction(engine, readonly=True) as s:
        return [PublishedPage(draft_id=d.id, revision=r.number, revision_id=r.id, column=d.column,
                              title=r.title, body=r.body)
                for d, r in s.execute(query).all()]
