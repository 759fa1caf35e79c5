"""The outbox: idempotent enqueue, leased claims, completion and retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.db import transaction
from storage.outbox import (
    claim,
    complete,
    dead_since,
    defer,
    enqueue,
    fail,
    mark_dead,
    next_ready_at,
    pending_count,
)

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
pytestmark = pytest.mark.db


def _enqueue(engine, key, **kw):
    with transaction(engine) as s:
        return enqueue(s, kind=kw.pop("kind", "publish"), key=key,
                       payload=kw.pop("payload", {"draft_id": 1}), now=NOW, **kw)


def test_enqueue_is_idempotent_by_key(engine):
    assert _enqueue(engine, "publish:1:abc") is True
    assert _enqueue(engine, "publish:1:abc", payload={"draft_id": 2}) is False
    items = claim(engine, worker="w1", now=NOW, lease=LEASE)
    assert [(i.key, i.payload) for i in items] == [("publish:1:abc", {"draft_id": 1})]


def test_claimed_items_are_not_claimed_twice_until_the_lease_ends(engine):
    _enqueue(engine, "a")
    first = claim(engine, worker="w1", now=NOW, lease=LEASE)
    assert [i.attempts for i in first] == [1]
    assert claim(engine, worker="w2", now=NOW + timedelta(minutes=1), lease=LEASE) == []
    # w1 crashed: after the lease the item is claimable again
    again = claim(engine, worker="w2", now=NOW + LEASE + timedelta(seconds=1), lease=LEASE)
    assert [(i.key, i.claimed_by, i.attempts) for i in again] == [("a", "w2", 2)]


def test_complete_removes_the_item_from_the_queue(engine):
    _enqueue(engine, "a")
    (item,) = claim(engine, worker="w1", now=NOW, lease=LEASE)
    complete(engine, item.id, now=NOW)
    assert pending_count(engine) == 0
    assert claim(engine, worker="w1", now=NOW + timedelta(days=1), lease=LEASE) == []


def test_fail_backs_off_until_retry_at(engine):
    _enqueue(engine, "a")
    (item,) = claim(engine, worker="w1", now=NOW, lease=LEASE)
    retry_at = NOW + timedelta(seconds=30)
    fail(engine, item.id, error="连接被拒绝", now=NOW, retry_at=retry_at)
    assert pending_count(engine) == 1
    assert next_ready_at(engine) == retry_at
    assert claim(engine, worker="w1", now=NOW + timedelta(seconds=29), lease=LEASE) == []
    (retry,) = claim(engine, worker="w1", now=retry_at, lease=LEASE)
    assert retry.attempts == 2


def test_items_become_available_at_their_time_in_order(engine):
    _enqueue(engine, "later", available_at=NOW + timedelta(hours=1))
    _enqueue(engine, "first")
    _enqueue(engine, "second")
    long_lease = timedelta(hours=2)
    assert [i.key for i in claim(engine, worker="w", now=NOW, lease=long_lease)] == ["first", "second"]
    assert [i.key for i in claim(engine, worker="w", now=NOW + timedelta(hours=1), lease=long_lease)] == ["later"]


def test_claim_respects_limit(engine):
    for n in range(5):
        _enqueue(engine, f"k{n}")
    assert len(claim(engine, worker="w", now=NOW, lease=LEASE, limit=2)) == 2
    assert len(claim(engine, worker="w", now=NOW, lease=LEASE, limit=10)) == 3
    assert next_ready_at(engine) == NOW + LEASE


def test_a_dead_item_leaves_the_queue_and_is_listed_as_dead(engine):
    _enqueue(engine, "a")
    _enqueue(engine, "b")
    (item, other) = claim(engine, worker="w1", now=NOW, lease=LEASE)
    later = NOW + timedelta(minutes=1)
    with transaction(engine) as s:
        assert mark_dead(s, item.id, error="连接被拒绝", now=later) is True
    complete(engine, other.id, now=NOW)
    with transaction(engine) as s:
        assert mark_dead(s, other.id, error="太迟", now=later) is False  # done already: stays done, not dead
    assert pending_count(engine) == 0 and next_ready_at(engine) is None
    assert claim(engine, worker="w2", now=NOW + timedelta(days=1), lease=LEASE) == []
    (dead,) = dead_since(engine, NOW)
    assert (dead.key, dead.attempts, dead.dead_at, dead.last_error) == ("a", 1, later, "连接被拒绝")
    assert dead_since(engine, later + timedelta(seconds=1)) == []



def test_workers_claiming_from_the_same_keys_each_get_the_next_item_nobody_holds(engine):
    for key in ("a", "b", "c", "x"):
        _enqueue(engine, key)
    keys = ["a", "b", "c"]  # two workers running overlapping flow runs of these keys
    one = claim(engine, worker="w1", now=NOW, lease=LEASE, limit=1, keys=keys)
    two = claim(engine, worker="w2", now=NOW, lease=LEASE, limit=1, keys=keys)
    assert [i.key for i in one] == ["a"] and [i.key for i in two] == ["b"]  # no claim spent on a held item
    complete(engine, one[0].id, now=NOW)
    assert [i.key for i in claim(engine, worker="w1", now=NOW, lease=LEASE, limit=1, keys=keys)] == ["c"]
    assert claim(engine, worker="w2", now=NOW, lease=LEASE, limit=1, keys=keys) == []  # "x" is not theirs
    assert [i.key for i in claim(engine, worker="w2", now=NOW, lease=LEASE)] == ["x"]


def test_a_row_locked_by_another_claimer_is_skipped_not_waited_for(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no row lock to skip")
    from sqlalchemy import select

    from storage.models import Outbox

    for key in ("a", "b"):
        _enqueue(engine, key)
    with transaction(engine) as holder:  # another worker's claim transaction, still open on "a"
        holder.execute(select(Outbox).where(Outbox.key == "a").with_for_update()).all()
        taken = claim(engine, worker="w2", now=NOW, lease=LEASE, limit=1, keys=["a", "b"])
    assert [i.key for i in taken] == ["b"]


def test_defer_hands_an_item_back_for_later_without_counting_the_attempt(engine):
    _enqueue(engine, "a")
    (item,) = claim(engine, worker="w1", now=NOW, lease=LEASE)
    later = NOW + timedelta(seconds=10)
    defer(engine, item.id, worker="w1", now=NOW, retry_at=later, reason="并发槽被占用")
    assert claim(engine, worker="w2", now=NOW + timedelta(seconds=9), lease=LEASE) == []
    assert next_ready_at(engine) == later
    (again,) = claim(engine, worker="w2", now=later, lease=LEASE)
    assert again.attempts == 1 and again.taken_from is None
    with transaction(engine, readonly=True) as s:
        from storage.models import Outbox

        assert s.get(Outbox, item.id).last_error == "并发槽被占用"
