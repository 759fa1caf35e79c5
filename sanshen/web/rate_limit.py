"""A sliding-window count of requests per key (a user), on the clock the app is given: how the
REST check endpoint refuses a user who asks too often (429, in Chinese)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from sanshen.service.errors import TooManyRequests


@dataclass
class RateLimiter:
    limit: int  # requests allowed per window
    window: float  # seconds
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # sync routes run in a thread pool

    def allow(self, key: str, at: float) -> None:
        """Count one request of ``key`` at ``at`` (seconds), or refuse it (it is then not counted)."""
        with self._lock:
            self._count(key, at)

    def _count(self, key: str, at: float) -> None:
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= at - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            wait = max(1, int(seen[0] + self.window - at + 0.999))
            raise TooManyRequests("rate_limited", f"检查过于频繁：每 {int(self.window)} 秒最多 {self.limit} 次，"
                                                  f"请 {wait} 秒后再试")
        seen.append(at)
        if len(self._seen) > 10_000:  # forget idle keys now and then
            for idle in [k for k, q in self._seen.items() if not q or q[-1] <= at - self.window]:
                del self._seen[idle]
