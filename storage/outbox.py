"""The outbox: automated work written in the same transaction as the action that causes it.

A worker claims ready items with a lease; if it dies, the lease runs out and the
items become claimable again; a worker that stops cleanly ``release``s what it never started. ``complete`` and ``fail`` end a claim; ``fail`` puts
the item back with the retry time the caller chose (backoff); ``mark_dead`` ends an
item for good (a dead letter: ``done_at`` and ``dead_at`` set, the error kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, func, or_, select, type_coerce, update
from sqlmodel import Session

from storage.db import transaction
from storage.dialect import dialect_for
from storage.models import Outbox
from storage.types import UtcDateTime

MAX_ERROR_CHARS = 4000
# Claimed in this order (lower first), then oldest first: publication and withdrawal never wait
# behind notifications, link checks or re-checks; a draft's automated pass (someone waits for it)
# comes next, then the notifications of stages that opened.
PRIORITY = {"publish": 0, "withdraw": 0, "expire": 0, "check": 1, "route": 2}
DEFAULT_PRIORITY = 5


def priority_of(kind: str) -> int:
    return PRIORITY.get(kind, DEFAULT_PRIORITY)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    key: str
    payload: dict
    attempts: int  # including the claim that returned this item
    created_at: datetime
    claimed_by: str
    claimed_until: datetime
    taken_from: str | None = None  # the worker whose lease on it had run out (it died, or stalled)


def enqueue(
    session: Session, *, kind: str, key: str, payload: dict, now: datetime,
    available_at: datetime | None = None,
) -> bool:
    """Add an item unless one with this key exists; True if it was added."""
    values = dict(kind=kind, key=key, payload=payload, created_at=now,
                  available_at=available_at or now, attempts=0, priority=priority_of(kind))
    return dialect_for(session.get_bind()).insert_unless_exists(session, Outbox, values, unique_on=["key"])


def _ready(now: datetime):
    return (
        Outbox.done_at.is_(None),
        Outbox.available_at <= now,
        or_(Outbox.claimed_until.is_(None), Outbox.claimed_until <= now),
    )


_CLAIM_ORDER = (Outbox.priority, Outbox.available_at, Outbox.id)  # ix_outbox_claim


def claim(
    engine: Engine, *, worker: str, now: datetime, lease: timedelta, limit: int = 10, key: str | None = None,
    kind: str | None = None, keys: list[str] | None = None,
) -> list[OutboxItem]:
    """Claim up to ``limit`` ready items, by priority then oldest first (or the one with ``key``, if
    it is ready; or only among ``keys``), until ``now + lease``. Rows another claimer holds locked are
    skipped, so workers claiming from the same ``keys`` each get the next item nobody holds."""
    until = now + lease
    with transaction(engine) as session:
        query = select(Outbox).where(*_ready(now)).order_by(*_CLAIM_ORDER).limit(limit)
        if key is not None:
            query = query.where(Outbox.key == key)
        if keys is not None:
            query = query.where(Outbox.key.in_(keys))
        if kind is not None:
            query = query.where(Outbox.kind == kind)
        query = dialect_for(session.get_bind()).lock_for_claim(query)
        rows = session.execute(query).scalars().all()
        items = []
        for row in rows:
            taken_from = row.claimed_by
            row.claimed_by = worker
            row.claimed_until = until
            row.attempts += 1
            items.append(OutboxItem(row.id, row.kind, row.key, dict(row.payload), row.attempts,
                                    row.created_at, worker, until, taken_from))
        return items


@dataclass(frozen=True)
class ReadyItem:
    id: int
    key: str
    attempts: int
    created_at: datetime


def ready(engine: Engine, *, now: datetime, limit: int) -> list[ReadyItem]:
    """The items that could be claimed now, in the order :func:`claim` takes them, without claiming them."""
    with transaction(engine, readonly=True) as session:
        rows = session.execute(select(Outbox.id, Outbox.key, Outbox.attempts, Outbox.created_at).where(*_ready(now))
                               .order_by(*_CLAIM_ORDER).limit(limit)).all()
    return [ReadyItem(*row) for row in rows]


def defer(engine: Engine, item_id: int, *, worker: str, now: datetime, retry_at: datetime, reason: str) -> None:
    """Hand back a claimed item that could not start yet (what it needs is busy elsewhere): ready again
    at ``retry_at``, and the claim does not count as an attempt (it never ran)."""
    with transaction(engine) as session:
        session.execute(
            update(Outbox).where(Outbox.id == item_id, Outbox.claimed_by == worker, Outbox.done_at.is_(None))
            .values(available_at=max(retry_at, now), claimed_by=None, claimed_until=None,
                    attempts=Outbox.attempts - 1, last_error=reason[:MAX_ERROR_CHARS])
        )


def finished(engine: Engine, key: str) -> OutboxItem | None:
    """The item with ``key`` if it is done (and not dead)."""
    with transaction(engine, readonly=True) as session:
        row = session.scalar(select(Outbox).where(Outbox.key == key, Outbox.done_at.is_not(None),
                                                  Outbox.dead_at.is_(None)))
        if row is None:
            return None
        return OutboxItem(row.id, row.kind, row.key, dict(row.payload), row.attempts, row.created_at,
                          "", row.done_at)


def complete(engine: Engine, item_id: int, *, now: datetime) -> None:
    with transaction(engine) as session:
        session.execute(
            update(Outbox).where(Outbox.id == item_id)
            .values(done_at=now, claimed_by=None, claimed_until=None, last_error=None)
        )


def fail(engine: Engine, item_id: int, *, error: str, now: datetime, retry_at: datetime) -> None:
    """Release the claim and make the item ready again at ``retry_at``."""
    with transaction(engine) as session:
        session.execute(
            update(Outbox).where(Outbox.id == item_id, Outbox.done_at.is_(None))
            .values(available_at=max(retry_at, now), claimed_by=None, claimed_until=None,
                    last_error=error[:MAX_ERROR_CHARS])
        )


def release(engine: Engine, item_ids: list[int], *, worker: str) -> None:
    """Hand back claimed items that were never started (a stopping worker): ready again at once,
    and the claim does not count as an attempt."""
    if not item_ids:
        return
    with transaction(engine) as session:
        session.execute(
            update(Outbox).where(Outbox.id.in_(item_ids), Outbox.claimed_by == worker, Outbox.done_at.is_(None))
            .values(claimed_by=None, claimed_until=None, attempts=Outbox.attempts - 1)
        )


def renew(engine: Engine, *, worker: str, now: datetime, lease: timedelta) -> int:
    """Extend every unfinished claim ``worker`` holds to ``now + lease`` (a live worker's heartbeat);
    returns how many."""
    with transaction(engine) as session:
        result = session.execute(
            update(Outbox).where(Outbox.claimed_by == worker, Outbox.done_at.is_(None))
            .values(claimed_until=now + lease)
        )
        return result.rowcount


def holders(engine: Engine) -> list[str]:
    """The workers holding claims on unfinished items."""
    with transaction(engine, readonly=True) as session:
        return sorted(session.scalars(
            select(Outbox.claimed_by).where(Outbox.claimed_by.is_not(None), Outbox.done_at.is_(None)).distinct()))


def release_claims_of(engine: Engine, workers: list[str]) -> int:
    """Make the items claimed by ``workers`` (known to be gone) ready again at once; the claim stays
    counted as an attempt (the item may have been in progress). Returns how many."""
    if not workers:
        return 0
    with transaction(engine) as session:
        result = session.execute(
            update(Outbox).where(Outbox.claimed_by.in_(workers), Outbox.done_at.is_(None))
            .values(claimed_by=None, claimed_until=None)
        )
        return result.rowcount


def mark_dead(session: Session, item_id: int, *, error: str, now: datetime) -> bool:
    """Give up on an unfinished item, in the caller's transaction; False if it was already done."""
    result = session.execute(
        update(Outbox).where(Outbox.id == item_id, Outbox.done_at.is_(None))
        .values(done_at=now, dead_at=now, claimed_by=None, claimed_until=None, last_error=error[:MAX_ERROR_CHARS])
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class DeadItem:
    id: int
    kind: str
    key: str
    attempts: int
    dead_at: datetime
    last_error: str | None


def dead_since(engine: Engine, since: datetime) -> list[DeadItem]:
    """Items given up on at or after ``since``, oldest first."""
    with transaction(engine, readonly=True) as session:
        rows = session.execute(
            select(Outbox.id, Outbox.kind, Outbox.key, Outbox.attempts, Outbox.dead_at, Outbox.last_error)
            .where(Outbox.dead_at >= since).order_by(Outbox.dead_at, Outbox.id)
        ).all()
    return [DeadItem(*row) for row in rows]


def pending_count(engine: Engine) -> int:
    """Items not done yet, whether ready, waiting for a retry or claimed."""
    with transaction(engine, readonly=True) as session:
        return session.execute(
            select(func.count()).select_from(Outbox).where(Outbox.done_at.is_(None))
        ).scalar_one()


def next_ready_at(engine: Engine) -> datetime | None:
    """When the earliest unfinished item can next be claimed (lease expiry included)."""
    ready = case((Outbox.claimed_until > Outbox.available_at, Outbox.claimed_until),
                 else_=Outbox.available_at)
    with transaction(engine, readonly=True) as session:
        return session.execute(
            select(type_coerce(func.min(ready), UtcDateTime())).where(Outbox.done_at.is_(None))
        ).scalar_one()
