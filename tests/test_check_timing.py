"""The automated pass's latency histogram (storage/check_timing.py): each process keeps the passes it
times and writes them in one INSERT every N passes, T seconds of its clock after the oldest kept, and
when its context closes; the counts stay exact when several processes write to one database at once
(PostgreSQL in the second pass), and a failed write loses nothing."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from storage import check_timing
from storage.check_timing import BUCKETS, PendingTimings, bucket_of
from storage.db import transaction
from tests.team import open_context

pytestmark = pytest.mark.db

# a pass length in each of a few buckets, +Inf included
LENGTHS = (0.003, 0.03, 0.03, 0.3, 4.0, 12.0)


@pytest.fixture
def ctx(tmp_path, db_url, clock):
    context = open_context(tmp_path / "home", db_url, checker=None, clock=clock)
    yield context
    context.close()


def expected(lengths) -> tuple[int, ...]:
    counts = [0] * (len(BUCKETS) + 1)
    for seconds in lengths:
        counts[bucket_of(seconds)] += 1
    return tuple(counts)


def test_kept_until_the_nth_pass_then_written_at_once(ctx):
    pending = PendingTimings(ctx.engine, ctx.clock, flush_passes=3, flush_seconds=3600)
    pending.add(0.03)
    pending.add(0.3)
    assert check_timing.read(ctx.engine).count == 0  # nothing written yet …
    assert pending.read().count == 2  # … but this process counts what it keeps
    pending.add(12.0)
    written = check_timing.read(ctx.engine)
    assert written.counts == expected((0.03, 0.3, 12.0)) and written.total_seconds == pytest.approx(12.33)
    assert pending.pending().count == 0


def test_written_at_the_first_pass_t_seconds_after_the_oldest_kept(ctx, clock):
    pending = PendingTimings(ctx.engine, clock, flush_passes=1000, flush_seconds=10)
    pending.add(0.03)
    clock.advance(timedelta(seconds=9))
    pending.add(0.03)
    assert check_timing.read(ctx.engine).count == 0
    clock.advance(timedelta(seconds=1))
    pending.add(0.03)
    assert check_timing.read(ctx.engine).count == 3
    clock.advance(timedelta(seconds=30))  # the next batch's clock starts at its own first pass
    pending.add(0.03)
    assert check_timing.read(ctx.engine).count == 3
    clock.advance(timedelta(seconds=10))
    pending.add(0.03)
    assert check_timing.read(ctx.engine).count == 5


def test_closing_the_context_writes_what_it_keeps(tmp_path, db_url, clock):
    first = open_context(tmp_path / "a", db_url, checker=None, clock=clock)
    for seconds in LENGTHS:
        first.observe_check(seconds)
    assert check_timing.read(first.engine).count == 0
    first.close()
    second = open_context(tmp_path / "b", db_url, checker=None, clock=clock)
    try:
        timings = second.check_timings.read()
        assert timings.counts == expected(LENGTHS) and timings.total_seconds == pytest.approx(sum(LENGTHS))
    finally:
        second.close()


def test_read_is_one_query(ctx):
    for seconds in LENGTHS:
        ctx.observe_check(seconds)
    ctx.check_timings.flush()
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        timings = check_timing.read(ctx.engine)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)
    assert [s for s in statements if "checktiming" in s.lower()] == statements[-1:]  # one, the last
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert timings.counts == expected(LENGTHS)


def test_a_failed_write_keeps_the_passes_for_the_next(ctx):
    pending = PendingTimings(ctx.engine, ctx.clock, flush_passes=2, flush_seconds=3600)
    pending.add(0.03)
    with transaction(ctx.engine) as s:  # the table is gone while the batch is written
        s.execute(text("ALTER TABLE checktiming RENAME TO checktiming_away"))
    with pytest.raises(DBAPIError):
        pending.add(0.3)
    assert pending.pending().counts == expected((0.03, 0.3))
    with transaction(ctx.engine) as s:
        s.execute(text("ALTER TABLE checktiming_away RENAME TO checktiming"))
    pending.add(4.0)
    assert check_timing.read(ctx.engine).counts == expected((0.03, 0.3, 4.0))
    assert pending.pending().count == 0


def test_many_threads_of_two_contexts_count_every_pass_once(tmp_path, db_url, clock):
    """Writers of two contexts at once, each write small (rows made and added to concurrently)."""
    contexts = [open_context(tmp_path / name, db_url, checker=None, clock=clock) for name in ("a", "b")]
    buffers = [PendingTimings(c.engine, clock, flush_passes=2, flush_seconds=3600) for c in contexts]
    start = threading.Barrier(8)

    def work(i: int) -> None:
        start.wait()
        for seconds in LENGTHS * 5:
            buffers[i % 2].add(seconds)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        for b in buffers:
            b.flush()
        timings = check_timing.read(contexts[0].engine)
        assert timings.counts == tuple(8 * 5 * n for n in expected(LENGTHS))
        assert timings.total_seconds == pytest.approx(8 * 5 * sum(LENGTHS))
    finally:
        for c in contexts:
            c.close()


CHILD = """
import sys
from sanshen.service.context import AppContext
from sanshen.settings import Settings
lengths = [float(x) for x in sys.argv[3].split(",")]
ctx = AppContext.open(Settings(home=sys.argv[1], db_url=sys.argv[2], link_check=False), upgrade=False)
try:
    for _ in range(int(sys.argv[4])):
        for seconds in lengths:
            ctx.observe_check(seconds)
finally:
    ctx.close()
"""


def test_two_processes_writing_to_one_database_count_every_pass_once(tmp_path, db_url, ctx):
    """Two real processes at once, each writing batches of FLUSH_PASSES and the rest when it closes."""
    rounds = 25  # 150 passes each: 3 full batches and a part written on close
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / f"p{i}"), db_url,
                                  ",".join(map(str, LENGTHS)), str(rounds)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for i in range(2)]
    outs = [child.communicate()[0] for child in children]
    assert [child.returncode for child in children] == [0, 0], outs
    assert all("could not count" not in out for out in outs), outs
    timings = check_timing.read(ctx.engine)
    assert timings.counts == tuple(2 * rounds * n for n in expected(LENGTHS))
    assert timings.total_seconds == pytest.approx(2 * rounds * sum(LENGTHS))
