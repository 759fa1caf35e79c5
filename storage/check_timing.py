"""The automated pass's latency histogram, kept in the database (``checktiming``) so that the pass
timed in any process (the dispatcher's pool, a worker, a CLI command) shows in every web process's
/metrics. One row per bucket, counted with one UPDATE (concurrent writers queue on that row)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from storage.db import transaction
from storage.dialect import dialect_for
from storage.models import CheckTiming

# Upper bounds (seconds, inclusive) of the buckets; one more bucket, +Inf, holds the slower passes.
BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class Timings:
    counts: tuple[int, ...]  # passes per bucket (not cumulative), len(BUCKETS) + 1
    total_seconds: float

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


def bucket_of(seconds: float) -> int:
    """The index of the first bucket whose bound is at least ``seconds`` (len(BUCKETS): +Inf)."""
    return bisect_left(BUCKETS, seconds)


def record(engine: Engine, seconds: float) -> None:
    """Count one pass of ``seconds`` (its own short transaction)."""
    bucket = bucket_of(seconds)
    with transaction(engine) as s:
        add = (update(CheckTiming).where(CheckTiming.bucket == bucket)
               .values(observations=CheckTiming.observations + 1, seconds=CheckTiming.seconds + seconds))
        if s.execute(add).rowcount:
            return
        if not dialect_for(engine).insert_unless_exists(s, CheckTiming, {"bucket": bucket, "observations": 1,
                                                                          "seconds": seconds}, unique_on=["bucket"]):
            s.execute(add)  # another process made the row meanwhile


def read(engine: Engine) -> Timings:
    with transaction(engine, readonly=True) as s:
        rows = dict(s.execute(select(CheckTiming.bucket, CheckTiming.observations)).all())
        total = sum(s.scalars(select(CheckTiming.seconds)).all())
    return Timings(tuple(rows.get(i, 0) for i in range(len(BUCKETS) + 1)), float(total))
