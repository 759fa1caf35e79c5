"""The one place that reads the time of day.

Code that needs the time takes a ``Clock`` — a callable returning an aware UTC datetime —
and is given ``system_clock`` in production. Tests pass a ``ManualClock`` they move
themselves, so no test depends on the day it runs. (Elapsed-time measurements such as
timeouts use ``time.monotonic``, which is not a date.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PAUSE_STEP = 0.25  # seconds: how soon a pause notices that it should stop

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def epoch_seconds(clock: Clock) -> int:
    """The clock's time as whole seconds since 1970 (for signed cookies and tokens)."""
    return int(clock().timestamp())


def pause(stop: threading.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` or until ``stop`` is set (then True, within ``PAUSE_STEP``).

    Sleeps in short slices rather than ``stop.wait(seconds)``: a timed wait on a lock is an
    absolute deadline on the monotonic clock, which tools that move the clock (faketime, used
    to test this code under other dates) turn into a wait of years."""
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, PAUSE_STEP))
    return True


@dataclass
class ManualClock:
    """A clock that stands still until moved (tests, replays, benchmarks)."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta = timedelta(seconds=1)) -> datetime:
        self.at += delta
        return self.at
