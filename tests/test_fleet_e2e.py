"""End to end on the production topology: PostgreSQL, a real `prefect server` process and two `sanshen worker`
processes publishing N drafts into one site; one worker is killed (-9) mid-batch. Every draft is published
exactly once, each webhook delivery id arrives once, and the runs show in Prefect's API (the killed
worker's run as CRASHED). Runs in the PostgreSQL pass of scripts/test.sh (SANSHEN_TEST_PG)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from flows.dispatcher import worker_tag
from flows.site import MANIFEST
from flows.webhook import DELIVERY_HEADER
from review.workflow import default_workflow
from storage.audit import verify_chain
from storage.clock import system_clock
from storage.db import make_engine, transaction, upgrade
from storage.models import AuditEvent
from tests.flows_support import sign_everything, submit_draft
from tests.processes import SANSHEN, processes_with, sanshen_env, stop_with_sigterm

WF = default_workflow()
N = 8
pytestmark = [
    pytest.mark.db, pytest.mark.prefect,
    pytest.mark.skipif(not os.environ.get("SANSHEN_TEST_PG"), reason="the fleet runs on PostgreSQL (SANSHEN_TEST_PG)"),
]


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on 127.0.0.1 with a home of its own; stopped after the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = tmp_path / "prefect-server"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SANSHEN_"))}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port), "--no-ui"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (home / "server.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "prefect server did not start"
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _published(engine) -> list[int]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))


def _wait(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_two_workers_on_a_prefect_server_publish_every_draft_once_through_a_kill_9(db_url, tmp_path, server,
                                                                                  prefect_server):
    engine = make_engine(db_url)
    upgrade(engine)
    now = system_clock()  # the worker processes read the machine's clock too
    expected = {}
    for k in range(N):
        draft_id, digest = submit_draft(engine, WF, now, title=f"第 {k} 号通知（集群）", body=f"正文 {k}。")
        sign_everything(engine, WF, draft_id, now)
        expected[draft_id] = digest
    home = tmp_path / "home"  # one data directory, so one site, for both workers
    env = {**sanshen_env(home, SANSHEN_DB=db_url, SANSHEN_WEBHOOK_URL=server.url + "/hook", SANSHEN_WEBHOOK_SECRET="k"),
           "PREFECT_API_URL": prefect_server}
    slow = {**env, "SANSHEN_FAULT_PUBLISH_PAUSE": "1"}
    workers = [subprocess.Popen([SANSHEN, "worker", "--lease", "3"], env=slow, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    victim, survivor = workers
    try:
        _wait(lambda: len(_published(engine)) >= 2, "the first publications", 300)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        _wait(lambda: sorted(_published(engine)) == sorted(expected), "every draft published", 300)
        took, out = stop_with_sigterm(survivor)
        assert survivor.returncode == 0, out
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    manifest = json.loads((home / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert {int(k): v["content_hash"] for k, v in manifest.items() if k != "audit_checkpoint"} == expected
    with transaction(engine, readonly=True) as s:
        assert verify_chain(s).ok
        per_draft = Counter(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))
        delivered = s.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "webhook.delivered"))
    assert set(per_draft.values()) == {1} and delivered == N
    deliveries = Counter(r.headers[DELIVERY_HEADER] for r in server.received)
    assert len(deliveries) == N and set(deliveries.values()) == {1}, deliveries

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["sanshen-outbox"])))
        deployment = client.read_deployment_by_name("sanshen-outbox/sanshen")
    assert runs and all(r.deployment_id == deployment.id for r in runs)
    states = {r.state.type.value for r in runs}
    victim_tag = worker_tag(f"{socket.gethostname()}:{victim.pid}")
    assert {r.state.type.value for r in runs if victim_tag in r.tags} <= {"COMPLETED", "CRASHED"}
    assert "RUNNING" not in states and "COMPLETED" in states
    assert processes_with(f"SANSHEN_HOME={home}") == []
    engine.dispose()
