"""Prefect as the engine: sanshen's flows as deployments, the outbox handed off as flow runs of them,
and the scheduled runs of those deployments executed in this process.

- Deployments (``sanshen-outbox/<name>``, ``sanshen-sweep/<name>``; ``<name>`` is the installation's
  ``SANSHEN_PREFECT_NAME``, default ``sanshen``, so several installations can share one Prefect server) are
  registered at start (an upsert: every worker may do it). The sweep's deployment has a concurrency limit of 1.
  Prefect's global concurrency limits (named ``<name>-…``): link probes fleet-wide, and one publication per
  draft at a time (``<name>-draft-NN``, the draft's id modulo :data:`DRAFT_SLOTS`, limit 1 each).
- With a Prefect server configured (not the embedded API), the escalation sweep and the monitors (integrity,
  column freshness, link sweep) are deployments with interval schedules (kept on the server: an operator may
  change or pause them in Prefect's UI) and whichever worker takes a run runs it (a monitor late by several
  intervals runs once, for the latest). The runs come from Prefect's scheduler service, and the workers also
  create each schedule's due run with the idempotency key that service uses (``scheduled <deployment>
  <schedule> <time>``), so one run per slot exists even where that service cannot insert runs (Prefect
  3.8.8's scheduler fails under SQLAlchemy 2.1, the version sanshen runs).
  On the embedded API (no scheduler) the worker loop runs them (``Dispatcher.monitors_if_due``).
- Hand-off: the ready outbox items (oldest first, up to a batch) become one flow run of
  ``sanshen-outbox`` with their keys as parameters, created with the idempotency key
  ``outbox:<id>:<attempts>:<created at>`` of the first item, so workers racing to hand off the same
  items get the same run. A run always tries its first item, so each completed run moves that key on; a run that
  ended (crashed, cancelled, completed) without taking it is followed by a fresh key. The sweep is
  handed off once per interval (``sweep:<interval start>``), so a fleet sweeps once per interval.
- Execution: every worker asks Prefect for the scheduled runs of these deployments and takes each
  one by proposing PENDING (Prefect's orchestration lets only one proposer through), then runs it
  here with Prefect's engine (no subprocess per run). Inside a run each item is claimed in the outbox
  as it starts, so the outbox lease stays the exactly-once lock: a run handed to two workers, or
  retried from Prefect's UI or API, never runs an item twice at once; a retried run (run_count > 1)
  runs its finished items' work again, which is idempotent (publication re-checks the gate and skips
  what is recorded as done), so a retry never publishes twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from storage import outbox

if TYPE_CHECKING:
    import threading

    from flows.dispatcher import Dispatcher

log = logging.getLogger("sanshen.flows")
DEFAULT_NAME = "sanshen"  # SANSHEN_PREFECT_NAME's default: the deployments are ``sanshen-outbox/sanshen`` …
OUTBOX_FLOW = "sanshen-outbox"
SWEEP_FLOW = "sanshen-sweep"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
MAX_KEY_VARIANTS = 20
LINK_PROBES_LIMIT = 4  # link-check items probing at once, fleet-wide
DRAFT_SLOTS = 32  # one-publication-per-draft limits (drafts share one when their ids agree modulo this)
SLOT_LEASE = 60.0  # seconds a draft slot is leased for (renewed while held; Prefect's minimum)
SLOT_TAG = "sanshen-slot:"  # + the lease id, on the flow run holding it: released when the run is marked crashed
SCHEDULE_ANCHOR = datetime(2024, 1, 1)  # schedules count their intervals from this local midnight (all workers agree)


def link_probes(name: str) -> str:
    """Prefect's global concurrency limit of the installation ``name``'s link checks."""
    return f"{name}-link-probes"


def draft_limit(name: str, draft_id: int) -> str:
    """The global concurrency limit (1) a publication, withdrawal or expiry of ``draft_id`` holds."""
    return f"{name}-draft-{draft_id % DRAFT_SLOTS:02d}"


@dataclass(frozen=True)
class Deployments:
    outbox: UUID
    sweep: UUID
    monitors: dict[UUID, str] = field(default_factory=dict)  # deployment → monitor kind (server schedules only)

    def all(self) -> list[UUID]:
        return [self.outbox, self.sweep, *self.monitors]


class PrefectEngine:
    """The dispatcher's work under Prefect: registered once, then :meth:`round` per poll."""

    def __init__(self, dispatcher: Dispatcher, flows: dict[str, Callable]) -> None:
        self.d = dispatcher
        self.flows = flows  # "batch" and "sweep": the Prefect flow objects
        self._deployments: Deployments | None = None
        self._schedules: dict[UUID, tuple[datetime, object]] = {}  # deployment → (read again after, deployment)
        self._made: dict[UUID, str] = {}  # schedule → the key of the last run this process made sure of

    @property
    def name(self) -> str:
        return self.d.config.prefect_name

    def deployments(self, client) -> Deployments:
        if self._deployments is None:
            from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions

            scheduled = self.d.scheduled_jobs()  # kind → interval: on a server, Prefect schedules these
            ids = {}
            for kind, flow in self.flows.items():
                if kind not in ("batch", "sweep") and kind not in scheduled:
                    continue
                limit = None if kind == "batch" else 1
                every = scheduled.get(kind)
                ids[kind] = self._registered(client, flow, limit, every) or client.create_deployment(
                    client.create_flow(flow), self.name, entrypoint=f"flows/engine.py:{flow.name}",
                    description=flow.description, concurrency_limit=limit,
                    concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
                    if limit else None, enforce_parameter_schema=False,
                    schedules=[_interval(every, self.d.config.time_zone)] if every else [])
            self._deployments = Deployments(
                outbox=ids["batch"], sweep=ids["sweep"],
                monitors={ids[kind]: kind for kind in scheduled if kind != "sweep" and kind in ids})
            limits = {link_probes(self.name): LINK_PROBES_LIMIT}
            if self.d.config.draft_slots:
                limits.update({draft_limit(self.name, n): 1 for n in range(DRAFT_SLOTS)})
            _ensure_limits(client, limits, reset=self.d.prefect_api_url is not None)
        return self._deployments

    def _registered(self, client, flow, limit: int | None, every: timedelta | None) -> UUID | None:
        """The deployment of ``flow`` if it is registered as this process would register it (one read); else
        None and it is upserted. Every worker registers at start: on a Prefect server whose database is
        SQLite, an upsert waits behind the other workers' writes (2–16 s while one worker was publishing,
        bench/bench_worker.py with 2 workers), a read does not."""
        from prefect.client.schemas.schedules import IntervalSchedule
        from prefect.exceptions import ObjectNotFound

        try:
            found = client.read_deployment_by_name(f"{flow.name}/{self.name}")
        except ObjectNotFound:
            return None
        held = found.global_concurrency_limit.limit if found.global_concurrency_limit else None
        schedules = [(entry.schedule.interval.total_seconds(), entry.schedule.timezone) for entry in found.schedules
                     if isinstance(entry.schedule, IntervalSchedule)]
        wanted = [(every.total_seconds(), self.d.config.time_zone)] if every else []
        same = (found.entrypoint == f"flows/engine.py:{flow.name}" and found.description == flow.description
                and held == limit and len(found.schedules) == len(wanted) and schedules == wanted
                and not found.enforce_parameter_schema)
        return found.id if same else None

    def start(self) -> Deployments:
        """Register the deployments and run this interval's sweep (before the first poll)."""
        from prefect.client.orchestration import get_client

        from flows.prefect_runtime import flow_settings

        with flow_settings(self.d.prefect_api_url), get_client(sync_client=True) as client:
            deployments = self.deployments(client)
            if not self.d.server_schedules:
                self._hand_off_sweep(client, deployments, self.d.clock())
                self._run_scheduled(client, deployments, None, only=deployments.sweep)
            return deployments

    def round(self, stop: threading.Event | None) -> int:
        """Hand off what is ready, then run the scheduled runs; returns how many items ran.

        One client for the round, the flow runs of the round included (Prefect's engine takes the
        client of the current ``SyncClientContext``): a new client loads the CA certificates into a
        new SSL context, tens of milliseconds of CPU in the web process when run by ``sanshen serve``."""
        from prefect.context import SyncClientContext

        from flows.prefect_runtime import flow_settings

        with flow_settings(self.d.prefect_api_url), SyncClientContext.get_or_create() as clients:
            client = clients.client
            deployments = self.deployments(client)
            now = self.d.clock()
            if self.d.server_schedules:
                self._due_scheduled_runs(client, deployments, now)
            else:
                self._hand_off_sweep(client, deployments, now)
            self._hand_off_batch(client, deployments, now)
            self._crash_runs_of_stopped_local_workers(client, deployments)
            if stop is not None and stop.is_set():
                return 0  # handed off: another worker (or this one's next start) runs it
            return self._run_scheduled(client, deployments, stop)

    def _hand_off_sweep(self, client, deployments: Deployments, now: datetime) -> None:
        every = self.d.config.sweep_every
        start = datetime.fromtimestamp(now.timestamp() // every.total_seconds() * every.total_seconds(), now.tzinfo)
        if self.d.last_sweep_handed_off == start:
            return
        client.create_flow_run_from_deployment(deployments.sweep, parameters={"now": start.isoformat()},
                                               idempotency_key=f"{self.name}:sweep:{start.isoformat()}")
        self.d.last_sweep_handed_off = start

    def _due_scheduled_runs(self, client, deployments: Deployments, now: datetime) -> None:
        """Make sure the latest due run of each interval schedule of the sweep and the monitors exists
        (the key Prefect's scheduler gives it, so the two never make two runs of one slot)."""
        from prefect.client.schemas.schedules import IntervalSchedule
        from prefect.states import Scheduled

        for deployment_id in (deployments.sweep, *deployments.monitors):
            schedules = self._schedules.get(deployment_id)
            if schedules is None or now >= schedules[0]:  # re-read now and then: the UI may change them
                schedules = (now + timedelta(minutes=1), client.read_deployment(deployment_id))
                self._schedules[deployment_id] = schedules
            deployment = schedules[1]
            if deployment.paused:
                continue
            for entry in deployment.schedules:
                schedule = entry.schedule
                if not entry.active or not isinstance(schedule, IntervalSchedule) or schedule.anchor_date is None:
                    continue
                from storage.localtime import zone

                # plain datetimes (Prefect's may be another library's) in the schedule's zone
                anchor = datetime.fromtimestamp(schedule.anchor_date.timestamp(), zone(schedule.timezone or "UTC"))
                every = timedelta(seconds=schedule.interval.total_seconds())
                slot = anchor + every * int((now.timestamp() - anchor.timestamp()) // every.total_seconds())
                key = f"scheduled {deployment.id} {entry.id} {slot}"
                if self._made.get(entry.id) == key:
                    continue
                client.create_flow_run_from_deployment(deployment.id, state=Scheduled(scheduled_time=slot),
                                                       idempotency_key=key)
                self._made[entry.id] = key

    def _crash_runs_of_stopped_local_workers(self, client, deployments: Deployments) -> None:
        """End as CRASHED the runs Prefect shows as running for a worker of this host that is gone
        (killed between two items, it held no claim for another worker to take over), and the runs of any
        host still PENDING a lease after they were taken: a worker starts a run it takes at once, so its
        taker died before claiming an item (on another host, no process to look for)."""
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterId,
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.states import Crashed

        from flows.dispatcher import pid_alive, worker_tag

        host = self.d.worker.rpartition(":")[0]
        prefix = worker_tag(f"{host}:")
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.RUNNING, StateType.PENDING]))),
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=deployments.all())), limit=200)
        stale = self.d.clock() - max(self.d.config.lease, self.d.config.pending_grace)
        for run in runs:
            pids = [tag[len(prefix):] for tag in run.tags if tag.startswith(prefix)]
            if pids and not any(pid_alive(pid) for pid in pids):
                client.set_flow_run_state(run.id, Crashed(message="执行本次运行的工作进程已停止"), force=True)
                release_slots_of(client, run)
                log.warning("flow run %s of a stopped worker marked crashed", run.name)
            elif (run.state.type == StateType.PENDING and run.state.timestamp is not None
                  and run.state.timestamp.timestamp() < stale.timestamp()):
                client.set_flow_run_state(run.id, Crashed(message="取走本次运行的工作进程未能开始运行（已停止），租约已过"),
                                          force=True)
                release_slots_of(client, run)
                log.warning("flow run %s of a stopped worker marked crashed", run.name)

    def _hand_off_batch(self, client, deployments: Deployments, now: datetime) -> UUID | None:
        ready = outbox.ready(self.d.engine, now=now, limit=self.d.config.batch)
        if not ready:
            return None
        first = ready[0]
        keys = [item.key for item in ready]
        for variant in range(MAX_KEY_VARIANTS):
            key = f"{self.name}:outbox:{first.id}:{first.attempts}:{first.created_at.isoformat()}" + (f":{variant}" if variant else "")
            run = client.create_flow_run_from_deployment(deployments.outbox, parameters={"keys": keys},
                                                         idempotency_key=key, name=first.key)
            if run.state is None or run.state.type.value not in FINAL:
                return run.id
        log.warning("outbox item %s: %s flow runs ended without taking it", first.key, MAX_KEY_VARIANTS)
        return None

    def _run_scheduled(self, client, deployments: Deployments, stop: threading.Event | None, *,
                       only: UUID | None = None) -> int:
        from prefect.client.schemas.objects import StateType
        from prefect.flow_engine import run_flow
        from prefect.states import Pending

        from flows.dispatcher import worker_tag

        ran = 0
        runs = client.get_scheduled_flow_runs_for_deployments([only] if only else deployments.all())
        for run in _latest_of_monitors(client, runs, deployments):
            if stop is not None and stop.is_set():
                break
            taken = client.set_flow_run_state(run.id, Pending())
            if taken.state is None or taken.state.type != StateType.PENDING:
                continue  # another worker took it, or Prefect holds it back (concurrency)
            tag = worker_tag(self.d.worker)
            if tag not in run.tags:
                client.update_flow_run(run.id, tags=[*run.tags, tag])
            run = client.read_flow_run(run.id)
            kind = ("sweep" if run.deployment_id == deployments.sweep
                    else deployments.monitors.get(run.deployment_id, "batch"))
            if kind == "batch":
                result = run_flow(self.flows[kind], flow_run=run, parameters=run.parameters, return_type="result")
                ran += result if isinstance(result, int) else 0
                continue
            try:  # a failed sweep or monitor is Prefect's FAILED run, tried again at its next slot
                run_flow(self.flows[kind], flow_run=run, parameters=run.parameters, return_type="result")
            except Exception:
                log.exception("scheduled %s run %s failed", kind, run.name)
        return ran


def _latest_of_monitors(client, runs: list, deployments: Deployments) -> list:
    """The due runs, oldest first; of a monitor's runs only its latest (the older ones are cancelled as
    superseded: workers that were down for hours check once, not once per missed interval)."""
    from prefect.states import Cancelled

    runs = sorted(runs, key=lambda r: r.expected_start_time or r.created)
    latest = {r.deployment_id: r.id for r in runs if r.deployment_id in deployments.monitors}
    kept = []
    for run in runs:
        if run.deployment_id in latest and latest[run.deployment_id] != run.id:
            client.set_flow_run_state(run.id, Cancelled(message="已有更晚的一次监测，本次不再单独运行"))
            continue
        kept.append(run)
    return kept


def _interval(every: timedelta, zone_name: str):
    """A schedule of one run per ``every``, counted from a fixed local midnight (so hourly runs fall on
    the hour and every worker registering the deployment gives it the same schedule)."""
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import IntervalSchedule

    from storage.localtime import zone

    anchor = SCHEDULE_ANCHOR.replace(tzinfo=zone(zone_name))
    return DeploymentScheduleCreate(schedule=IntervalSchedule(interval=every, anchor_date=anchor, timezone=zone_name),
                                    active=True)


class SlotBusy(Exception):
    """The draft's Prefect slot stayed taken (another worker is publishing, withdrawing or expiring that
    draft): the item is handed back to the outbox for later, not waited for."""


@contextmanager
def global_slot(limit: str, *, wait: float | None = None) -> Iterator[UUID | None]:
    """Hold one slot of Prefect's global concurrency limit ``limit`` for the block, its lease renewed
    while held; yields the lease id, or None when the limit does not exist (an operator deleted it: not
    enforced). ``TimeoutError`` if the slot is still taken after ``wait`` seconds (None: wait as long as
    it takes). Given back through the run's own client: Prefect's own ``concurrency()`` builds a new client
    per release, loading the CA bundle each time (a fifth of the dispatcher's CPU under load)."""
    from prefect.client.orchestration import get_client
    from prefect.concurrency._leases import maintain_concurrency_lease
    from prefect.concurrency._sync import acquire_concurrency_slots_with_lease

    acquired = acquire_concurrency_slots_with_lease([limit], 1, timeout_seconds=wait, lease_duration=SLOT_LEASE,
                                                    strict=False, suppress_warnings=True)
    if acquired is None or not acquired.limits:
        yield None
        return
    try:
        with maintain_concurrency_lease(acquired.lease_id, SLOT_LEASE, raise_on_lease_renewal_failure=False,
                                        suppress_warnings=True):
            yield acquired.lease_id
    finally:
        with get_client(sync_client=True) as client:
            client.release_concurrency_slots_with_lease(acquired.lease_id)


@contextmanager
def draft_slot(name: str, draft_id: int, wait: float) -> Iterator[None]:
    """Hold the installation's Prefect concurrency slot of ``draft_id`` for the block: one publication,
    withdrawal or expiry of a draft at a time, fleet-wide (besides the outbox key and the site's
    database lock); :class:`SlotBusy` if it is still taken after ``wait`` seconds. The lease id goes on
    the flow run (tag ``sanshen-slot:…``), so that whoever marks the run crashed (its worker died) gives
    the slot back at once instead of after the lease."""
    limit = draft_limit(name, draft_id)
    try:
        with global_slot(limit, wait=wait) as lease_id:
            if lease_id is not None:
                _note_on_flow_run(f"{SLOT_TAG}{lease_id}")
            yield
    except TimeoutError:
        raise SlotBusy(f"稿件 {draft_id} 在 Prefect 中的并发槽 {limit} 等待 {wait:g} 秒仍被占用，稍后重试") from None


def _note_on_flow_run(tag: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    run = context.flow_run if context is not None else None
    if run is None:
        return
    run.tags = [t for t in run.tags if not t.startswith(SLOT_TAG)] + [tag]  # the slot held now, the last ones released
    with get_client(sync_client=True) as client:
        client.update_flow_run(run.id, tags=run.tags)


def release_slots_of(client, run) -> None:
    """Give back the draft slot a crashed run may hold (releasing a lease already given back does nothing)."""
    from uuid import UUID as _UUID

    for tag in run.tags:
        if tag.startswith(SLOT_TAG):
            try:
                client.release_concurrency_slots_with_lease(_UUID(tag[len(SLOT_TAG):]))
            except Exception:  # best effort: the lease ends by itself after SLOT_LEASE
                log.warning("could not release %s", tag, exc_info=True)


def _ensure_limits(client, limits: dict[str, int], *, reset: bool) -> None:
    """Create the global concurrency limits missing among ``limits`` (name → slots; an operator may change
    an existing one). ``reset``: on this process's own embedded API, slots left taken by an earlier process
    (its leases were in that API's memory) are freed."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate

    existing, offset = {}, 0
    while True:
        page = client.read_global_concurrency_limits(limit=200, offset=offset)
        existing.update({limit.name: limit for limit in page})
        if len(page) < 200:
            break
        offset += 200
    for name, slots in limits.items():
        if name not in existing:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=slots))
            except Exception:  # another worker created it at the same moment
                client.read_global_concurrency_limit_by_name(name)
        elif reset and existing[name].active_slots:
            client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(active_slots=0))
