"""A sliding-window count of requests per key (a user), on the clock the app is given: how the
REST check endpoint refuses a user who asks too often (429, in Chinese). The window is kept in the
database (storage/rate_window.py), so the limit holds across every web process of the installation
(`sanshen serve --web-workers N`, or several `serve` behind one address)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from sanshen.service.errors import TooManyRequests
from storage.db import transaction
from storage.rate_window import count_hit


@dataclass(frozen=True)
class RateLimiter:
    engine: Engine
    bucket: str  # what is limited (one window per bucket and key)
    limit: int  # requests allowed per window
    window: float  # seconds

    def allow(self, key: str, at: datetime) -> None:
        """Count one request of ``key`` at ``at``, or refuse it (it is then not counted)."""
        with transaction(self.engine) as s:
            free_at = count_hit(s, bucket=self.bucket, key=key, at=at, limit=self.limit,
                                window=timedelta(seconds=self.window))
        if free_at is not None:
            raise TooManyRequests("rate_limited", refusal_message(self.limit, self.window,
                                                                 (free_at - at).total_seconds()))


def refusal_message(limit: int, window: float, wait: float) -> str:
    """The refusal, with the whole seconds (at least 1) until one more request is allowed."""
    return f"检查过于频繁：每 {int(window)} 秒最多 {limit} 次，请 {max(1, math.ceil(wait))} 秒后再试"
