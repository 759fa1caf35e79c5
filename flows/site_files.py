"""The site's files as sanshen wrote them, recorded in the database under the same site lock that
is held while they are written, so the record and the site never disagree about who wrote last.

The site lock (``SITE_LOCK``, :func:`site_lock`) serialises publishers on every machine that shares
the database (the store's own lock only covers one machine's folder). It is not the database's
write lock: reading the checkpoint, rendering and writing the files run while sign-offs, returns
and submits commit; only the recording of the files is a (short) write transaction, taken inside
the site lock (always in that order: site lock, then write transaction). A publication interrupted
between writing the files and recording them is simply run again (the outbox), as before. The
integrity monitor compares the store with these rows under the same lock (flows/integrity.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from flows.site import ManifestEntry, SiteItem, SiteWrite, StaticSite, WrittenFile
from storage.chain import Checkpoint
from storage.checkpoint import Anchor
from storage.db import transaction
from storage.dialect import dialect_for
from storage.models import SiteFile

log = logging.getLogger("sanshen.flows")
SITE_LOCK = 0x5A45_0013  # the lock held while the site changes


@contextmanager
def site_lock(engine: Engine) -> Iterator[None]:
    """Wait for, then hold to the end of the block, the site's lock: one holder among every process
    and machine using the database (PostgreSQL: an advisory lock; SQLite: a file lock beside the
    database), while other transactions go on. Take it before, never inside, a write transaction."""
    with dialect_for(engine).exclusive(engine, SITE_LOCK):
        yield


def record(session: Session, write: SiteWrite, *, now: datetime) -> None:
    """Make the rows say what ``write`` did: files written now hold these bytes, removed ones are gone."""
    paths = [f.path for f in write.written] + list(write.removed)
    if paths:
        session.execute(delete(SiteFile).where(SiteFile.path.in_(paths)))
        session.flush()
    session.add_all(_row(f, now) for f in write.written)
    session.flush()


def _row(f: WrittenFile, now: datetime) -> SiteFile:
    return SiteFile(path=f.path, kind=f.kind, draft_id=f.draft_id, sha256=f.sha256, size=f.size,
                    data=f.data, recorded_at=now)


def _checkpoint(anchor: Anchor | None, session: Session, now: datetime) -> Checkpoint | None:
    """A checkpoint for the manifest; a key that cannot be read or made never stops a publication
    (logged; the scheduled checkpoint job reports it again)."""
    if anchor is None:
        return None
    try:
        return anchor.checkpoint(session, now)
    except (OSError, ValueError):
        log.exception("could not sign an audit checkpoint for the manifest")
        return None


def _signed_head(anchor: Anchor | None, engine: Engine, now: datetime) -> Checkpoint | None:
    if anchor is None:
        return None
    with transaction(engine, readonly=True) as s:
        return _checkpoint(anchor, s, now)


def publish_recorded(engine: Engine, site: StaticSite, item: SiteItem, *, now: datetime,
                     anchor: Anchor | None = None) -> ManifestEntry:
    """Write ``item`` to the site and record its files, under the site lock (the write lock only
    while recording); with ``anchor``, the manifest carries a checkpoint of the audit chain's
    committed head, signed now."""
    with site_lock(engine):
        write = site.write(item, _signed_head(anchor, engine, now))
        with transaction(engine) as s:
            record(s, write, now=now)
    return write.entry


def take_down_recorded(engine: Engine, site: StaticSite, draft_id: int, *, now: datetime,
                       anchor: Anchor | None = None) -> ManifestEntry | None:
    """Take the draft's files off the site and forget them, under the site lock (``anchor``: as
    :func:`publish_recorded`)."""
    with site_lock(engine):
        write = site.take_down(draft_id, _signed_head(anchor, engine, now))
        with transaction(engine) as s:
            record(s, write, now=now)
            s.execute(delete(SiteFile).where(SiteFile.draft_id == draft_id))
    return write.entry


def recorded(session: Session, paths: Iterable[str] | None = None) -> dict[str, SiteFile]:
    """The recorded files (all, or those at ``paths``) by path."""
    query = select(SiteFile)
    if paths is not None:
        query = query.where(SiteFile.path.in_(list(paths)))
    return {f.path: f for f in session.scalars(query)}
