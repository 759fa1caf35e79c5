"""Prefect as the engine: deployments, the idempotent hand-off of outbox items as flow runs, and a
publication run retried through Prefect's API publishing nothing twice."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from flows.dispatcher import Dispatcher, DispatcherConfig
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from storage.clock import system_clock
from storage.db import transaction
from storage.models import AuditEvent
from storage.outbox import enqueue, pending_count
from tests.flows_support import sign_everything, submit_draft

WF = default_workflow()
pytestmark = [pytest.mark.db, pytest.mark.prefect]


def _dispatcher(engine, tmp_path, worker: str) -> Dispatcher:
    # Prefect schedules runs on its own (real) clock: the dispatcher reads the same one here
    return Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                      use_prefect=True, worker=worker, clock=system_clock, config=DispatcherConfig())


def _approved(engine, test: str, n: int = 1) -> list[tuple[int, str]]:
    """Drafts whose content (so whose outbox keys) no other test shares: the Prefect API is the session's."""
    now = system_clock()
    out = []
    for k in range(n):
        draft_id, digest = submit_draft(engine, WF, now, title=f"第 {k} 号通知（{test}）", body=f"正文 {k}。")
        sign_everything(engine, WF, draft_id, now)
        out.append((draft_id, digest))
    return out


def _published(engine) -> list[int]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))


def _outbox_runs(client) -> list:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["sanshen-outbox"])))


def test_handing_off_the_same_items_twice_makes_one_flow_run_of_the_deployment(engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    from flows.engine import PrefectEngine

    (draft_id, digest), = _approved(engine, "handoff")
    d = _dispatcher(engine, tmp_path, "handoff")
    prefect = PrefectEngine(d, d._prefect_flows())
    with get_client(sync_client=True) as client:
        deployments = prefect.deployments(client)
        assert client.read_deployment_by_name("sanshen-outbox/sanshen").id == deployments.outbox
        sweep = client.read_deployment_by_name("sanshen-sweep/sanshen")
        assert sweep.id == deployments.sweep and sweep.global_concurrency_limit.limit == 1
        assert client.read_global_concurrency_limit_by_name("sanshen-link-probes").limit == 4
        now = system_clock()
        first = prefect._hand_off_batch(client, deployments, now)
        again = PrefectEngine(_dispatcher(engine, tmp_path, "other"), d._prefect_flows())._hand_off_batch(
            client, deployments, now)  # another worker hands off the same ready items
        assert first == again
        run = client.read_flow_run(first)
        client.set_flow_run_state(first, Cancelled(), force=True)  # not left for another test's worker
    assert f"publish:{draft_id}:{digest}" in run.parameters["keys"] and run.state.is_scheduled()
    assert run.deployment_id == deployments.outbox


def test_a_completed_publication_run_retried_through_prefects_api_publishes_once(engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName
    from prefect.states import AwaitingRetry

    (draft_id, digest), = _approved(engine, "retry")
    d = _dispatcher(engine, tmp_path, "retry")
    for _ in range(20):
        if d.run_once() == 0 and pending_count(engine) == 0:
            break
    assert _published(engine) == [draft_id]
    key = f"publish:{draft_id}:{digest}"
    with get_client(sync_client=True) as client:
        (run,) = [r for r in _outbox_runs(client) if key in r.parameters["keys"]]
        assert run.state.is_completed() and run.run_count == 1
        page = (tmp_path / "site").rglob("*.html")
        before = {p: p.stat().st_mtime_ns for p in page}
        # what the UI's "Retry" does: the finished run is scheduled again
        client.set_flow_run_state(run.id, AwaitingRetry(scheduled_time=system_clock()), force=True)
        ran = threading.Thread(target=d.run_once)  # as the worker's dispatcher thread runs it
        ran.start()
        ran.join()
        for _ in range(100):
            retried = client.read_flow_run(run.id)
            if retried.state.is_completed():
                break
            time.sleep(0.1)
        for _ in range(100):  # task runs reach the API through Prefect's events, a moment later
            tasks = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[key])))
            if len(tasks) == 2 and all(t.state is not None and t.state.is_completed() for t in tasks):
                break
            time.sleep(0.1)
    assert len(tasks) == 2 and {t.flow_run_id for t in tasks} == {run.id}  # the publication was run again
    assert retried.state.is_completed() and retried.run_count == 2
    assert _published(engine) == [draft_id]  # the retry re-checked and found it published: nothing twice
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*.html")} == before


def test_when_prefects_api_does_not_answer_the_items_run_inline_with_a_warning(engine, tmp_path):
    import logging
    import socket

    class Kept(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    kept = Kept()
    logging.getLogger("sanshen.flows").addHandler(kept)

    with socket.socket() as sock:  # a port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    (draft_id, _), = _approved(engine, "fallback")
    d = Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                   use_prefect=True, worker="fallback", clock=system_clock, prefect_api_url=dead)
    try:
        ran = d.drain(max_wait=0)
    finally:
        logging.getLogger("sanshen.flows").removeHandler(kept)
    assert ran == 7 and pending_count(engine) == 0 and _published(engine) == [draft_id]
    assert any("Prefect API failed, running this round inline" in m for m in kept.messages), kept.messages


def test_link_checks_under_prefect_take_a_slot_of_the_fleet_wide_limit(engine, tmp_path, prefect_harness, server):
    from prefect.client.orchestration import get_client

    from flows.links import LinkPolicy

    now = system_clock()
    draft_id, _ = submit_draft(engine, WF, now, title="链接检查（engine）", body=f"详见 {server.url}/missing 。")
    with transaction(engine) as s:
        enqueue(s, kind="links", key=f"links:{draft_id}:1", payload={"draft_id": draft_id, "revision": 1}, now=now)
    d = Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                   use_prefect=True, worker="links", clock=system_clock,
                   config=DispatcherConfig(link_policy=LinkPolicy(enabled=True, allow_private=True)))
    while d.run_once():
        pass
    assert pending_count(engine) == 0 and ("HEAD", "/missing") in server.seen  # probed inside the Prefect run
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name("sanshen-link-probes")
    assert limit.limit == 4 and limit.active_slots == 0  # taken while probing, given back after
