"""Killing the worker mid-publication and starting it again publishes exactly once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.site import MANIFEST, item_path
from flows.webhook import DELIVERY_HEADER
from review.workflow import default_workflow
from storage.audit import verify_chain
from storage.clock import system_clock
from storage.db import make_engine, transaction, upgrade
from storage.models import AuditEvent, Draft
from tests.flows_support import LocalServer, sign_everything, submit_draft
from tests.processes import SANSHEN, sanshen_env

WF = default_workflow()
pytestmark = pytest.mark.db


def _env(home: Path, db_url: str, server: LocalServer, **extra: str) -> dict:
    return sanshen_env(home, SANSHEN_DB=db_url, SANSHEN_WEBHOOK_URL=server.url + "/hook",
                       SANSHEN_WEBHOOK_SECRET="k", **extra)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the worker never wrote {path.name}"
        time.sleep(0.1)


def test_worker_killed_after_writing_the_page_publishes_once_when_restarted(db_url, tmp_path, server):
    engine = make_engine(db_url)
    upgrade(engine)
    now = system_clock()  # the worker processes read the machine's clock too
    draft_id, digest = submit_draft(engine, WF, now)
    sign_everything(engine, WF, draft_id, now)
    home = tmp_path / "home"
    page = home / "site" / item_path(draft_id)
    worker = [SANSHEN, "worker", "--drain", "--inline", "--lease", "2", "--max-wait", "60"]

    first = subprocess.Popen(worker, env=_env(home, db_url, server, SANSHEN_FAULT_PUBLISH_PAUSE="120"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(home / "site" / MANIFEST, first)  # written after the page and the indexes
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    manifest = json.loads((home / "site" / MANIFEST).read_text(encoding="utf-8"))
    written = (page.stat().st_mtime_ns, manifest[str(draft_id)])
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, draft_id).status == "approved"  # killed before it was recorded
    assert server.received == []

    second = subprocess.run(worker, env=_env(home, db_url, server), capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    manifest = json.loads((home / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert (page.stat().st_mtime_ns, manifest[str(draft_id)]) == written
    assert manifest[str(draft_id)]["content_hash"] == digest
    assert [r.json()["content_hash"] for r in server.received] == [digest]
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, draft_id).status == "published"
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == draft_id)).all()
        assert verify_chain(s).ok
    assert actions.count("draft.published") == 1 and actions.count("webhook.delivered") == 1
    engine.dispose()


def test_worker_killed_at_random_points_publishes_every_draft_once(db_url, tmp_path, server):
    rng = random.Random(20261124)
    engine = make_engine(db_url)
    upgrade(engine)
    expected = {}
    now = system_clock()  # the worker processes read the machine's clock too
    for n in range(4):
        draft_id, digest = submit_draft(engine, WF, now, title=f"第 {n} 号通知", body=f"正文 {n}。")
        sign_everything(engine, WF, draft_id, now)
        expected[draft_id] = digest
    home = tmp_path / "home"
    worker = [SANSHEN, "worker", "--drain", "--inline", "--lease", "1", "--max-wait", "60"]
    slow = _env(home, db_url, server, SANSHEN_FAULT_PUBLISH_PAUSE="0.4")
    for _ in range(3):
        proc = subprocess.Popen(worker, env=slow, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(2.0, 5.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    final = subprocess.run(worker, env=_env(home, db_url, server), capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr

    manifest = json.loads((home / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert {int(k): v["content_hash"] for k, v in manifest.items() if k != "audit_checkpoint"} == expected
    with transaction(engine, readonly=True) as s:
        published = s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")).all()
        assert verify_chain(s).ok
    assert sorted(published) == sorted(expected)
    # a receiver that keeps delivery ids sees each publication once
    deliveries = {r.headers[DELIVERY_HEADER]: r.json()["content_hash"] for r in server.received}
    assert sorted(deliveries.values()) == sorted(expected.values())
    engine.dispose()
