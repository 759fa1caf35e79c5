"""The outbox dispatcher: claims outbox items and runs the flow of each kind.

Each kind maps to a plain function (testable without Prefect); with ``use_prefect``
the function runs inside a Prefect flow of the same name, so runs are observable in
Prefect's UI. Prefect is imported only when the first flow runs. A failure goes back
to the outbox with exponential backoff; a crash leaves the item claimed until its
lease runs out, then another run takes it. After ``max_attempts`` tries (at once for
an unknown kind) the item goes dead and the admins are told. No flow waits for a human.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from casestore.workflows import WorkflowVersions
from disclosure.workdays import WorkCalendar
from flows import draftcheck, freshness, integrity, links, linksweep, publish, recheck, requests, route, sitesweep
from flows.engine import SlotBusy  # flows.engine imports Prefect only inside its functions
from flows.links import LinkPolicy
from flows.notify import notify, users_with_roles
from flows.publish import Publisher
from flows.recheck import CheckerFactory
from flows.site import StaticSite
from flows.webhook import WebhookConfig
from review.freshness import FreshnessPolicy
from review.workflow import WorkflowDef
from storage import lexicon_revision, outbox
from storage.audit import append_event
from storage.checkpoint import Anchor
from storage.clock import Clock, pause, system_clock
from storage.db import transaction
from storage.localtime import DEFAULT_ZONE
from storage.models import Draft

log = logging.getLogger("sanshen.flows")

Handler = Callable[[dict, datetime], object]
SLOT_KINDS = ("publish", "withdraw", "expire")  # with Prefect's per-draft slots on, these take the draft's slot
TASK_KINDS = ("publish", "withdraw", "recheck", "check")  # under Prefect each of these items is a task run
RETRIED_KINDS = ("publish", "withdraw", "recheck")  # … and these are retried by Prefect within the item's claim
TASK_RETRIES = 2  # Prefect retries a failed task this many times, within the item's claim, before the outbox's backoff
TASK_RETRY_DELAYS = [1, 4]  # seconds before each of them
FLOW_RETRIES = 1  # an outbox or sweep run that fails as a whole (the database was away) is run once more
FLOW_RETRY_DELAY = 5
MONITOR_FLOWS = ("integrity", "freshness", "linksweep", "checkpoint")  # deployments with schedules on a Prefect server
MAX_AUDIT_ERROR = 1000  # characters of the error kept in the outbox.dead audit event
MAX_NOTICE_ERROR = 200  # … and in the admins' notification


@dataclass(frozen=True)
class DispatcherConfig:
    lease: timedelta = timedelta(minutes=1)  # renewed every third of it while the worker lives
    # items one run_once (under Prefect: one flow run) carries at most; each flow run costs ~0.3 s of Prefect's
    # engine and API round trips (py-spy, bench/bench_worker.py), so larger batches cost less per item (50 → 200:
    # Prefect API calls of a 280-item drain 86 → 42); a stopped or killed worker still holds only the item in hand
    batch: int = 200
    poll_seconds: float = 2.0
    sweep_every: timedelta = timedelta(minutes=1)
    backoff_base: timedelta = timedelta(seconds=5)
    backoff_max: timedelta = timedelta(hours=1)
    max_attempts: int = 8  # after this many failed tries an item goes dead (admins are told)
    link_policy: LinkPolicy = field(default_factory=LinkPolicy)
    calendar: WorkCalendar | None = None  # working days of the request sweep (None: chinese-calendar's)
    freshness_every: timedelta | None = None  # the column-freshness check (serve and worker: hourly)
    freshness_delay: timedelta = timedelta(minutes=1)  # its first run, after start (a quick stop stays quick)
    freshness: FreshnessPolicy = field(default_factory=FreshnessPolicy)
    integrity_every: timedelta | None = None  # the integrity monitor's interval (None: not scheduled)
    public_site_url: str | None = None  # the monitor also reads the public web site there
    link_sweep_every: timedelta | None = None  # the site-wide link sweep's period (None: not scheduled)
    link_sweep_max_dead: int = 0  # more dead links than this and the admins are told
    dask: sitesweep.DaskOptions | None = None  # where site-wide re-checks run under Prefect (None: inline)
    time_zone: str = DEFAULT_ZONE  # times in notifications and on the public site (SANSHEN_TIME_ZONE)
    checkpoint_every: timedelta | None = None  # signed audit checkpoints (None: only with publications)
    prefect_name: str = "sanshen"  # the installation's name in Prefect (SANSHEN_PREFECT_NAME)
    # Prefect's per-draft concurrency slots around publication (SANSHEN_PREFECT_DRAFT_SLOTS): off by default,
    # as the outbox key and the site's database lock already keep one publication per draft at a time, and
    # taking a slot costs ~1 s of Prefect API round trips per publication (bench/bench_worker.py under py-spy).
    draft_slots: bool = False
    # the longest wait for a busy draft slot; then the item is re-queued (SANSHEN_PREFECT_SLOT_WAIT)
    slot_wait: timedelta = timedelta(seconds=5)
    # a run PENDING longer than this (and the lease) was taken by a worker that died (SANSHEN_PREFECT_PENDING_GRACE)
    pending_grace: timedelta = timedelta(seconds=30)


def backoff(attempts: int, config: DispatcherConfig) -> timedelta:
    """5 s, 10 s, 20 s, … capped at an hour (attempts counts the failed try)."""
    return min(config.backoff_base * 2 ** max(attempts - 1, 0), config.backoff_max)


class Dispatcher:
    def __init__(
        self, *, engine: Engine, workflow: WorkflowDef, site_dir: Path | None = None, checker_factory: CheckerFactory,
        webhook: WebhookConfig | None = None, use_prefect: bool = True,
        config: DispatcherConfig = DispatcherConfig(), worker: str | None = None,
        after_site_write: Callable[[], None] | None = None, workflows: WorkflowVersions | None = None,
        clock: Clock = system_clock, prefect_api_url: str | None = None, site: StaticSite | None = None,
        sweep_recipe: Callable[[], CheckerFactory] | None = None, anchor: Anchor | None = None,
        server_schedules: bool = False, draft_checker: CheckerFactory | None = None,
    ) -> None:
        """``workflow``: the current definition; ``workflows`` the versions drafts are pinned to
        (default: only the current one known); ``clock`` tells every run what time it is;
        ``sweep_recipe`` gives a checker factory that can be sent to Dask workers (site-wide re-checks);
        ``draft_checker`` runs the automated pass of submitted drafts (``check`` items; default
        ``checker_factory``: under ``sanshen serve`` a process pool's, so the web process's GIL stays free);
        ``prefect_api_url``: the API flows report to (default: the one Prefect is configured with);
        ``anchor``: signs the audit checkpoints (on ``config.checkpoint_every`` and with each publication);
        ``server_schedules``: that API is a Prefect server whose scheduler runs the sweep and the monitors
        as scheduled deployments (else this process runs them on their intervals)."""
        self.engine = engine
        self.clock = clock
        self.workflows = workflows or WorkflowVersions(workflow)
        self.config = config
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        site = site if site is not None else StaticSite(site_dir, config.time_zone)  # ``site``: a store other than a folder
        self.publisher = Publisher(engine=engine, site=site, workflow=self.workflows.current,
                                   webhook=webhook, after_site_write=after_site_write, workflows=self.workflows,
                                   anchor=anchor)
        self._checker_factory = checker_factory
        self._draft_checker = draft_checker or checker_factory
        self._handlers: dict[str, Handler] = {
            "publish": self._publish, "withdraw": self._withdraw, "route": self._route,
            "links": self._links, "recheck": self._recheck, "check": self._check, "expire": self._expire, "sitesweep": self._site_sweep,
        }
        self._sweep_recipe = sweep_recipe
        self._use_prefect = use_prefect
        self.prefect_api_url = prefect_api_url
        self.server_schedules = use_prefect and server_schedules
        if not config.link_policy.enabled:
            log.info("link liveness checks are off: links items complete without probing")
        self._scheduled: dict[str, Handler] = {  # the jobs that run on an interval rather than from the outbox
            "sweep": self._sweep, "freshness": self._freshness, "integrity": self._integrity,
            "linksweep": self._link_sweep, "checkpoint": self._checkpoint,
        }
        self._flows: dict[str, Callable] | None = None
        self._next_sweep: datetime | None = None
        self._next_due: dict[str, datetime] = {}  # interval job → when it runs next (this process)
        self._batch_stop: threading.Event | None = None  # the stop of the run_once in progress
        self._engine = None  # flows.engine.PrefectEngine, made at the first run under Prefect
        self._in_prefect_round = False  # link probes then take a slot of Prefect's global limit
        self.last_sweep_handed_off: datetime | None = None

    # --- the work of each kind (plain functions of the payload) -------------------------

    def _publish(self, payload: dict, now: datetime) -> object:
        return publish.publish(self.publisher, draft_id=int(payload["draft_id"]),
                               content_hash=str(payload["content_hash"]), now=now)

    def _withdraw(self, payload: dict, now: datetime) -> object:
        return publish.withdraw(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    def _expire(self, payload: dict, now: datetime) -> object:
        return publish.expire(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    @contextmanager
    def _draft_slot(self, item: outbox.OutboxItem) -> Iterator[None]:
        """Around a publication, withdrawal or expiry under Prefect with ``config.draft_slots``: the draft's
        slot of Prefect's concurrency limits (one per draft at a time, fleet-wide), taken before the item's
        task starts (so Prefect's task retries never wait for it), :class:`flows.engine.SlotBusy` if it stays
        taken past ``config.slot_wait``; otherwise the outbox key and the site's database lock alone."""
        if not (self._in_prefect_round and self.config.draft_slots and item.kind in SLOT_KINDS):
            yield
            return
        from flows.engine import draft_slot

        with draft_slot(self.config.prefect_name, int(item.payload["draft_id"]), self.config.slot_wait.total_seconds()):
            yield

    def _route(self, payload: dict, now: datetime) -> object:
        return route.route_draft(self.engine, self.workflows, draft_id=int(payload["draft_id"]), now=now,
                                 zone=self.config.time_zone)

    def _links(self, payload: dict, now: datetime) -> object:
        if self._in_prefect_round and self.config.link_policy.enabled:
            from flows.engine import global_slot, link_probes

            with global_slot(link_probes(self.config.prefect_name)):  # Prefect's fleet-wide cap on probing
                return self._probe_links(payload, now)
        return self._probe_links(payload, now)

    def _probe_links(self, payload: dict, now: datetime) -> object:
        return links.check_revision_links(self.engine, draft_id=int(payload["draft_id"]),
                                          revision=int(payload["revision"]), now=now,
                                          policy=self.config.link_policy)

    def _check(self, payload: dict, now: datetime) -> object:
        return draftcheck.run_check(self.engine, self._draft_checker, self.workflows,
                                    draft_id=int(payload["draft_id"]), revision=int(payload["revision"]), now=now,
                                    link_check=self.config.link_policy.enabled)

    def _recheck(self, payload: dict, now: datetime) -> object:
        return recheck.recheck_drafts(self.engine, self._checker_factory, now=now)

    def _site_sweep(self, payload: dict, now: datetime) -> object:
        wanted = payload.get("lexicon_revision")
        if wanted is not None and lexicon_revision.current(self.engine) != wanted:
            return "superseded by a later lexicon change"
        if self._use_prefect and self._sweep_recipe is not None and self.config.dask is not None:
            run = sitesweep.dask_runner(self._sweep_recipe(), self.config.dask)
            workers = self.config.dask.workers or os.cpu_count() or 1
        else:
            run, workers = sitesweep.inline_runner(self._checker_factory), 1
        return sitesweep.sweep_site(self.engine, run, now=now, sweep_id=payload.get("sweep_id"),
                                    column=payload.get("column"), trigger=str(payload.get("trigger", "manual")),
                                    actor=payload.get("actor"), workers=workers, clock=self.clock)

    def _sweep(self, payload: dict, now: datetime) -> object:
        escalated = route.sweep_escalations(self.engine, self.workflows, now=now)
        return escalated + requests.sweep_requests(self.engine, now=now, calendar=self.config.calendar)

    def _freshness(self, payload: dict, now: datetime) -> object:
        return freshness.check_freshness(self.engine, now=now, policy=self.config.freshness)

    def _integrity(self, payload: dict, now: datetime) -> object:
        url = self.config.public_site_url
        fetch = integrity.http_fetcher(url) if url else None
        return integrity.monitor(self.engine, self.publisher.site, now=now, fetch=fetch)

    def _checkpoint(self, payload: dict, now: datetime) -> object:
        """Sign the audit chain's committed head into the checkpoint log (nothing when it has not moved)."""
        anchor = self.publisher.anchor
        if anchor is None:
            return "no audit key"
        with transaction(self.engine, readonly=True) as s:
            cp = anchor.checkpoint(s, now, if_moved=True)
        return f"checkpoint #{cp.seq}" if cp else "chain head unchanged"

    def _link_sweep(self, payload: dict, now: datetime) -> object:
        return linksweep.sweep_links(self.engine, now=now, policy=self.config.link_policy,
                                     max_dead=self.config.link_sweep_max_dead, period=str(payload["period"]))

    # --- running ------------------------------------------------------------------------

    def _prefect_flows(self) -> dict[str, Callable]:
        """Prefect's flows: ``batch`` (``sanshen-outbox``) runs outbox items by key in one flow run
        (publish, withdraw, recheck and check items each as a task of that run, the first three retried
        by Prefect within the claim, a check left to the outbox's backoff; route and links items, cheap
        database work, in the flow itself); ``sweep`` (``sanshen-sweep``) is the escalation sweep."""
        if self._flows is None:
            from prefect import flow, task

            def task_of(kind: str, handler: Handler) -> Callable:
                def body(key: str, payload: dict, now: str) -> object:
                    return handler(payload, datetime.fromisoformat(now))

                body.__name__ = f"sanshen_{kind}"
                # a failed pass (``check``) goes straight back to the outbox's backoff: rerun at once
                # in the same claim it would mostly fail again (a pool process that keeps dying)
                retried = kind in RETRIED_KINDS
                return task(name=kind, task_run_name="{key}", retries=TASK_RETRIES if retried else 0,
                            retry_delay_seconds=TASK_RETRY_DELAYS if retried else 0, persist_result=False)(body)

            tasks = {kind: task_of(kind, self._handlers[kind]) for kind in TASK_KINDS}

            def batch(keys: list[str]) -> int:
                """Outbox items of sanshen, each claimed as it starts; retried runs redo finished items'
                (idempotent) work."""
                from prefect.context import FlowRunContext

                context = FlowRunContext.get()
                retried = context is not None and context.flow_run is not None and context.flow_run.run_count > 1
                return self._run_keys(keys, self._batch_stop, tasks, retried=retried)

            def sweep(now: str | None = None) -> object:
                """Escalate the review stages past their due time."""
                return self._sweep({}, max(datetime.fromisoformat(now), self.clock()) if now else self.clock())

            def monitor_of(kind: str) -> Callable:
                def body() -> str:
                    from prefect.context import FlowRunContext

                    context = FlowRunContext.get()
                    run = context.flow_run if context is not None else None
                    return str(self.run_monitor(kind, run.expected_start_time if run is not None else None))

                body.__name__ = f"sanshen_{kind}"
                body.__doc__ = MONITOR_DOCS[kind]
                return flow(name=f"sanshen-{kind}", validate_parameters=False, log_prints=False,
                            persist_result=False)(body)

            self._flows = {
                "batch": flow(name="sanshen-outbox", validate_parameters=False, log_prints=False,
                              persist_result=False, retries=FLOW_RETRIES, retry_delay_seconds=FLOW_RETRY_DELAY)(batch),
                "sweep": flow(name="sanshen-sweep", validate_parameters=False, log_prints=False,
                              persist_result=False, retries=FLOW_RETRIES, retry_delay_seconds=FLOW_RETRY_DELAY)(sweep),
                **{kind: monitor_of(kind) for kind in MONITOR_FLOWS},
            }
        return self._flows

    def _run_keys(self, keys: list[str], stop: threading.Event | None, tasks: dict[str, Callable],
                  *, retried: bool) -> int:
        """Run the ready items among ``keys``, each claimed as it starts. A first run claims the next ready
        one among them that no one holds (one query per item: a worker running an overlapping run of the
        same keys takes the others, and neither spends a claim on an item the other has); a retried run
        goes key by key, to redo the finished ones' work. Once stopped, the rest are never claimed: they
        stay ready for another run."""
        ran = 0
        if not retried:
            while ran < len(keys) and not (ran and stop is not None and stop.is_set()):
                if not self._claim_and_run(tasks, keys=keys):
                    break
                ran += 1
            return ran
        for n, key in enumerate(keys):
            if n and stop is not None and stop.is_set():
                break
            if self._claim_and_run(tasks, key=key):
                ran += 1
            else:
                self._redo_finished(key, self.clock(), tasks)
        return ran

    def _claim_and_run(self, tasks: dict[str, Callable], **which) -> bool:
        """Claim one ready item (``key=`` or ``keys=``) and run it; False if there was none."""
        now = self.clock()
        items = outbox.claim(self.engine, worker=self.worker, now=now, lease=self.config.lease, limit=1, **which)
        if not items:
            return False
        if items[0].taken_from:
            self._end_runs_of(items[0].taken_from, now)
        self._run_item(items[0], now, tasks)
        return True

    def _redo_finished(self, key: str, now: datetime, tasks: dict[str, Callable]) -> None:
        """A run retried from Prefect: do a finished item's work again (each kind is idempotent)."""
        item = outbox.finished(self.engine, key)
        if item is None or item.kind not in self._handlers:
            return
        run = tasks.get(item.kind)
        try:
            with self._draft_slot(item):
                result = (run(key=item.key, payload=item.payload, now=now.isoformat()) if run
                          else self.run_kind(item.kind, item.payload, now))
        except SlotBusy:  # another worker is at this draft right now: its work is done there
            log.info("outbox item %s (%s) not redone: its draft's slot is taken", item.id, item.key)
            return
        log.info("outbox item %s (%s) done again in a retried run: %s", item.id, item.key, result)

    def run_kind(self, kind: str, payload: dict, now: datetime) -> object:
        """Run one item's work in this thread, outside Prefect."""
        handler = self._handlers.get(kind) or self._scheduled.get(kind)
        if handler is None:
            raise ValueError(f"unknown outbox kind: {kind}")
        return handler(payload, now)

    def sweep_if_due(self, now: datetime) -> None:
        if self._next_sweep is not None and now < self._next_sweep:
            return
        self._next_sweep = now + self.config.sweep_every
        try:
            self.run_kind("sweep", {}, now)
        except Exception:  # a failed sweep is retried at the next interval
            log.exception("escalation sweep failed")

    def _interval_jobs(self) -> list[tuple[str, timedelta, timedelta]]:
        """(kind, every, first run after start) of the monitors run on an interval in this process."""
        c = self.config
        jobs = []
        if c.integrity_every:  # first one interval after start: starting stays quick
            jobs.append(("integrity", c.integrity_every, c.integrity_every))
        if c.freshness_every:
            jobs.append(("freshness", c.freshness_every, c.freshness_delay))
        if c.link_sweep_every and c.link_policy.enabled:  # the sweep's period row: one run per period per fleet
            jobs.append(("linksweep", c.link_sweep_every, timedelta(0)))
        if c.checkpoint_every and self.publisher.anchor is not None:  # the first at start
            jobs.append(("checkpoint", c.checkpoint_every, timedelta(0)))
        return jobs

    def scheduled_jobs(self) -> dict[str, timedelta]:
        """The interval jobs Prefect's server schedules as deployments (kind → interval); none unless
        ``server_schedules``."""
        if not self.server_schedules:
            return {}
        return {"sweep": self.config.sweep_every, **{kind: every for kind, every, _ in self._interval_jobs()}}

    def run_monitor(self, kind: str, planned: datetime | None) -> object:
        """One scheduled run of a monitor (``planned``: the time it was scheduled for)."""
        now = self.clock()
        if planned is not None:  # a plain datetime (Prefect's belongs to another library)
            planned = datetime.fromtimestamp(planned.timestamp(), now.tzinfo)
        every = self.scheduled_jobs().get(kind) or self.config.link_sweep_every
        payload = {"period": linksweep.scheduled_period(planned or now, every)} if kind == "linksweep" else {}
        return self.run_kind(kind, payload, now)

    def monitors_if_due(self, now: datetime, stop: threading.Event | None = None) -> None:
        """Run each interval job that is due; a failed one is tried again at its next interval."""
        for kind, every, first_after in self._interval_jobs():
            if stop is not None and stop.is_set():
                return
            due = self._next_due.setdefault(kind, now + first_after)
            if now < due:
                continue
            self._next_due[kind] = now + every
            payload = {"period": linksweep.scheduled_period(now, every)} if kind == "linksweep" else {}
            try:
                self.run_kind(kind, payload, now)
            except Exception:
                log.exception("%s failed", kind)

    def _claim_one(self, now: datetime) -> outbox.OutboxItem | None:
        items = outbox.claim(self.engine, worker=self.worker, now=now, lease=self.config.lease, limit=1)
        if not items:
            return None
        if items[0].taken_from and self._use_prefect:
            self._end_runs_of(items[0].taken_from, now)
        return items[0]

    def run_once(self, now: datetime | None = None, *, stop: threading.Event | None = None) -> int:
        """Run the sweep if due, then run one batch of ready items; returns how many ran.

        Items are claimed one at a time, each when it is about to start, so a worker that dies holds
        only the item in progress. Under Prefect the batch is handed off as a flow run of the
        ``sanshen-outbox`` deployment and the scheduled runs are executed (flows/engine.py). With
        ``now`` given every item runs at that time (inline only); otherwise each at the clock's time.
        Once ``stop`` is set, the item in hand finishes and no further item is claimed."""
        if self._use_prefect:
            return self._run_on_prefect(stop)
        fixed = now
        now = now or self.clock()
        self.sweep_if_due(now)
        self.monitors_if_due(now, stop)
        if stop is not None and stop.is_set():
            return 0
        first = self._claim_one(now)
        if first is None:
            return 0
        return self._run_batch(first, fixed, stop, None)

    def prepare(self) -> None:
        """Under Prefect: register the deployments and sweep, at start (before the first poll)."""
        if self._use_prefect:
            self._prefect_engine().start()

    def _prefect_engine(self):
        from flows.engine import PrefectEngine

        if self._engine is None:
            self._engine = PrefectEngine(self, self._prefect_flows())
        return self._engine

    def _run_on_prefect(self, stop: threading.Event | None) -> int:
        """One round under Prefect; if Prefect's API fails (down, timing out), this round's items run
        inline instead, with a warning: publication never waits for Prefect."""
        self._prefect_engine()
        if not self.server_schedules:  # else they are deployments the server schedules
            self.monitors_if_due(self.clock(), stop)
        self._batch_stop = stop
        self._in_prefect_round = True
        try:
            return self._engine.round(stop)
        except Exception as exc:
            self._in_prefect_round = False
            log.warning("Prefect API failed, running this round inline: %s: %s", type(exc).__name__, exc)
            self.sweep_if_due(self.clock())
            if self.server_schedules:  # the server's scheduler may be the part that is away
                self.monitors_if_due(self.clock(), stop)
            first = None if stop is not None and stop.is_set() else self._claim_one(self.clock())
            return 0 if first is None else self._run_batch(first, None, stop, None)
        finally:
            self._batch_stop = None
            self._in_prefect_round = False

    def _run_batch(self, first: outbox.OutboxItem, fixed: datetime | None, stop: threading.Event | None,
                   tasks: dict[str, Callable] | None) -> int:
        ran, item = 0, first
        while item is not None:
            self._run_item(item, fixed or self.clock(), tasks)
            ran += 1
            if ran >= self.config.batch or (stop is not None and stop.is_set()):
                break
            item = self._claim_one(fixed or self.clock())
        return ran

    def _run_item(self, item: outbox.OutboxItem, started: datetime, tasks: dict[str, Callable] | None) -> None:
        if item.kind not in self._handlers:
            give_up(self.engine, item, f"unknown outbox kind: {item.kind}", now=started)
            return
        if item.attempts > self.config.max_attempts:  # the earlier claims never ended: workers died on it
            give_up(self.engine, item, f"{item.attempts - 1} 次领取均未完成（进程崩溃或超过租约）", now=started)
            return
        try:
            with self._draft_slot(item):
                if tasks is not None and item.kind in tasks:
                    result = tasks[item.kind](key=item.key, payload=item.payload, now=started.isoformat())
                else:
                    result = self.run_kind(item.kind, item.payload, started)
        except SlotBusy as busy:  # another worker is at this draft: hand the item back rather than wait
            retry = started + backoff(item.attempts, self.config)
            log.info("outbox item %s (%s) re-queued for %s: %s", item.id, item.key, retry, busy)
            outbox.defer(self.engine, item.id, worker=self.worker, now=started, retry_at=retry, reason=str(busy))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if item.attempts >= self.config.max_attempts:
                give_up(self.engine, item, error, now=started)
                return
            retry = started + backoff(item.attempts, self.config)
            log.warning("outbox item %s (%s) failed, retry at %s: %s", item.id, item.key, retry, exc)
            outbox.fail(self.engine, item.id, error=error, now=started, retry_at=retry)
        else:
            log.info("outbox item %s (%s): %s", item.id, item.key, result)
            outbox.complete(self.engine, item.id, now=started)

    # --- leases and the runs of dead workers ------------------------------------------------

    def release_dead_local_claims(self) -> list[str]:
        """At start: hand back at once the claims of workers of this host that are gone (a killed
        or restarted process; this very name too, as a container's pid repeats), and end their
        Prefect runs as crashed. Returns the workers whose claims were released."""
        host, _, _ = self.worker.rpartition(":")
        gone = [w for w in outbox.holders(self.engine)
                if w == self.worker or (w.rpartition(":")[0] == host and not pid_alive(w.rpartition(":")[2]))]
        if gone:
            n = outbox.release_claims_of(self.engine, gone)
            log.warning("released %s outbox claims of stopped workers %s", n, ", ".join(gone))
            if self._use_prefect:
                for holder in gone:
                    self._end_runs_of(holder, self.clock())
        return gone

    def _end_runs_of(self, holder: str, now: datetime) -> None:
        try:
            from flows.prefect_runtime import crash_runs_tagged

            crash_runs_tagged(self.prefect_api_url, worker_tag(holder),
                              f"工作进程 {holder} 已停止（其租约已过期），本次运行未能完成")
        except Exception:  # best effort: Prefect's bookkeeping, not the outbox's
            log.warning("could not mark the runs of %s crashed", holder, exc_info=True)

    @contextmanager
    def leases_kept(self) -> Iterator[None]:
        """While the block runs, renew this worker's claims every third of the lease, so an item
        that takes longer than the lease is not taken over by another worker while it runs."""
        done = threading.Event()

        def keep() -> None:
            every = max(self.config.lease.total_seconds() / 3, 0.05)
            while not pause(done, every):
                try:
                    outbox.renew(self.engine, worker=self.worker, now=self.clock(), lease=self.config.lease)
                except Exception:  # the database may be briefly unavailable; try again next time
                    log.warning("could not renew the outbox leases", exc_info=True)

        keeper = threading.Thread(target=keep, name="sanshen-leases", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()

    def drain(self, *, max_wait: float = 120.0, stop: threading.Event | None = None,
              sleep: Callable[[float], object] | None = None) -> int:
        """Run until the outbox is empty (or ``stop`` is set); waits for retries, but at most
        ``max_wait`` seconds in all. Returns how many items ran; what is still pending afterwards
        is left for the next run."""
        stop = stop or threading.Event()
        sleep = sleep or (lambda seconds: pause(stop, seconds))
        ran = 0
        waited = 0.0
        with self.leases_kept():
            while not stop.is_set():
                n = self.run_once(stop=stop)
                ran += n
                if n:
                    continue
                ready_at = outbox.next_ready_at(self.engine)
                if ready_at is None:
                    break
                delay = max((ready_at - self.clock()).total_seconds(), 0.05)
                if waited + delay > max_wait:
                    break
                sleep(delay)
                waited += delay
        return ran

    def run_forever(self, stop: threading.Event) -> None:
        with self.leases_kept():
            while not stop.is_set():
                try:
                    n = self.run_once(stop=stop)
                except Exception:  # the database may be briefly unavailable: keep going
                    log.exception("dispatcher iteration failed")
                    n = 0
                if n == 0:
                    pause(stop, self.config.poll_seconds)


MONITOR_DOCS = {
    "integrity": "Check the published site against the publication records (tamper monitor).",
    "freshness": "Check every column's last update against its period and tell the admins.",
    "linksweep": "Probe every link of every published page again (site-wide link sweep).",
    "checkpoint": "Sign the audit chain's head into the checkpoint log kept outside the database.",
}


def worker_tag(worker: str) -> str:
    """The Prefect tag on every flow run a worker starts (to find the runs of a worker that died)."""
    return f"sanshen-worker:{worker}"


def pid_alive(pid: str) -> bool:
    if not pid.isdigit():
        return True  # not a name this module made: leave it to its lease
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def give_up(engine: Engine, item: outbox.OutboxItem, error: str, *, now: datetime) -> bool:
    """Make ``item`` a dead letter: marked dead, an ``outbox.dead`` audit event, and an in-app
    notification to every admin, in one transaction. False if the item was done already."""
    log.error("outbox item %s (%s) is dead after %s attempts: %s", item.id, item.key, item.attempts, error)
    raw = item.payload.get("draft_id")
    draft_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    with transaction(engine) as s:
        if not outbox.mark_dead(s, item.id, error=error, now=now):
            return False
        append_event(s, action="outbox.dead", actor="system", draft_id=draft_id,
                     payload={"kind": item.kind, "key": item.key, "attempts": item.attempts,
                              "error": error[:MAX_AUDIT_ERROR]}, at=now)
        admins = [user.id for user in users_with_roles(s, ["admin"])]
        notify(s, admins, draft_id=draft_id if draft_id is not None and s.get(Draft, draft_id) else None,
               kind="outbox_dead", now=now,
               message=f"后台任务 {item.kind}（{item.key}）尝试 {item.attempts} 次仍未完成，已停止重试："
                       f"{error[:MAX_NOTICE_ERROR]}")
    return True
