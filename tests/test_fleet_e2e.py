"""End to end on the production topology: PostgreSQL, a real `prefect server` process, a real S3 API (moto's
server) and two `sanshen worker` processes, each with its own data directory, publishing N drafts into one site
in the bucket; one worker is killed (-9) mid-batch. Every draft is published exactly once, every page is in the
bucket once and in the manifest, each webhook delivery id arrives once, and the runs show in Prefect's API (the
killed worker's run as CRASHED). Runs in the PostgreSQL pass of scripts/test.sh (SANSHEN_TEST_PG)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from flows.dispatcher import worker_tag
from flows.site import MANIFEST, item_path
from flows.site_store import open_store
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


def _published(engine) -> list[int]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))


def _delivered(engine) -> int:
    with transaction(engine, readonly=True) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "webhook.delivered"))


def _runs_of_ended(prefect_server: str, pid: int) -> bool:
    """No flow run of the worker with ``pid`` is still running or pending in Prefect."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    tag = worker_tag(f"{socket.gethostname()}:{pid}")
    with temporary_settings({PREFECT_API_URL: prefect_server}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["sanshen-outbox"])))
    return all(r.state.type.value in ("COMPLETED", "CRASHED") for r in runs if tag in r.tags)


def _wait(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_two_workers_on_a_prefect_server_publish_every_draft_once_into_one_s3_site_through_a_kill_9(
        db_url, tmp_path, server, prefect_server, s3):
    engine = make_engine(db_url)
    upgrade(engine)
    now = system_clock()  # the worker processes read the machine's clock too
    expected = {}
    for k in range(N):
        draft_id, digest = submit_draft(engine, WF, now, title=f"第 {k} 号通知（集群）", body=f"正文 {k}。")
        sign_everything(engine, WF, draft_id, now)
        expected[draft_id] = (digest, f"第 {k} 号通知（集群）")
    site_url = f"s3://{s3.bucket()}/site"  # the one shared site; each worker has its own data directory
    env = {"SANSHEN_DB": db_url, "SANSHEN_WEBHOOK_URL": server.url + "/hook", "SANSHEN_WEBHOOK_SECRET": "k",
           "SANSHEN_SITE_STORE": site_url, "SANSHEN_SITE_S3_ENDPOINT": s3.endpoint, "SANSHEN_FAULT_PUBLISH_PAUSE": "1"}
    homes = [tmp_path / f"home-{n}" for n in range(2)]
    workers = [subprocess.Popen([SANSHEN, "worker", "--lease", "3"],
                                env={**sanshen_env(home, **env), "PREFECT_API_URL": prefect_server},
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for home in homes]
    victim, survivor = workers
    try:
        _wait(lambda: len(_published(engine)) >= 2, "the first publications", 300)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        _wait(lambda: sorted(_published(engine)) == sorted(expected), "every draft published", 300)
        # webhooks are claimed after publications (outbox priority): the survivor delivers the last ones too
        _wait(lambda: _delivered(engine) >= N, "every webhook delivered", 120)
        # the survivor marks the killed worker's runs crashed at the start of its next round (a run
        # of up to 200 items may have carried the last ones)
        _wait(lambda: _runs_of_ended(prefect_server, victim.pid), "the killed worker's runs ended", 120)
        took, out = stop_with_sigterm(survivor)
        assert survivor.returncode == 0, out
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    # the bucket holds one site: every page once (none left outside the manifest), the manifest complete
    store = open_store(site_url, s3_endpoint=s3.endpoint)
    manifest = json.loads(store.read(MANIFEST))
    manifest.pop("audit_checkpoint", None)
    assert {int(k): v["content_hash"] for k, v in manifest.items()} == {d: h for d, (h, _) in expected.items()}
    pages = sorted(path for path, _ in store.files() if path.startswith("items/"))
    assert pages == sorted(item_path(d) for d in expected) == sorted(v["path"] for v in manifest.values())
    for draft_id, (_, title) in expected.items():
        assert store.read(item_path(draft_id)).decode("utf-8").count(f"<h1>{title}</h1>") == 1
    index = store.read("index.html").decode("utf-8")
    assert all(index.count(title) == 1 for _, title in expected.values())
    assert not any((home / "site").exists() for home in homes)  # nothing published to a local folder
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
    assert all(processes_with(f"SANSHEN_HOME={home}") == [] for home in homes)
    engine.dispose()
