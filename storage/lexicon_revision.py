"""The count of lexicon changes (one row, set up by migration 0004): every change of the admin's
lexicon edits bumps it in its own transaction, and a process compares it with the count its
checker was built at before each check."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from storage.db import transaction
from storage.models import LexiconRevision

ROW = 1


def bump(session: Session) -> None:
    """Count one more change; concurrent writers queue on the row, so the count follows commit order."""
    session.execute(update(LexiconRevision).where(LexiconRevision.id == ROW)
                    .values(number=LexiconRevision.number + 1))


def current_in(session: Session) -> int:
    """The count as ``session`` sees it (after its own bump)."""
    return session.scalars(select(LexiconRevision.number).where(LexiconRevision.id == ROW)).one()


def held_in(session: Session) -> int:
    """The count, the row held until ``session``'s transaction ends (FOR SHARE on PostgreSQL; SQLite
    serializes writers anyway): a change committed first is seen, one made meanwhile waits for this
    transaction to commit. What a pass compares before it stores findings of its lexicon."""
    return session.scalars(select(LexiconRevision.number).where(LexiconRevision.id == ROW)
                           .with_for_update(read=True)).one()


def current(engine: Engine) -> int:
    with transaction(engine, readonly=True) as session:
        return session.scalars(select(LexiconRevision.number).where(LexiconRevision.id == ROW)).one()
