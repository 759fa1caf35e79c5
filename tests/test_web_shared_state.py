"""State every web process must share lives in the database: the REST check's rate limit and the
automated pass's latency histogram. Two apps, each with its own context and engine (as two web
processes have), on one database (PostgreSQL in the second pass)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from sanshen.service import check_pass
from sanshen.web.app import create_app
from sanshen.web.rate_limit import refusal_message
from storage import check_timing
from storage.db import transaction
from storage.models import RateHit
from storage.rate_window import count_hit
from tests.team import open_context
from tests.test_web_ops import samples

SECRET = b"test-secret"
THREADS, EACH = 16, 3  # 48 checks at once of one user, limit 20


@pytest.fixture
def other(tmp_path, db_url, default_checker, clock, team):
    """A second context on the team's database: another web process."""
    context = open_context(tmp_path / "other", db_url, checker=default_checker, clock=clock)
    yield context
    context.close()


def checker_of(client: TestClient, token: str):
    def check(text: str = "好。"):
        return client.post("/api/v1/check", headers={"Authorization": f"Bearer {token}"}, json={"text": text})

    return check


@pytest.mark.db
def test_check_rate_limit_holds_across_two_web_processes(team, other):
    a, b = TestClient(create_app(team.ctx, secret=SECRET)), TestClient(create_app(other, secret=SECRET))
    on_a, on_b = checker_of(a, team.tokens["shen1"]), checker_of(b, team.tokens["shen1"])
    half = check_pass.API_RATE // 2
    for _ in range(half):
        assert on_a().status_code == 200
        team.clock.advance(timedelta(seconds=1))
    for _ in range(check_pass.API_RATE - half):
        assert on_b().status_code == 200
    refused = on_a()  # the limit was spent half on A, half on B
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    # the oldest check (on A) leaves the window API_RATE_WINDOW seconds after it was made
    wait = int(check_pass.API_RATE_WINDOW) - half
    assert body["message"] == refusal_message(check_pass.API_RATE, check_pass.API_RATE_WINDOW, wait)
    assert on_b().status_code == 429
    assert checker_of(b, team.tokens["jiao1"])().status_code == 200  # another user is not held back
    team.clock.advance(timedelta(seconds=wait))  # the first check made on A leaves the window …
    assert on_b().status_code == 200  # … so one more is allowed, on either process
    assert on_a().status_code == 429
    team.clock.advance(timedelta(seconds=check_pass.API_RATE_WINDOW))
    assert on_a().status_code == 200
    with transaction(team.ctx.engine, readonly=True) as s:  # hits that left the window were deleted
        assert s.scalar(select(func.count()).select_from(RateHit).where(RateHit.key == "shen1")) == 1


@pytest.mark.db
def test_concurrent_checks_on_two_processes_never_pass_the_limit(team, other):
    """Many requests of one user at the same instant, on both apps from many threads: exactly the
    limit is allowed, the rest refused, none fails (PostgreSQL: the count is taken under a lock)."""
    clients = [TestClient(create_app(ctx, secret=SECRET)) for ctx in (team.ctx, other)]
    token = team.tokens["shen1"]
    statuses: list[int] = []
    guard = threading.Lock()

    start = threading.Barrier(THREADS)

    def burst(client: TestClient) -> None:
        check = checker_of(client, token)
        start.wait()
        for _ in range(EACH):
            status = check().status_code
            with guard:
                statuses.append(status)

    threads = [threading.Thread(target=burst, args=(clients[i % 2],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == check_pass.API_RATE
    assert statuses.count(429) == THREADS * EACH - check_pass.API_RATE


@pytest.mark.db
def test_a_pass_timed_in_one_process_shows_in_the_metrics_of_another(team, other):
    a = TestClient(create_app(team.ctx, secret=SECRET))
    before = samples(a.get("/metrics").text)
    assert before[("sanshen_check_seconds_count", ())] == 0
    other.observe_check(0.03)  # a pass timed elsewhere (a worker, the dispatcher's pool) …
    other.observe_check(12.0)
    team.ctx.observe_check(0.03)
    b = TestClient(create_app(other, secret=SECRET))
    # each process keeps its passes until it writes them (every FLUSH_PASSES passes or
    # FLUSH_SECONDS, and when it closes); its own /metrics counts what it keeps
    assert samples(a.get("/metrics").text)[("sanshen_check_seconds_count", ())] == 1
    assert samples(b.get("/metrics").text)[("sanshen_check_seconds_count", ())] == 2
    other.close()  # … the other process ends (or writes its batch) …
    team.ctx.check_timings.flush()
    after = samples(b.get("/metrics").text)
    assert after == samples(a.get("/metrics").text)  # … every web process answers the same
    assert after[("sanshen_check_seconds_count", ())] == 3
    assert after[("sanshen_check_seconds_sum", ())] == pytest.approx(12.06)
    assert after[("sanshen_check_seconds_bucket", (("le", "0.02"),))] == 0
    assert after[("sanshen_check_seconds_bucket", (("le", "0.05"),))] == 2
    assert after[("sanshen_check_seconds_bucket", (("le", "10.0"),))] == 2
    assert after[("sanshen_check_seconds_bucket", (("le", "+Inf"),))] == 3


def test_buckets_are_inclusive_upper_bounds_and_cumulate():
    assert check_timing.bucket_of(0.005) == 0 and check_timing.bucket_of(0.0051) == 1
    assert check_timing.bucket_of(10.0) == len(check_timing.BUCKETS) - 1
    assert check_timing.bucket_of(10.5) == len(check_timing.BUCKETS)
    counts = [0] * (len(check_timing.BUCKETS) + 1)
    counts[0], counts[3], counts[-1] = 2, 1, 4
    timings = check_timing.Timings(tuple(counts), 1.0)
    assert timings.count == 7
    assert timings.cumulative[0] == (0.005, 2) and timings.cumulative[3] == (0.05, 3)
    assert timings.cumulative[-2] == (10.0, 3) and timings.cumulative[-1] == (float("inf"), 7)


def test_refusal_says_whole_seconds_to_wait_at_least_one():
    assert refusal_message(20, 60.0, 0.2) == "检查过于频繁：每 60 秒最多 20 次，请 1 秒后再试"
    assert refusal_message(20, 60.0, 41.3) == "检查过于频繁：每 60 秒最多 20 次，请 42 秒后再试"


@pytest.mark.db
def test_a_key_never_waits_for_another_keys_expired_hits(team):
    """Clearing the hits that left the window skips rows another transaction holds (PostgreSQL:
    two users' checks never queue behind each other; SQLite runs one writer at a time anyway)."""
    if team.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    window, at = timedelta(seconds=60), team.clock()
    with transaction(team.ctx.engine) as s:
        for key in ("shen1", "jiao1"):
            assert count_hit(s, bucket="check", key=key, at=at - 2 * window, limit=5, window=window) is None
    with team.ctx.engine.connect() as holder:  # another transaction holds shen1's expired hit
        holder.begin()
        holder.execute(select(RateHit.id).where(RateHit.key == "shen1").with_for_update())
        with transaction(team.ctx.engine) as s:
            s.execute(text("SET LOCAL lock_timeout = '5s'"))
            assert count_hit(s, bucket="check", key="jiao1", at=at, limit=5, window=window) is None
        holder.rollback()
    with transaction(team.ctx.engine, readonly=True) as s:
        assert sorted(s.scalars(select(RateHit.key))) == ["jiao1", "shen1"]  # the held one is left for later
