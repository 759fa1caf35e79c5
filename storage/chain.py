"""The audit chain's hashing rule, and a re-verifier for exported trails.

This module uses only the Python standard library so that a third party can copy
this one file and check an export (``sanshen audit export``) without sanshen:

    python chain.py audit.jsonl        # or audit.csv
    python -m storage.chain audit.jsonl

The rule. Every event has ``seq`` (1, 2, 3, … without gaps), ``at`` (ISO 8601 UTC
with microseconds, e.g. ``2026-11-24T01:30:00.000000+00:00``), ``actor`` (string or
null), ``action``, ``draft_id`` (integer or null), ``payload`` (a JSON object),
``prev_hash`` and ``hash``:

    canonical = JSON of {"seq","at","actor","action","draft_id","payload","prev_hash"}
                with keys sorted at every level, separators "," and ":" (no spaces),
                non-ASCII characters written as themselves, encoded as UTF-8
    hash      = lowercase hex SHA-256 of canonical
    prev_hash = the previous event's hash; for seq 1 it is 64 zeros ("0" * 64)

In the CSV export ``payload`` is a column holding the payload's canonical JSON and an
empty ``actor`` / ``draft_id`` cell means null. The file is UTF-8; a byte order mark at
its start (the web page's CSV has one, for spreadsheet programs) is skipped. Exit
status 0: the chain holds; 1: it names the first broken event.

A selection (an export of the events a filter picked, e.g. one draft's) has a ninth CSV
column, or JSON key, ``selection`` naming the filter. Its events are not contiguous, so
the verifier checks what a selection can prove: every event's hash matches its content,
seq numbers only increase, and where two selected events are neighbours in the chain
(seq n and n+1) the later one's prev_hash is the earlier one's hash. What a selection
cannot prove is that nothing outside it (or between two non-neighbours) was removed:
for that, verify a full export or run ``sanshen audit verify`` on the database; each
selected event's hash can then be looked up in the full chain.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "draft_id", "payload", "prev_hash", "hash")


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def format_at(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *, seq: int, at: str, actor: str | None, action: str, draft_id: int | None,
    payload: dict, prev_hash: str,
) -> str:
    body = canonical_json({
        "seq": seq, "at": at, "actor": actor, "action": action,
        "draft_id": draft_id, "payload": payload, "prev_hash": prev_hash,
    })
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ChainRecord:
    seq: int
    at: str
    actor: str | None
    action: str
    draft_id: int | None
    payload: dict
    prev_hash: str
    hash: str


def record_hash(r: ChainRecord) -> str:
    return event_hash(seq=r.seq, at=r.at, actor=r.actor, action=r.action, draft_id=r.draft_id,
                      payload=r.payload, prev_hash=r.prev_hash)


def verify_records(records: Iterable[ChainRecord],
                   hasher: Callable[[ChainRecord], str] = record_hash) -> ChainReport:
    """Walk records in seq order; name the first whose link or content is broken.

    ``hasher`` may be a faster encoder of the same rule; a record it does not match is
    checked again with :func:`record_hash` before it is called broken."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for r in records:
        if r.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"链接断开：缺少第 {expected_seq} 条事件（下一条是第 {r.seq} 条）")
        if r.prev_hash != prev:
            return ChainReport(False, checked, r.seq,
                               f"链接断开：第 {r.seq} 条事件的 prev_hash 与第 {r.seq - 1} 条事件的哈希不符")
        if hasher(r) != r.hash and (hasher is record_hash or record_hash(r) != r.hash):
            return ChainReport(False, checked, r.seq,
                               f"内容被改动：第 {r.seq} 条事件的内容与其哈希不符")
        checked += 1
        prev = r.hash
        expected_seq += 1
    return ChainReport(True, checked, None, None)


@dataclass(frozen=True)
class SelectionReport:
    ok: bool
    checked: int
    linked: int  # selected events whose predecessor in the chain is selected too (link checked)
    gaps: int  # places where events the filter left out stand between two selected ones
    first_broken_seq: int | None
    reason: str | None


def verify_selection(records: Iterable[ChainRecord]) -> SelectionReport:
    """Check a filtered export: each event's own hash, increasing seq, and the links between
    selected neighbours (see the module's docstring for what this cannot prove)."""
    checked = linked = gaps = 0
    prev: ChainRecord | None = None
    for r in records:
        if prev is not None and r.seq <= prev.seq:
            return SelectionReport(False, checked, linked, gaps, r.seq,
                                   f"顺序错误：第 {r.seq} 条事件排在第 {prev.seq} 条之后")
        if record_hash(r) != r.hash:
            return SelectionReport(False, checked, linked, gaps, r.seq,
                                   f"内容被改动：第 {r.seq} 条事件的内容与其哈希不符")
        if r.seq == 1 and r.prev_hash != GENESIS:
            return SelectionReport(False, checked, linked, gaps, r.seq, "链接断开：第 1 条事件的 prev_hash 不是起点")
        if prev is not None and r.seq == prev.seq + 1:
            if r.prev_hash != prev.hash:
                return SelectionReport(False, checked, linked, gaps, r.seq,
                                       f"链接断开：第 {r.seq} 条事件的 prev_hash 与第 {prev.seq} 条事件的哈希不符")
            linked += 1
        elif prev is not None:
            gaps += 1
        checked += 1
        prev = r
    return SelectionReport(True, checked, linked, gaps, None, None)


def read_jsonl(lines: Iterable[str]) -> Iterator[ChainRecord]:
    for line in lines:
        if line.strip():
            d = json.loads(line)
            yield ChainRecord(**{k: d[k] for k in FIELDS})


def read_csv(fp: TextIO) -> Iterator[ChainRecord]:
    for row in csv.DictReader(fp):
        yield ChainRecord(
            seq=int(row["seq"]), at=row["at"], actor=row["actor"] or None, action=row["action"],
            draft_id=int(row["draft_id"]) if row["draft_id"] else None,
            payload=json.loads(row["payload"]), prev_hash=row["prev_hash"], hash=row["hash"],
        )


def verify_export(fp: TextIO, fmt: str) -> ChainReport:
    """Re-verify an export read from ``fp``; ``fmt`` is "jsonl" or "csv"."""
    if fmt == "jsonl":
        return verify_records(read_jsonl(fp))
    if fmt == "csv":
        return verify_records(read_csv(fp))
    raise ValueError(f"unknown export format: {fmt}")


def selection_of(path: str, fmt: str) -> str | None:
    """The filter a selection was exported with (None: a full export)."""
    with open(path, encoding="utf-8-sig", newline="") as fp:
        if fmt == "csv":
            first = next(csv.DictReader(fp), None)
        else:
            line = next((x for x in fp if x.strip()), None)
            first = json.loads(line) if line else None
    return (first or {}).get("selection") or None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python chain.py 导出文件.jsonl|导出文件.csv", file=sys.stderr)
        return 2
    path = argv[0]
    fmt = "csv" if path.lower().endswith(".csv") else "jsonl"
    selection = selection_of(path, fmt)
    if selection is not None:
        with open(path, encoding="utf-8-sig", newline="") as fp:
            part = verify_selection(read_csv(fp) if fmt == "csv" else read_jsonl(fp))
        if not part.ok:
            print(f"选段校验失败：{part.reason}", file=sys.stderr)
            return 1
        print(f"选段完整（筛选条件：{selection}）：{part.checked} 条事件的哈希均与内容相符，"
              f"{part.linked} 处前后相连的链接已核对，{part.gaps} 处有未选入的事件相隔。"
              "选段不能证明筛选之外的事件未被删改，请以全量导出或 sanshen audit verify 为准。")
        return 0
    with open(path, encoding="utf-8-sig", newline="") as fp:
        report = verify_export(fp, fmt)
    if report.ok:
        print(f"审计链完整：共校验 {report.checked} 条事件")
        return 0
    print(f"审计链断裂：{report.reason}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
