"""A sliding window of counted requests per key, kept in the database (``ratehit``) so that every
web process counts in the same window: a rate limit holds however many processes serve."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from storage.dialect import dialect_for
from storage.models import RateHit

_RATE_LOCK = 0x5A45_0004  # high half of the lock key of one bucket and key (the low half is a CRC of them)


def lock_key(bucket: str, key: str) -> int:
    """The lock named for ``bucket`` and ``key`` (a positive 63-bit integer)."""
    return (_RATE_LOCK << 32) | zlib.crc32(f"{bucket}\0{key}".encode("utf-8"))


def count_hit(session: Session, *, bucket: str, key: str, at: datetime, limit: int,
              window: timedelta) -> datetime | None:
    """Count one request of ``key`` at ``at``, unless ``limit`` were counted in the window that ends
    at ``at``: then nothing is counted and the answer is when the oldest of them leaves the window.

    Concurrent callers for the same key queue on a lock held to the end of the transaction (the
    database's write lock on SQLite, an advisory lock on PostgreSQL), so the count they read is the
    one they add to. Hits that left the window are deleted on the way (of every key of ``bucket``,
    except rows another caller is deleting at the same time: never waited for), so the table holds
    at most ``limit`` rows per key that asked within the last window."""
    dialect = dialect_for(session.get_bind())
    dialect.lock_transaction(session, lock_key(bucket, key))
    expired = select(RateHit.id).where(RateHit.bucket == bucket, RateHit.at <= at - window)
    session.execute(delete(RateHit).where(RateHit.id.in_(dialect.lock_for_claim(expired).scalar_subquery())),
                    execution_options={"synchronize_session": False})
    oldest, seen = session.execute(select(func.min(RateHit.at), func.count())
                                   .where(RateHit.bucket == bucket, RateHit.key == key)).one()
    if seen >= limit:
        return oldest + window
    session.add(RateHit(bucket=bucket, key=key, at=at))
    session.flush()
    return None
