"""A worker under Prefect holds only the item in progress: SIGTERM lets it finish and exit 0 with its flow
run completed; kill -9 leaves only that item claimed, and the next worker on the machine hands it back
at once (not after the lease) and ends the dead worker's flow run as crashed."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.dispatcher import worker_tag
from flows.site import MANIFEST
from review.workflow import default_workflow
from storage.clock import system_clock
from storage.db import make_engine, transaction, upgrade
from storage.models import AuditEvent, Outbox
from tests.flows_support import sign_everything, submit_draft
from tests.processes import (
    SANSHEN,
    STOP_SECONDS,
    assert_clean_stop,
    kill_if_running,
    sanshen_env,
    stop_with_sigterm,
)

WF = default_workflow()
pytestmark = [pytest.mark.db, pytest.mark.prefect]


@pytest.fixture
def api_url(prefect_harness) -> str:
    """The test session's Prefect API, which the worker processes report to as to a Prefect server."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def _approved_drafts(engine, n: int, test: str) -> list[int]:
    """Drafts whose content (so whose outbox keys) no other test shares: the Prefect API is the session's."""
    now = system_clock()  # the worker processes read the machine's clock too
    ids = []
    for k in range(n):
        draft_id, _ = submit_draft(engine, WF, now, title=f"第 {k} 号通知（{test}）", body=f"正文 {k}。")
        sign_everything(engine, WF, draft_id, now)
        ids.append(draft_id)
    return ids


def _start(home: Path, db_url: str, api_url: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([SANSHEN, "worker", *args],
                            env={**sanshen_env(home, SANSHEN_DB=db_url, **env), "PREFECT_API_URL": api_url},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the worker never wrote {path.name}: {proc.communicate()[0][-3000:]}")
        time.sleep(0.05)


def _claims(engine) -> list[tuple[str, str | None]]:
    with transaction(engine, readonly=True) as s:
        return [(o.key, o.claimed_by) for o in s.scalars(
            select(Outbox).where(Outbox.done_at.is_(None), Outbox.claimed_by.is_not(None)))]


def _published(engine) -> list[int]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))


def _runs_of(pid: int) -> list:
    """The outbox batch runs of the worker process ``pid`` (not its escalation sweeps)."""
    import socket

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterTags,
    )

    tag = worker_tag(f"{socket.gethostname()}:{pid}")
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag])),
                                     flow_filter=FlowFilter(name=FlowFilterName(any_=["sanshen-outbox"])))


def test_sigterm_mid_publication_finishes_the_item_exits_0_and_claims_nothing_more(db_url, tmp_path, api_url):
    engine = make_engine(db_url)
    upgrade(engine)
    first, *rest = _approved_drafts(engine, 3, "sigterm")
    home = tmp_path / "home"
    proc = _start(home, db_url, api_url, SANSHEN_FAULT_PUBLISH_PAUSE="2")
    try:
        _wait_for(home / "site" / MANIFEST, proc)  # the first page is out; its item is in progress
        assert [key for key, _ in _claims(engine)] == [f"publish:{first}:" + _hash(engine, first)]
        took, out = stop_with_sigterm(proc)
    finally:
        kill_if_running(proc)
    assert_clean_stop(proc, out, took, bound=STOP_SECONDS + 2)  # 2 s of it the publication in hand
    assert _published(engine) == [first]  # the item in hand was finished, nothing else started
    assert _claims(engine) == []
    runs = _runs_of(proc.pid)
    assert runs and all(r.state.is_completed() for r in runs), [(r.name, r.state) for r in runs]
    engine.dispose()


def _hash(engine, draft_id: int) -> str:
    from storage.models import Revision

    with transaction(engine, readonly=True) as s:
        return s.scalars(select(Revision.content_hash).where(Revision.draft_id == draft_id)).one()


def test_kill_9_leaves_one_claim_which_the_next_worker_takes_back_at_once(db_url, tmp_path, api_url):
    engine = make_engine(db_url)
    upgrade(engine)
    ids = _approved_drafts(engine, 3, "kill")
    home = tmp_path / "home"
    first = _start(home, db_url, api_url, "--lease", "3600", SANSHEN_FAULT_PUBLISH_PAUSE="300")
    try:
        _wait_for(home / "site" / MANIFEST, first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    claims = _claims(engine)
    assert [key for key, _ in claims] == [f"publish:{ids[0]}:" + _hash(engine, ids[0])]  # only the one in hand
    assert [r.state.type.value for r in _runs_of(first.pid)] == ["RUNNING"]

    # the dead worker's lease has an hour to run: the restart hands its claim back, or this drain
    # (waiting at most 5 s for retries) ends with the item left and exits 1
    second = subprocess.run([SANSHEN, "worker", "--drain", "--max-wait", "5"], timeout=300, capture_output=True,
                            text=True, env={**sanshen_env(home, SANSHEN_DB=db_url), "PREFECT_API_URL": api_url})
    assert second.returncode == 0, second.stdout + second.stderr
    assert sorted(_published(engine)) == ids  # the page already written is recorded, not written twice
    assert [r.state.type.value for r in _runs_of(first.pid)] == ["CRASHED"]
    engine.dispose()
