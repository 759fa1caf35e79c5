"""The one clock: only storage/clock.py reads the time of day; a manual clock moves only when told."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.clock import ManualClock, epoch_seconds, pause

ROOT = Path(__file__).resolve().parents[1]
WALL_CLOCK = re.compile(r"\b(?:datetime\.(?:now|utcnow|today)|date\.today|time\.time(?:_ns)?|time\.(?:gm|local)time)\(")


def test_nothing_but_the_clock_module_reads_the_time_of_day():
    sources = [p for folder in ("casestore", "checking", "flows", "lexicon", "review", "sanshen", "storage",
                                "tests", "bench", "scripts")
               for p in (ROOT / folder).rglob("*.py")]
    readers = sorted(str(p.relative_to(ROOT)) for p in sources if p.is_file() and p != Path(__file__).resolve()
                     and WALL_CLOCK.search(p.read_text(encoding="utf-8")))
    assert readers == ["storage/clock.py"]


def test_a_manual_clock_moves_only_when_told():
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    clock = ManualClock(at)
    assert clock() == clock() == at
    assert clock.advance(timedelta(minutes=5)) == at + timedelta(minutes=5) == clock()
    assert epoch_seconds(clock) == int((at + timedelta(minutes=5)).timestamp())
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 11, 24))


def test_pause_ends_early_when_stopped_and_otherwise_waits_its_time():
    stop = threading.Event()
    assert pause(stop, 0.01) is False
    # A plain sleep sets it: a Timer waits on a lock with a deadline, which a moved clock stalls.
    threading.Thread(target=lambda: (time.sleep(0.05), stop.set()), daemon=True).start()
    assert pause(stop, 600) is True
