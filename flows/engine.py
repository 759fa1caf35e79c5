"""Prefect as the engine: sanshen's flows as deployments, the outbox handed off as flow runs of them,
and the scheduled runs of those deployments executed in this process.

- Deployments (``sanshen-outbox/sanshen``, ``sanshen-sweep/sanshen``) are registered at start (an upsert:
  every worker may do it). The sweep's deployment has a concurrency limit of 1.
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from storage import outbox

if TYPE_CHECKING:
    import threading

    from flows.dispatcher import Dispatcher

log = logging.getLogger("sanshen.flows")
DEPLOYMENT = "sanshen"
OUTBOX_FLOW = "sanshen-outbox"
SWEEP_FLOW = "sanshen-sweep"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
MAX_KEY_VARIANTS = 20
LINK_PROBES = "sanshen-link-probes"  # Prefect global concurrency limit: link-check items at once, fleet-wide
LINK_PROBES_LIMIT = 4


@dataclass(frozen=True)
class Deployments:
    outbox: UUID
    sweep: UUID


class PrefectEngine:
    """The dispatcher's work under Prefect: registered once, then :meth:`round` per poll."""

    def __init__(self, dispatcher: Dispatcher, flows: dict[str, Callable]) -> None:
        self.d = dispatcher
        self.flows = flows  # "batch" and "sweep": the Prefect flow objects
        self._deployments: Deployments | None = None

    def deployments(self, client) -> Deployments:
        if self._deployments is None:
            from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions

            ids = {}
            for name, flow, limit in (("batch", self.flows["batch"], None), ("sweep", self.flows["sweep"], 1)):
                flow_id = client.create_flow(flow)
                ids[name] = client.create_deployment(
                    flow_id, DEPLOYMENT, entrypoint=f"flows/engine.py:{flow.name}",
                    description=flow.description, concurrency_limit=limit,
                    concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
                    if limit else None, enforce_parameter_schema=False)
            self._deployments = Deployments(outbox=ids["batch"], sweep=ids["sweep"])
            _ensure_limit(client, LINK_PROBES, LINK_PROBES_LIMIT)
        return self._deployments

    def start(self) -> Deployments:
        """Register the deployments and run this interval's sweep (before the first poll)."""
        from prefect.client.orchestration import get_client

        from flows.prefect_runtime import flow_settings

        with flow_settings(self.d.prefect_api_url), get_client(sync_client=True) as client:
            deployments = self.deployments(client)
            self._hand_off_sweep(client, deployments, self.d.clock())
            self._run_scheduled(client, deployments, None, only=deployments.sweep)
            return deployments

    def round(self, stop: threading.Event | None) -> int:
        """Hand off what is ready, then run the scheduled runs; returns how many items ran."""
        from prefect.client.orchestration import get_client

        from flows.prefect_runtime import flow_settings

        with flow_settings(self.d.prefect_api_url), get_client(sync_client=True) as client:
            deployments = self.deployments(client)
            now = self.d.clock()
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
                                               idempotency_key=f"sweep:{start.isoformat()}")
        self.d.last_sweep_handed_off = start

    def _crash_runs_of_stopped_local_workers(self, client, deployments: Deployments) -> None:
        """End as CRASHED the runs Prefect shows as running for a worker of this host that is gone
        (killed between two items, it held no claim for another worker to take over)."""
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
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployments.outbox])), limit=200)
        for run in runs:
            pids = [tag[len(prefix):] for tag in run.tags if tag.startswith(prefix)]
            if pids and not any(pid_alive(pid) for pid in pids):
                client.set_flow_run_state(run.id, Crashed(message="执行本次运行的工作进程已停止"), force=True)
                log.warning("flow run %s of a stopped worker marked crashed", run.name)

    def _hand_off_batch(self, client, deployments: Deployments, now: datetime) -> UUID | None:
        ready = outbox.ready(self.d.engine, now=now, limit=self.d.config.batch)
        if not ready:
            return None
        first = ready[0]
        keys = [item.key for item in ready]
        for variant in range(MAX_KEY_VARIANTS):
            key = f"outbox:{first.id}:{first.attempts}:{first.created_at.isoformat()}" + (f":{variant}" if variant else "")
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
        runs = client.get_scheduled_flow_runs_for_deployments(
            [only] if only else [deployments.outbox, deployments.sweep])
        for run in sorted(runs, key=lambda r: r.expected_start_time or r.created):
            if stop is not None and stop.is_set():
                break
            taken = client.set_flow_run_state(run.id, Pending())
            if taken.state is None or taken.state.type != StateType.PENDING:
                continue  # another worker took it, or Prefect holds it back (concurrency)
            tag = worker_tag(self.d.worker)
            if tag not in run.tags:
                client.update_flow_run(run.id, tags=[*run.tags, tag])
            run = client.read_flow_run(run.id)
            flow = self.flows["sweep" if run.deployment_id == deployments.sweep else "batch"]
            result = run_flow(flow, flow_run=run, parameters=run.parameters, return_type="result")
            ran += result if isinstance(result, int) else 0
        return ran


def _ensure_limit(client, name: str, limit: int) -> None:
    """Create Prefect's global concurrency limit ``name`` unless it exists (an operator may change it)."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    try:
        client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        try:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=limit))
        except Exception:  # another worker created it at the same moment
            client.read_global_concurrency_limit_by_name(name)
