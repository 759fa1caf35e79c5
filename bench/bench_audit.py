"""Audit chain: append rate and `verify_chain` throughput (target ≥ 50,000 events/s), and what the
signed checkpoints add: making one (sign, append to the log, fsync) and judging the chain against the
log's latest 100 (read from its end, 100 Ed25519 signatures, hash at N), next to the chain walk.

    .venv/bin/python bench/bench_audit.py [N] [DB_URL]

Defaults: 100,000 events in a temporary SQLite database. Give PostgreSQL a database of its own
(e.g. createdb bench_audit): the audit table is append-only, so it cannot be emptied afterwards.
Prints its figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.audit import append_event, verify_chain
from storage.chain import judge_anchor
from storage.checkpoint import Anchor, chain_head, hash_at, verify_signature
from storage.db import make_engine, transaction, upgrade


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    batch = 5_000
    for base in range(0, n, batch):
        with transaction(engine) as s:
            for i in range(base, min(base + batch, n)):
                append_event(s, action="stage.signed", actor=f"user{i % 50}", draft_id=i // 8 + 1,
                             payload={"stage": "初审", "revision": 1, "content_hash": "ab" * 32,
                                      "comment": "同意发布"},
                             at=start + timedelta(seconds=i))
    append_s = time.perf_counter() - t0
    single = []
    for i in range(200):
        t = time.perf_counter()
        with transaction(engine) as s:
            append_event(s, action="stage.signed", actor="user", draft_id=1, payload={"i": i},
                         at=start + timedelta(seconds=n + i))
        single.append(time.perf_counter() - t)
    single.sort()
    t0 = time.perf_counter()
    with transaction(engine, readonly=True) as s:
        report = verify_chain(s)
    verify_s = time.perf_counter() - t0
    assert report.ok, report
    print(f"database: {engine.dialect.name}")
    print(f"append (batched, {n} events): {n / append_s:,.0f} events/s")
    print(f"append (one per transaction): p50 {single[100] * 1000:.2f} ms, p95 {single[190] * 1000:.2f} ms")
    print(f"verify: {report.checked:,} events in {verify_s:.2f} s = {report.checked / verify_s:,.0f} events/s")
    anchor = Anchor.at(Path(tempfile.mkdtemp()))
    anchor.key()
    made = []
    for i in range(1000):  # a long log; verification reads only its end
        t = time.perf_counter()
        with transaction(engine, readonly=True) as s:
            anchor.checkpoint(s, start + timedelta(seconds=n + 200 + i))
        made.append(time.perf_counter() - t)
    made.sort()
    t0 = time.perf_counter()
    with transaction(engine, readonly=True) as s:
        recent = anchor.log.recent(100)
        head, _ = chain_head(s)
        judged = judge_anchor(recent, head_seq=head, hash_at=lambda k: hash_at(s, k),
                              public_key=anchor.key().public, verify=verify_signature)
    judge_s = time.perf_counter() - t0
    assert judged.ok, judged
    print(f"checkpoint made (sign, append, fsync): p50 {made[500] * 1000:.2f} ms, p95 {made[950] * 1000:.2f} ms")
    print(f"checkpoint judgement (latest 100 of a 1,000-line log): {judge_s * 1000:.1f} ms "
          f"= {judge_s / verify_s * 100:.1f} % of the chain walk above")
    engine.dispose()


if __name__ == "__main__":
    main()
