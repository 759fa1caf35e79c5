"""Prefect's own retries and concurrency limits around the outbox: a failed publication task retried by
Prefect inside its claim (published once), one publication per draft at a time as a Prefect global
concurrency limit (the slot given back at once when the run holding it is marked crashed), and two
installations (SANSHEN_PREFECT_NAME) sharing one Prefect API without sharing deployments, limits or runs."""

from __future__ import annotations

import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from flows.dispatcher import RETRIED_KINDS, TASK_KINDS, TASK_RETRIES, Dispatcher, DispatcherConfig, worker_tag
from flows.engine import SLOT_TAG, PrefectEngine, draft_limit
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from sanshen.service import drafts
from sanshen.service.draft_pass import DraftPass
from storage.clock import system_clock
from storage.db import make_engine, transaction, upgrade
from storage.models import AuditEvent, Outbox
from storage.outbox import pending_count
from tests.flows_support import sign_everything, submit_draft

WF = default_workflow()
pytestmark = [pytest.mark.db, pytest.mark.prefect]


def _dispatcher(engine, tmp_path, worker: str, *, name: str = "sanshen", config: dict | None = None,
                **kwargs) -> Dispatcher:
    return Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                      use_prefect=True, worker=worker, clock=system_clock,
                      config=DispatcherConfig(prefect_name=name, draft_slots=True, **(config or {})), **kwargs)


def _approved(engine, test: str) -> tuple[int, str]:
    now = system_clock()
    draft_id, digest = submit_draft(engine, WF, now, title=f"通知（{test}）", body=f"正文（{test}）。")
    sign_everything(engine, WF, draft_id, now)
    return draft_id, digest


def _published(engine) -> list[int]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))


def _drain(d: Dispatcher, engine) -> None:
    for _ in range(20):
        if d.run_once() == 0 and pending_count(engine) == 0:
            return


def _task_runs(client, name: str, *, settled: int) -> list:
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    for _ in range(100):  # task runs reach the API through Prefect's events, a moment later
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[name])))
        if len(runs) >= settled and all(r.state is not None and r.state.is_final() for r in runs):
            return runs
        time.sleep(0.1)
    return runs


def test_a_publication_that_fails_once_is_retried_by_prefect_within_its_claim_and_published_once(
        engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client

    draft_id, digest = _approved(engine, "prefect retry")
    failures = []

    def fail_once() -> None:  # after the page is written, before the publication is recorded
        if not failures:
            failures.append("once")
            raise ConnectionError("数据库连接中断（模拟）")

    d = _dispatcher(engine, tmp_path, "prefect-retry", after_site_write=fail_once)
    _drain(d, engine)
    assert failures == ["once"] and _published(engine) == [draft_id]
    key = f"publish:{draft_id}:{digest}"
    with transaction(engine, readonly=True) as s:
        item = s.scalars(select(Outbox).where(Outbox.key == key)).one()
    assert item.done_at is not None and item.attempts == 1 and item.last_error is None  # the outbox saw no failure
    with get_client(sync_client=True) as client:
        (run,) = _task_runs(client, key, settled=1)
    assert run.state.is_completed() and run.run_count == 2 and TASK_RETRIES >= 1


def test_a_publication_whose_draft_slot_is_busy_is_handed_back_and_requeued_instead_of_holding_its_worker(
        engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import concurrency

    draft_id, digest = _approved(engine, "draft slot")
    key = f"publish:{draft_id}:{digest}"
    d = _dispatcher(engine, tmp_path, "draft-slot",
                    config={"slot_wait": timedelta(seconds=1), "backoff_base": timedelta(seconds=2)})
    d.prepare()  # registers the deployments and the limits
    limit = draft_limit("sanshen", draft_id)
    with concurrency(limit, occupy=1, strict=True):  # another worker publishing this draft holds its slot
        before = system_clock()
        ran = d.run_once()  # one flow run: the publication first (outbox priority), then the notifications
        with transaction(engine, readonly=True) as s:
            item = s.scalars(select(Outbox).where(Outbox.key == key)).one()
            others = s.scalars(select(Outbox).where(Outbox.key != key)).all()
        # the round ended while the slot is still taken: the publication was handed back, not waited for
        assert item.claimed_by is None and item.done_at is None and item.attempts == 0
        assert "并发槽" in item.last_error and item.available_at >= before + timedelta(seconds=2)
        assert ran == 1 + len(others) and all(o.done_at is not None for o in others)
        assert _published(engine) == []
    assert d.drain(max_wait=60) == 1  # after the backoff, with the slot free
    assert _published(engine) == [draft_id]
    with transaction(engine, readonly=True) as s:
        item = s.scalars(select(Outbox).where(Outbox.key == key)).one()
    assert item.done_at is not None and item.attempts == 1 and item.last_error is None
    with get_client(sync_client=True) as client:
        held = client.read_global_concurrency_limit_by_name(limit)
        runs = [r for r in client.read_flow_runs() if worker_tag("draft-slot") in r.tags]
    assert held.limit == 1 and held.active_slots == 0
    assert any(t.startswith(SLOT_TAG) for r in runs for t in r.tags)  # the run noted the lease it held


def test_marking_a_dead_workers_run_crashed_gives_back_its_draft_slot_at_once(engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.states import Pending

    from flows.prefect_runtime import crash_runs_tagged

    d = _dispatcher(engine, tmp_path, "slot-owner")
    prefect = PrefectEngine(d, d._prefect_flows())
    limit = draft_limit("sanshen", 7)
    with get_client(sync_client=True) as client:
        deployments = prefect.deployments(client)
        lease = client.increment_concurrency_slots_with_lease([limit], 1, "concurrency", 300).json()["lease_id"]
        ghost = worker_tag("ghost-host:4242")
        run = client.create_flow_run_from_deployment(deployments.outbox, parameters={"keys": []},
                                                     tags=[ghost, f"{SLOT_TAG}{lease}"])
        client.set_flow_run_state(run.id, Pending())  # taken by the worker, which then died
        assert client.read_global_concurrency_limit_by_name(limit).active_slots == 1
    assert crash_runs_tagged(None, ghost, "工作进程已停止") == 1
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(run.id).state.is_crashed()
        assert client.read_global_concurrency_limit_by_name(limit).active_slots == 0  # not after the 300 s lease


def test_two_installations_share_one_prefect_api_without_sharing_deployments_limits_or_runs(
        engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    try:
        for e in (engine, other):
            _approved(e, "installations")
        a = _dispatcher(engine, tmp_path / "a", "inst-a", name="alpha")
        b = _dispatcher(other, tmp_path / "b", "inst-b", name="beta")
        ea, eb = (PrefectEngine(x, x._prefect_flows()) for x in (a, b))
        with get_client(sync_client=True) as client:
            da, db = ea.deployments(client), eb.deployments(client)
            assert client.read_deployment_by_name("sanshen-outbox/alpha").id == da.outbox != db.outbox
            assert client.read_deployment_by_name("sanshen-sweep/beta").id == db.sweep != da.sweep
            for name in ("alpha", "beta"):
                assert client.read_global_concurrency_limit_by_name(f"{name}-link-probes").limit == 4
                assert client.read_global_concurrency_limit_by_name(draft_limit(name, 3)).limit == 1
            now = system_clock()
            run_a = ea._hand_off_batch(client, da, now)
            run_b = eb._hand_off_batch(client, db, now)
            assert run_a != run_b  # the same outbox ids in two databases: two runs, each of its own deployment
            assert client.read_flow_run(run_b).deployment_id == db.outbox
        _drain(b, other)  # beta's worker runs beta's run only
        assert _published(other) and pending_count(other) == 0 and pending_count(engine) > 0
        with get_client(sync_client=True) as client:
            assert client.read_flow_run(run_a).state.is_scheduled()
            from prefect.states import Cancelled

            client.set_flow_run_state(run_a, Cancelled(), force=True)  # not left for another test
    finally:
        other.dispose()


def test_a_run_left_pending_by_a_worker_on_another_host_is_marked_crashed_after_the_lease(
        engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed, Pending

    d = Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", checker_factory=load_default_checker,
                   use_prefect=True, worker="this-host:1", clock=system_clock,
                   config=DispatcherConfig(lease=timedelta(seconds=1), pending_grace=timedelta(0)))
    prefect = PrefectEngine(d, d._prefect_flows())
    with get_client(sync_client=True) as client:
        deployments = prefect.deployments(client)
        # taken (PENDING) by a worker on another host, which was killed before it claimed an item
        old = client.create_flow_run_from_deployment(deployments.outbox, parameters={"keys": []},
                                                     tags=[worker_tag("other-host:77")])
        client.set_flow_run_state(old.id, Pending())
        time.sleep(1.5)  # the lease passes
        fresh = client.create_flow_run_from_deployment(deployments.outbox, parameters={"keys": []},
                                                       tags=[worker_tag("other-host:78")])
        client.set_flow_run_state(fresh.id, Pending())  # just taken: its worker is about to start it
        prefect._crash_runs_of_stopped_local_workers(client, deployments)
        assert client.read_flow_run(old.id).state.is_crashed()
        left = client.read_flow_run(fresh.id).state
        assert left.is_pending()
        client.set_flow_run_state(fresh.id, Crashed(message="测试结束"), force=True)  # not left for another test


def test_a_worker_starting_on_registered_deployments_reads_them_and_upserts_only_what_changed(
        engine, tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client

    first = _dispatcher(engine, tmp_path, "register-1", name="register",
                        config={"integrity_every": timedelta(hours=1)}, server_schedules=True)
    with get_client(sync_client=True) as client:
        made = PrefectEngine(first, first._prefect_flows()).deployments(client)
        stamps = {d: client.read_deployment(d).updated for d in made.all()}
        again = _dispatcher(engine, tmp_path, "register-2", name="register",
                            config={"integrity_every": timedelta(hours=1)}, server_schedules=True)
        assert PrefectEngine(again, again._prefect_flows()).deployments(client) == made
        assert {d: client.read_deployment(d).updated for d in made.all()} == stamps  # read, not written
        changed = _dispatcher(engine, tmp_path, "register-3", name="register",
                              config={"integrity_every": timedelta(hours=2)}, server_schedules=True)
        now = PrefectEngine(changed, changed._prefect_flows()).deployments(client)
        integrity = next(d for d, kind in now.monitors.items() if kind == "integrity")
        (schedule,) = client.read_deployment(integrity).schedules
        assert schedule.schedule.interval == timedelta(hours=2)  # a changed interval is written
        assert client.read_deployment(now.outbox).updated == stamps[made.outbox]


@dataclass
class FailsFirst:
    """The real pass, whose first run fails (the pool's process died under it)."""

    inner: DraftPass
    calls: list = field(default_factory=list)

    @property
    def lexicon_revision(self) -> int | None:
        return self.inner.lexicon_revision

    def check_revision(self, *args, **kwargs):
        self.calls.append(len(self.calls) + 1)
        if len(self.calls) == 1:
            raise BrokenProcessPool("检查进程意外退出（模拟）")
        return self.inner.check_revision(*args, **kwargs)


def test_a_failed_pass_is_left_to_the_outbox_backoff_not_retried_by_prefect(team, tmp_path, prefect_harness):
    """Publications are retried by Prefect inside their claim; a ``check`` item is not: a pass that
    failed (its pool process died) goes back to the outbox at once, with its backoff, and runs once
    per claim."""
    view = team.submit(checked=False)
    failing = FailsFirst(DraftPass(team.ctx.checker))
    d = Dispatcher(engine=team.ctx.engine, workflow=team.ctx.workflow, workflows=team.ctx.workflows,
                   site_dir=tmp_path / "site", checker_factory=load_default_checker, use_prefect=True,
                   worker="check-no-retry", clock=team.ctx.clock, config=DispatcherConfig(),
                   draft_checker=lambda: failing)
    assert set(TASK_KINDS) - set(RETRIED_KINDS) == {"check"}  # the others stay retried (test above)
    d.run_once()
    with transaction(team.ctx.engine, readonly=True) as s:
        item = s.scalars(select(Outbox).where(Outbox.kind == "check")).one()
    assert failing.calls == [1]  # once in this claim
    assert item.done_at is None and item.attempts == 1 and "检查进程意外退出" in item.last_error
    assert item.available_at > team.clock() and item.claimed_by is None  # the outbox's backoff
    team.ctx.clock.advance(item.available_at - team.clock())
    d.run_once()
    assert failing.calls == [1, 2] and drafts.show(team.ctx, team["jiao1"], view.id).status == "in_review"
