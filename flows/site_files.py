"""The site's files as sanshen wrote them, recorded in the database in the same locked transaction
that writes them, so the record and the site never disagree about who wrote last.

The database lock (``SITE_LOCK``) serialises publishers on every machine that shares the database
(the store's own lock only covers one machine's folder); the integrity monitor compares the store
with these rows (flows/integrity.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
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
SITE_LOCK = 0x5A45_0013  # database lock key held while the site changes


def hold_site_lock(session: Session) -> None:
    """Wait for, then hold to the end of ``session``'s transaction, the site's lock."""
    session.connection()  # on SQLite this BEGINs IMMEDIATE: the write lock is the site lock
    dialect_for(session.get_bind()).lock_transaction(session, SITE_LOCK)


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


def publish_recorded(engine: Engine, site: StaticSite, item: SiteItem, *, now: datetime,
                     anchor: Anchor | None = None) -> ManifestEntry:
    """Write ``item`` to the site and record its files, under the site lock; with ``anchor``, the
    manifest carries a checkpoint of the audit chain's committed head, signed now."""
    with transaction(engine) as s:
        hold_site_lock(s)
        write = site.write(item, _checkpoint(anchor, s, now))
        record(s, write, now=now)
    return write.entry


def take_down_recorded(engine: Engine, site: StaticSite, draft_id: int, *, now: datetime,
                       anchor: Anchor | None = None) -> ManifestEntry | None:
    """Take the draft's files off the site and forget them, under the site lock (``anchor``: as
    :func:`publish_recorded`)."""
    with transaction(engine) as s:
        hold_site_lock(s)
        write = site.take_down(draft_id, _checkpoint(anchor, s, now))
        record(s, write, now=now)
        s.execute(delete(SiteFile).where(SiteFile.draft_id == draft_id))
    return write.entry


def recorded(session: Session, paths: Iterable[str] | None = None) -> dict[str, SiteFile]:
    """The recorded files (all, or those at ``paths``) by path."""
    query = select(SiteFile)
    if paths is not None:
        query = query.where(SiteFile.path.in_(list(paths)))
    return {f.path: f for f in session.scalars(query)}
