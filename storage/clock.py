"""The one place that reads the time of day.

Code that needs the time takes a ``Clock`` — a callable returning an aware UTC datetime —
and is given ``system_clock`` in production. Tests pass a ``ManualClock`` they move
themselves, so no test depends on the day it runs. (Elapsed-time measurements such as
timeouts use ``time.monotonic``, which is not a date.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def epoch_seconds(clock: Clock) -> int:
    """The clock's time as whole seconds since 1970 (for signed cookies and tokens)."""
    return int(clock().timestamp())


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
