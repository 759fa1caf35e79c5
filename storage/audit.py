"""The append-only, hash-chained audit trail (docs/architecture.md §6).

The hashing rule lives in :mod:`storage.chain` (standard library only, so exports
can be re-verified without sanshen). Appends are serialised by a lock each appending
transaction holds to its end (:meth:`storage.dialect.Dialect.lock_transaction`).
Database triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TextIO

import orjson
from sqlalchemy import Text, cast, select
from sqlmodel import Session

from storage.chain import (
    CHECKPOINT_KEY,
    FIELDS,
    GENESIS,
    ChainRecord,
    ChainReport,
    Checkpoint,
    canonical_json,
    event_hash,
    format_at,
    verify_records,
)
from storage.dialect import dialect_for
from storage.models import AuditEvent

__all__ = ["ChainReport", "append_event", "verify_chain", "export_events", "iter_records"]

_AUDIT_LOCK = 0x5A45_0002  # lock key serialising appends
_STREAM_BATCH = 5000
_LONG_NUMBER = re.compile(r"\d{19}")
_TAIL = "sanshen.audit.tail"  # session.info key: (transaction, seq, hash) of the last append


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return format_at(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"audit payload value is not JSON-safe: {value!r}")


def _normalise_payload(payload: dict) -> dict:
    return json.loads(json.dumps(payload, default=_jsonable, allow_nan=False))


def append_event(
    session: Session, *, action: str, actor: str | None, draft_id: int | None,
    payload: dict, at: datetime, flush: bool = True,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction. ``flush=False``: the row is
    written with the session's next flush (several appends of one transaction in one INSERT)."""
    seq, prev_hash = _next_link(session)
    payload = _normalise_payload(payload)
    actor = actor or None  # the CSV export cannot tell "" from null
    at_text = format_at(at)
    digest = event_hash(seq=seq, at=at_text, actor=actor, action=action,
                        draft_id=draft_id, payload=payload, prev_hash=prev_hash)
    event = AuditEvent(seq=seq, at=datetime.fromisoformat(at_text), actor=actor, action=action,
                       draft_id=draft_id, payload=payload, prev_hash=prev_hash, hash=digest)
    session.add(event)
    if flush:
        session.flush()
    session.info[_TAIL] = (session.get_transaction(), seq, digest)
    return event


_CHAIN_TAIL = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)  # built once


def _next_link(session: Session) -> tuple[int, str]:
    """The next seq and the hash to link to. The chain is locked for the rest of the transaction,
    so later appends in the same transaction continue from the tail remembered in ``session.info``."""
    tail = session.info.get(_TAIL)
    if tail is not None and tail[0] is session.get_transaction():
        return tail[1] + 1, tail[2]
    dialect_for(session.get_bind()).lock_transaction(session, _AUDIT_LOCK)
    last = session.execute(_CHAIN_TAIL).first()
    return (last.seq + 1, last.hash) if last else (1, GENESIS)


def _load_json(text_: str) -> dict:
    """orjson where it is exact; it reads integers of 19+ digits as floats, so those go to json."""
    if _LONG_NUMBER.search(text_) is None:
        try:
            return orjson.loads(text_)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text_)


def iter_records(session: Session, where: Sequence[Any] = (), *,
                 batch_size: int = _STREAM_BATCH) -> Iterator[ChainRecord]:
    """Every event (or those matching ``where``) in seq order, in the form the hashing rule reads:
    read a batch at a time, each batch from the seq the last one ended at (no server-side cursor,
    which PostgreSQL keeps only inside a transaction, and reads run in autocommit there)."""
    query = (select(AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.action,
                    AuditEvent.draft_id, cast(AuditEvent.payload, Text), AuditEvent.prev_hash, AuditEvent.hash)
             .where(*where).order_by(AuditEvent.seq).limit(batch_size))
    batch = query
    while True:
        rows = session.execute(batch).all()
        for seq, at, actor, action, draft_id, payload, prev_hash, digest in rows:
            yield ChainRecord(seq, format_at(at), actor, action, draft_id, _load_json(payload), prev_hash, digest)
        if len(rows) < batch_size:
            return
        batch = query.where(AuditEvent.seq > rows[-1][0])


def _fast_hash(r: ChainRecord) -> str:
    """The chain's rule (storage.chain.event_hash) encoded with orjson, which writes the same
    bytes for these values; verify_records double-checks any mismatch with the standard encoder."""
    body = orjson.dumps({"seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action,
                         "draft_id": r.draft_id, "payload": r.payload, "prev_hash": r.prev_hash},
                        option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def verify_chain(session: Session) -> ChainReport:
    """Recompute the chain; name the first event whose content or link is broken."""
    try:
        return verify_records(iter_records(session), hasher=_fast_hash)
    except orjson.JSONEncodeError:  # a value orjson cannot write: fall back to the reference encoder
        return verify_records(iter_records(session))


def export_events(session: Session, fmt: str, out: TextIO, *, where: Sequence[Any] = (),
                  selection: str | None = None, checkpoint: Checkpoint | None = None) -> int:
    """Write every event with its prev_hash and hash as "csv" or "jsonl"; return the count.
    With ``where``, only the matching events, each marked with ``selection`` (the filter in
    words), which tells storage/chain.py to verify it as a selection. A full export carries
    ``checkpoint`` as its first line (see storage/chain.py)."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format: {fmt}")
    if where and not selection:
        raise ValueError("a filtered export must name its selection")
    extra = (selection,) if where else ()
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(FIELDS + (("selection",) if where else ()))
    if checkpoint is not None and not where:
        cp = canonical_json(checkpoint.to_json())
        if writer:
            writer.writerow([CHECKPOINT_KEY, "", "", "", "", cp, "", ""])
        else:
            out.write(canonical_json({CHECKPOINT_KEY: checkpoint.to_json()}) + "\n")
    count = 0
    for r in iter_records(session, where):
        if writer:
            writer.writerow([r.seq, r.at, r.actor or "", r.action,
                             "" if r.draft_id is None else r.draft_id,
                             canonical_json(r.payload), r.prev_hash, r.hash, *extra])
        else:
            row = {k: getattr(r, k) for k in FIELDS}
            out.write(canonical_json({**row, "selection": selection} if where else row) + "\n")
        count += 1
    return count
