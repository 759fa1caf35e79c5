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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from casestore.workflows import WorkflowVersions
from disclosure.workdays import WorkCalendar
from flows import freshness, integrity, links, linksweep, publish, recheck, requests, route, sitesweep
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
from storage.clock import Clock, pause, system_clock
from storage.localtime import DEFAULT_ZONE
from storage.db import transaction
from storage.models import Draft

log = logging.getLogger("sanshen.flows")

Handler = Callable[[dict, datetime], object]
MAX_AUDIT_ERROR = 1000  # characters of the error kept in the outbox.dead audit event
MAX_NOTICE_ERROR = 200  # … and in the admins' notification


@dataclass(frozen=True)
class DispatcherConfig:
    lease: timedelta = timedelta(minutes=5)
    batch: int = 10
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
        sweep_recipe: Callable[[], CheckerFactory] | None = None,
    ) -> None:
        """``workflow``: the current definition; ``workflows`` the versions drafts are pinned to
        (default: only the current one known); ``clock`` tells every run what time it is;
        ``sweep_recipe`` gives a checker factory that can be sent to Dask workers (site-wide re-checks);
        ``prefect_api_url``: the API flows report to (default: the one Prefect is configured with)."""
        self.engine = engine
        self.clock = clock
        self.workflows = workflows or WorkflowVersions(workflow)
        self.config = config
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        site = site if site is not None else StaticSite(site_dir, config.time_zone)  # ``site``: a store other than a folder
        self.publisher = Publisher(engine=engine, site=site, workflow=self.workflows.current,
                                   webhook=webhook, after_site_write=after_site_write, workflows=self.workflows)
        self._checker_factory = checker_factory
        self._handlers: dict[str, Handler] = {
            "publish": self._publish, "withdraw": self._withdraw, "route": self._route,
            "links": self._links, "recheck": self._recheck, "expire": self._expire, "sitesweep": self._site_sweep,
        }
        self._sweep_recipe = sweep_recipe
        self._use_prefect = use_prefect
        self._prefect_api_url = prefect_api_url
        if not config.link_policy.enabled:
            log.info("link liveness checks are off: links items complete without probing")
        self._scheduled: dict[str, Handler] = {  # the jobs that run on an interval rather than from the outbox
            "sweep": self._sweep, "freshness": self._freshness, "integrity": self._integrity,
            "linksweep": self._link_sweep,
        }
        self._flows: dict[str, Callable] | None = None
        self._next_sweep: datetime | None = None
        self._next_freshness: datetime | None = None
        self._next_integrity: datetime | None = None
        self._next_link_sweep: datetime | None = None

    # --- the work of each kind (plain functions of the payload) -------------------------

    def _publish(self, payload: dict, now: datetime) -> object:
        return publish.publish(self.publisher, draft_id=int(payload["draft_id"]),
                               content_hash=str(payload["content_hash"]), now=now)

    def _withdraw(self, payload: dict, now: datetime) -> object:
        return publish.withdraw(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    def _expire(self, payload: dict, now: datetime) -> object:
        return publish.expire(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    def _route(self, payload: dict, now: datetime) -> object:
        return route.route_draft(self.engine, self.workflows, draft_id=int(payload["draft_id"]), now=now,
                                 zone=self.config.time_zone)

    def _links(self, payload: dict, now: datetime) -> object:
        return links.check_revision_links(self.engine, draft_id=int(payload["draft_id"]),
                                          revision=int(payload["revision"]), now=now,
                                          policy=self.config.link_policy)

    def _recheck(self, payload: dict, now: datetime) -> object:
        return recheck.recheck_drafts(self.engine, self._checker_factory(), now=now)

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

    def _link_sweep(self, payload: dict, now: datetime) -> object:
        return linksweep.sweep_links(self.engine, now=now, policy=self.config.link_policy,
                                     max_dead=self.config.link_sweep_max_dead, period=str(payload["period"]))

    # --- running ------------------------------------------------------------------------

    def _prefect_flows(self) -> dict[str, Callable]:
        if self._flows is None:
            from prefect import flow

            def wrap(kind: str, handler: Handler) -> Callable:
                def body(payload: dict, now: str) -> object:
                    return handler(payload, datetime.fromisoformat(now))

                body.__name__ = f"sanshen_{kind}"
                return flow(name=f"sanshen-{kind}", validate_parameters=False, log_prints=False)(body)

            kinds = {**self._handlers, **self._scheduled}
            self._flows = {kind: wrap(kind, handler) for kind, handler in kinds.items()}
        return self._flows

    def run_kind(self, kind: str, payload: dict, now: datetime) -> object:
        handler = self._handlers.get(kind) or self._scheduled.get(kind)
        if handler is None:
            raise ValueError(f"unknown outbox kind: {kind}")
        if self._use_prefect:
            from flows.prefect_runtime import flow_settings

            with flow_settings(self._prefect_api_url):
                return self._prefect_flows()[kind](payload=payload, now=now.isoformat())
        return handler(payload, now)

    def integrity_if_due(self, now: datetime) -> None:
        every = self.config.integrity_every
        if not every:
            return
        if self._next_integrity is None:  # first check one interval after start: starting stays quick
            self._next_integrity = now + every
        if now < self._next_integrity:
            return
        self._next_integrity = now + every
        try:
            self.run_kind("integrity", {}, now)
        except Exception:  # a failed check is tried again at the next interval
            log.exception("integrity monitor failed")

    def sweep_if_due(self, now: datetime) -> None:
        if self._next_sweep is not None and now < self._next_sweep:
            return
        self._next_sweep = now + self.config.sweep_every
        try:
            self.run_kind("sweep", {}, now)
        except Exception:  # a failed sweep is retried at the next interval
            log.exception("escalation sweep failed")

    def freshness_if_due(self, now: datetime) -> None:
        if self.config.freshness_every is None:
            return
        if self._next_freshness is None:
            self._next_freshness = now + self.config.freshness_delay
        if now < self._next_freshness:
            return
        self._next_freshness = now + self.config.freshness_every
        try:
            self.run_kind("freshness", {}, now)
        except Exception:  # retried at the next interval
            log.exception("column freshness check failed")
        self.link_sweep_if_due(now)

    def link_sweep_if_due(self, now: datetime) -> None:
        """Run this period's site-wide link sweep unless this process did (the sweep's row makes sure
        that of several workers only one runs it)."""
        every = self.config.link_sweep_every
        if every is None or not self.config.link_policy.enabled:
            return
        if self._next_link_sweep is not None and now < self._next_link_sweep:
            return
        self._next_link_sweep = linksweep.period_start(now, every) + every
        try:
            self.run_kind("linksweep", {"period": linksweep.scheduled_period(now, every)}, now)
        except Exception:  # retried by the next period's sweep
            log.exception("link sweep failed")

    def run_once(self, now: datetime | None = None, *, stop: threading.Event | None = None) -> int:
        """Run the sweep if due, then claim and run one batch of ready items; returns how many ran.

        With ``now`` given every item runs at that time; otherwise each at the clock's time.
        Once ``stop`` is set, the item in hand finishes and the batch's unstarted items are
        released at once for another worker (not left to wait out the lease)."""
        fixed = now
        now = now or self.clock()
        self.sweep_if_due(now)
        self.integrity_if_due(now)
        if stop is None or not stop.is_set():
            self.freshness_if_due(now)
        items = outbox.claim(self.engine, worker=self.worker, now=now, lease=self.config.lease,
                             limit=self.config.batch)
        for done, item in enumerate(items):
            if stop is not None and stop.is_set():
                outbox.release(self.engine, [i.id for i in items[done:]], worker=self.worker)
                return done
            started = fixed or self.clock()
            if item.kind not in self._handlers:
                give_up(self.engine, item, f"unknown outbox kind: {item.kind}", now=started)
                continue
            if item.attempts > self.config.max_attempts:  # the earlier claims never ended: workers died on it
                give_up(self.engine, item, f"{item.attempts - 1} 次领取均未完成（进程崩溃或超过租约）", now=started)
                continue
            try:
                result = self.run_kind(item.kind, item.payload, started)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if item.attempts >= self.config.max_attempts:
                    give_up(self.engine, item, error, now=started)
                    continue
                retry = started + backoff(item.attempts, self.config)
                log.warning("outbox item %s (%s) failed, retry at %s: %s", item.id, item.key, retry, exc)
                outbox.fail(self.engine, item.id, error=error, now=started, retry_at=retry)
            else:
                log.info("outbox item %s (%s): %s", item.id, item.key, result)
                outbox.complete(self.engine, item.id, now=started)
        return len(items)

    def drain(self, *, max_wait: float = 120.0, stop: threading.Event | None = None,
              sleep: Callable[[float], object] | None = None) -> int:
        """Run until the outbox is empty (or ``stop`` is set); waits for retries, but at most
        ``max_wait`` seconds in all. Returns how many items ran; what is still pending afterwards
        is left for the next run."""
        stop = stop or threading.Event()
        sleep = sleep or (lambda seconds: pause(stop, seconds))
        ran = 0
        waited = 0.0
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
        while not stop.is_set():
            try:
                n = self.run_once(stop=stop)
            except Exception:  # the database may be briefly unavailable: keep going
                log.exception("dispatcher iteration failed")
                n = 0
            if n == 0:
                pause(stop, self.config.poll_seconds)


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
