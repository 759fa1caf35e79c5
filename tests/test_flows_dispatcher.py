"""The outbox dispatcher: kinds to flows, retries with backoff, drain; once through Prefect."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flows.dispatcher import Dispatcher, DispatcherConfig, backoff
from flows.site import MANIFEST
from flows.webhook import WebhookConfig
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from storage.clock import ManualClock
from storage.db import transaction
from storage.models import AuditEvent, Notification, Outbox, User
from storage.outbox import claim, dead_since, enqueue, pending_count
from tests.flows_support import add_staff, sign_everything, submit_draft

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
WF = default_workflow()
pytestmark = pytest.mark.db


def _dispatcher(engine, tmp_path, *, webhook=None, use_prefect=False, clock=None, **config) -> Dispatcher:
    return Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                      webhook=webhook, use_prefect=use_prefect, worker="test", clock=clock or ManualClock(NOW),
                      config=DispatcherConfig(**config))


def _sleeping(clock: ManualClock):
    """A sleep that moves the test's clock on instead of waiting."""
    return lambda seconds: clock.advance(timedelta(seconds=seconds))


def _approved(engine) -> tuple[int, str]:
    draft_id, digest = submit_draft(engine, WF, NOW)
    sign_everything(engine, WF, draft_id, NOW)
    return draft_id, digest


def _manifest(tmp_path) -> dict:
    return json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))


def test_backoff_doubles_and_is_capped():
    config = DispatcherConfig()
    assert [backoff(n, config).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert backoff(30, config) == config.backoff_max


def test_drain_runs_route_and_publish_items_until_the_outbox_is_empty(engine, tmp_path):
    d = _dispatcher(engine, tmp_path)
    draft_id, digest = submit_draft(engine, WF, NOW)
    assert d.drain() == 1 and _kinds(engine) == {"stage_opened"}  # 一校 is waiting: proofreaders told
    sign_everything(engine, WF, draft_id, NOW)
    assert pending_count(engine) > 1
    d.drain()
    assert pending_count(engine) == 0
    assert _manifest(tmp_path)[str(draft_id)]["content_hash"] == digest
    assert _kinds(engine) == {"stage_opened", "draft_published"}


def _kinds(engine) -> set[str]:
    with transaction(engine, readonly=True) as s:
        return set(s.scalars(select(Notification.kind)))


def _all_items(engine) -> list[Outbox]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)))


def test_a_failing_item_goes_back_with_backoff_and_succeeds_later(engine, tmp_path, server):
    draft_id, digest = _approved(engine)
    server.fail_first = 1
    hook = WebhookConfig(url=server.url + "/flaky", secret="k", attempts=1)
    d = _dispatcher(engine, tmp_path, webhook=hook)
    while d.run_once(NOW):
        pass
    (publish_item,) = [i for i in _all_items(engine) if i.kind == "publish"]
    assert publish_item.done_at is None and "HTTP 500" in publish_item.last_error
    assert publish_item.available_at == NOW + timedelta(seconds=5)
    assert d.run_once(NOW + timedelta(seconds=4)) == 0
    assert d.run_once(NOW + timedelta(seconds=5)) == 1
    assert pending_count(engine) == 0
    assert len(server.received) == 1 and server.received[0].json()["content_hash"] == digest


def test_drain_gives_up_waiting_after_max_wait(engine, tmp_path, server):
    _approved(engine)
    hook = WebhookConfig(url=server.url + "/reject", secret="k", attempts=1)
    clock = ManualClock(NOW)
    ran = _dispatcher(engine, tmp_path, webhook=hook, clock=clock).drain(max_wait=30, sleep=_sleeping(clock))
    assert pending_count(engine) == 1
    (item,) = [i for i in _all_items(engine) if i.done_at is None]
    assert item.attempts == 3  # tried at 0 s, 5 s and 15 s; the next try (35 s) is past max_wait
    assert ran == len(_all_items(engine)) + 2


def _dead_letters(engine) -> tuple[list[AuditEvent], list[Notification]]:
    with transaction(engine, readonly=True) as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.dead")))
        notices = list(s.scalars(select(Notification).where(Notification.kind == "outbox_dead")))
    return events, notices


def _admin_id(engine) -> int:
    with transaction(engine, readonly=True) as s:
        return s.scalar(select(User.id).where(User.name == "guan"))


def test_unknown_kinds_go_dead_at_once(engine, tmp_path):
    with transaction(engine) as s:
        add_staff(s, NOW)
        enqueue(s, kind="fax", key="fax:1", payload={}, now=NOW)
    assert _dispatcher(engine, tmp_path).run_once(NOW) == 1
    (item,) = _all_items(engine)
    assert (item.done_at, item.dead_at, item.attempts) == (NOW, NOW, 1)
    assert item.last_error == "unknown outbox kind: fax"
    assert pending_count(engine) == 0 and dead_since(engine, NOW)[0].key == "fax:1"
    (event,), (notice,) = _dead_letters(engine)
    assert event.payload == {"kind": "fax", "key": "fax:1", "attempts": 1, "error": "unknown outbox kind: fax"}
    assert notice.user_id == _admin_id(engine) and "fax:1" in notice.message and "停止重试" in notice.message


def test_an_item_goes_dead_after_max_attempts_and_admins_are_told(engine, tmp_path, server):
    draft_id, _ = _approved(engine)
    hook = WebhookConfig(url=server.url + "/reject", secret="k", attempts=1)
    clock = ManualClock(NOW)
    d = _dispatcher(engine, tmp_path, webhook=hook, clock=clock, max_attempts=3)
    d.drain(max_wait=3600, sleep=_sleeping(clock))
    assert pending_count(engine) == 0
    (publish_item,) = [i for i in _all_items(engine) if i.kind == "publish"]
    assert publish_item.attempts == 3 and publish_item.dead_at == NOW + timedelta(seconds=15)  # tries at 0, 5, 15 s
    assert "HTTP 400" in publish_item.last_error
    assert [i.key for i in dead_since(engine, NOW)] == [publish_item.key]
    (event,), notices = _dead_letters(engine)
    assert event.draft_id == draft_id and event.payload["kind"] == "publish" and event.payload["attempts"] == 3
    assert [(n.user_id, n.draft_id) for n in notices] == [(_admin_id(engine), draft_id)]


def test_an_item_whose_workers_keep_dying_goes_dead_without_another_run(engine, tmp_path):
    with transaction(engine) as s:
        enqueue(s, kind="route", key="route:404", payload={"draft_id": 404}, now=NOW)
    lease = timedelta(minutes=5)
    for n in range(2):  # two workers took it and died (their leases ran out)
        claim(engine, worker=f"dead{n}", now=NOW + n * lease, lease=lease)
    d = _dispatcher(engine, tmp_path, max_attempts=2)
    assert d.run_once(NOW + 2 * lease) == 1
    (item,) = _all_items(engine)
    assert item.dead_at == NOW + 2 * lease and "2 次领取均未完成" in item.last_error
    (event,), notices = _dead_letters(engine)
    assert event.draft_id == 404 and notices == []  # no admin in this database; no draft 404 to link to


def test_a_stopping_worker_hands_back_the_items_it_has_not_started(engine, tmp_path):
    with transaction(engine) as s:
        for n in (1, 2):
            enqueue(s, kind="route", key=f"route:{n}", payload={"draft_id": n}, now=NOW)
    stop = threading.Event()
    stop.set()
    assert _dispatcher(engine, tmp_path).run_once(stop=stop) == 0
    assert [(i.claimed_by, i.claimed_until, i.attempts, i.done_at) for i in _all_items(engine)] == [(None, None, 0, None)] * 2
    assert [i.key for i in claim(engine, worker="next", now=NOW, lease=timedelta(minutes=5))] == ["route:1", "route:2"]


def test_drain_returns_when_stopped(engine, tmp_path, server):
    _approved(engine)
    stop = threading.Event()
    hook = WebhookConfig(url=server.url + "/reject", secret="k", attempts=1)
    ran = _dispatcher(engine, tmp_path, webhook=hook).drain(max_wait=3600, stop=stop, sleep=lambda _: stop.set())
    assert stop.is_set() and ran >= 1 and pending_count(engine) == 1  # the failed publication waits for its retry


def _run_in_thread_until_empty(d: Dispatcher, engine, timeout: float = 120) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=d.run_forever, args=(stop,))
    thread.start()
    for _ in range(int(timeout / 0.05)):
        if pending_count(engine) == 0:
            break
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert pending_count(engine) == 0


def test_run_forever_works_until_stopped(engine, tmp_path):
    draft_id, digest = _approved(engine)
    _run_in_thread_until_empty(_dispatcher(engine, tmp_path), engine)
    assert _manifest(tmp_path)[str(draft_id)]["content_hash"] == digest


@pytest.mark.prefect
def test_items_run_as_prefect_flows(engine, tmp_path, prefect_harness):
    """As ``sanshen serve`` runs them: the dispatcher in a background thread; a batch of items is one
    flow run, each publication a task run of it named by its outbox key."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterTags,
        TaskRunFilter,
        TaskRunFilterName,
    )

    draft_id, digest = _approved(engine)
    _run_in_thread_until_empty(_dispatcher(engine, tmp_path, use_prefect=True), engine)
    assert _manifest(tmp_path)[str(draft_id)]["content_hash"] == digest

    key = f"publish:{draft_id}:{digest}"
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["sanshen-outbox"])),
                                     flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=["sanshen-worker:test"])))
        assert runs and all(r.state.is_completed() for r in runs)
        for _ in range(100):  # task runs reach the API through Prefect's events, a moment later
            tasks = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[key])))
            if tasks and tasks[0].state is not None and tasks[0].state.is_completed():
                break
            time.sleep(0.1)
    assert [t.name for t in tasks] == [key] and tasks[0].state.is_completed()
    assert tasks[0].flow_run_id in {r.id for r in runs}
