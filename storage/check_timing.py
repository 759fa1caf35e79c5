"""The automated pass's latency histogram, kept in the database (``checktiming``) so that the pass
timed in any process (the dispatcher's pool, a worker, a CLI command) shows in every web process's
/metrics. One row per bucket. A process does not write each pass: it keeps them in its
:class:`PendingTimings` and adds them to the rows in one INSERT (an upsert adding to the counts,
atomic under concurrent writers) every ``FLUSH_PASSES`` passes, at its first pass ``FLUSH_SECONDS``
(its clock) after the oldest one kept, and when it closes; its own /metrics adds what it still keeps."""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from storage.clock import Clock
from storage.db import transaction
from storage.dialect import dialect_for
from storage.models import CheckTiming

# Upper bounds (seconds, inclusive) of the buckets; one more bucket, +Inf, holds the slower passes.
BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
FLUSH_PASSES = 50  # a process writes its kept passes at the latest with this many …
FLUSH_SECONDS = 10.0  # … or at its first pass this long after the oldest one kept


@dataclass(frozen=True)
class Timings:
    counts: tuple[int, ...]  # passes per bucket (not cumulative), len(BUCKETS) + 1
    total_seconds: float

    @classmethod
    def empty(cls) -> "Timings":
        return cls((0,) * (len(BUCKETS) + 1), 0.0)

    @property
    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, passes at most that long) for every bucket, +Inf last (Prometheus' form)."""
        bounds = [*BUCKETS, float("inf")]
        running, out = 0, []
        for bound, n in zip(bounds, self.counts):
            running += n
            out.append((bound, running))
        return out

    @property
    def count(self) -> int:
        return sum(self.counts)

    def __add__(self, other: "Timings") -> "Timings":
        return Timings(tuple(a + b for a, b in zip(self.counts, other.counts)),
                       self.total_seconds + other.total_seconds)


@dataclass
class Batch:
    """Passes kept by one process and not yet written: per bucket, how many and their seconds."""

    oldest: datetime  # when the first of them was kept
    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    seconds: list[float] = field(default_factory=lambda: [0.0] * (len(BUCKETS) + 1))

    def add(self, seconds: float) -> None:
        bucket = bucket_of(seconds)
        self.counts[bucket] += 1
        self.seconds[bucket] += seconds

    def absorb(self, other: "Batch") -> None:
        """Count ``other``'s passes in this batch too."""
        self.counts = [a + b for a, b in zip(self.counts, other.counts)]
        self.seconds = [a + b for a, b in zip(self.seconds, other.seconds)]
        self.oldest = min(self.oldest, other.oldest)

    @property
    def passes(self) -> int:
        return sum(self.counts)

    def as_timings(self) -> Timings:
        return Timings(tuple(self.counts), sum(self.seconds))


def bucket_of(seconds: float) -> int:
    """The index of the first bucket whose bound is at least ``seconds`` (len(BUCKETS): +Inf)."""
    return bisect_left(BUCKETS, seconds)


def write(engine: Engine, batch: Batch) -> None:
    """Add ``batch`` to the database's counts: one INSERT adding to the rows that exist (its own
    short transaction)."""
    rows = [{"bucket": b, "observations": n, "seconds": batch.seconds[b]} for b, n in enumerate(batch.counts) if n]
    if not rows:
        return
    with transaction(engine) as s:
        dialect_for(engine).add_to_counters(s, CheckTiming, rows, key=["bucket"], add=["observations", "seconds"])


def read(engine: Engine) -> Timings:
    """The passes every process has written (one query)."""
    with transaction(engine, readonly=True) as s:
        rows = {bucket: (n, seconds) for bucket, n, seconds in
                s.execute(select(CheckTiming.bucket, CheckTiming.observations, CheckTiming.seconds))}
    return Timings(tuple(rows.get(i, (0, 0.0))[0] for i in range(len(BUCKETS) + 1)),
                   float(sum(seconds for _, seconds in rows.values())))


class PendingTimings:
    """The passes this process timed and has not written yet (owned by its AppContext; thread-safe:
    request threads and the dispatcher's threads time passes at once)."""

    def __init__(self, engine: Engine, clock: Clock, *, flush_passes: int = FLUSH_PASSES,
                 flush_seconds: float = FLUSH_SECONDS) -> None:
        self._engine = engine
        self._clock = clock
        self._flush_passes = flush_passes
        self._flush_after = timedelta(seconds=flush_seconds)
        self._lock = threading.Lock()  # guards the batch
        self._writing = threading.Lock()  # held while this process writes (one write at a time)
        self._batch: Batch | None = None  # kept, not written

    def add(self, seconds: float) -> None:
        """Keep one pass of ``seconds``; write what is kept when it is due. Raises what the write
        raised; the passes stay kept then (the next write counts them)."""
        now = self._clock()
        with self._lock:
            batch = self._batch = self._batch or Batch(now)
            batch.add(seconds)
            due = batch.passes >= self._flush_passes or now - batch.oldest >= self._flush_after
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what is kept now (nothing when nothing is). On failure it is kept again and re-raised."""
        with self._writing:
            with self._lock:
                batch, self._batch = self._batch, None
            if batch is None:
                return
            try:
                write(self._engine, batch)
            except BaseException:
                with self._lock:
                    if self._batch is not None:
                        batch.absorb(self._batch)
                    self._batch = batch
                raise

    def pending(self) -> Timings:
        """What is kept and not written yet."""
        with self._lock:
            return Timings.empty() if self._batch is None else self._batch.as_timings()

    def read(self) -> Timings:
        """What every process has written and this one still keeps: each pass counted once (no
        write of this process runs between the two)."""
        with self._writing:
            return read(self._engine) + self.pending()
