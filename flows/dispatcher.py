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
from flows import freshness, links, publish, recheck, route
from flows.links import LinkPolicy
from flows.notify import notify, users_with_roles
from flows.publish import Publisher
from flows.recheck import CheckerFactory
from flows.site import StaticSite
from flows.webhook import WebhookConfig
from review.freshness import FreshnessPolicy
from review.workflow import WorkflowDef
from storage import outbox
from storage.audit import append_event
from storage.clock import Clock, pause, system_clock
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
    freshness_every: timedelta | None = None  # the column-freshness check (serve and worker: hourly)
    freshness_delay: timedelta = timedelta(minutes=1)  # its first run, after start (a quick stop stays quick)
    freshness: FreshnessPolicy = field(default_factory=FreshnessPolicy)


def backoff(attempts: int, config: DispatcherConfig) -> timedelta:
    """5 s, 10 s, 20 s, … capped at an hour (attempts counts the failed try)."""
    return min(config.backoff_base * 2 ** max(attempts - 1, 0), config.backoff_max)


class Dispatcher:
    def __init__(
        self, *, engine: Engine, workflow: WorkflowDef, site_dir: Path, checker_factory: CheckerFactory,
        webhook: WebhookConfig | None = None, use_prefect: bool = True,
        config: DispatcherConfig = DispatcherConfig(), worker: str | None = None,
        after_site_write: Callable[[], None] | None = None, workflows: WorkflowVersions | None = None,
        clock: Clock = system_clock, prefect_api_url: str | None = None,
    ) -> None:
        """``workflow``: the current definition; ``workflows`` the versions drafts are pinned to
        (default: only the current one known); ``clock`` tells every run what time it is;
        ``prefect_api_url``: the API flows report to (default: the one Prefect is configured with)."""
        self.engine = engine
        self.clock = clock
        self.workflows = workflows or WorkflowVersions(workflow)
        self.config = config
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.publisher = Publisher(engine=engine, site=StaticSite(site_dir), workflow=self.workflows.current,
                                   webhook=webhook, after_site_write=after_site_write, workflows=self.workflows)
        self._checker_factory = checker_factory
        self._handlers: dict[str, Handler] = {
            "publish": self._publish, "withdraw": self._withdraw, "route": self._route,
            "links": self._links, "recheck": self._recheck, "expire": self._expire,
        }
        self._use_prefect = use_prefect
        self._prefect_api_url = prefect_api_url
        if not config.link_policy.enabled:
            log.info("link liveness checks are off: links items complete without probing")
        self._flows: dict[str, Callable] | None = None
        self._next_sweep: datetime | None = None
        self._next_freshness: datetime | None = None

    # --- the work of each kind (plain functions of the payload) -------------------------

    def _publish(self, payload: dict, now: datetime) -> object:
        return publish.publish(self.publisher, draft_id=int(payload["draft_id"]),
                               content_hash=str(payload["content_hash"]), now=now)

    def _withdraw(self, payload: dict, now: datetime) -> object:
        return publish.withdraw(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    def _expire(self, payload: dict, now: datetime) -> object:
        return publish.expire(self.publisher, draft_id=int(payload["draft_id"]), now=now)

    def _route(self, payload: dict, now: datetime) -> object:
        return route.route_draft(self.engine, self.workflows, draft_id=int(payload["draft_id"]), now=now)

    def _links(self, payload: dict, now: datetime) -> object:
        return links.check_revision_links(self.engine, draft_id=int(payload["draft_id"]),
                                          revision=int(payload["revision"]), now=now,
                                          policy=self.config.link_policy)

    def _recheck(self, payload: dict, now: datetime) -> object:
        return recheck.recheck_drafts(self.engine, self._checker_factory(), now=now)

    def _sweep(self, payload: dict, now: datetime) -> object:
        return route.sweep_escalations(self.engine, self.workflows, now=now)

    def _freshness(self, payload: dict, now: datetime) -> object:
        return freshness.check_freshness(self.engine, now=now, policy=self.config.freshness)

    # --- running ------------------------------------------------------------------------

    def _prefect_flows(self) -> dict[str, Callable]:
        if self._flows is None:
            from prefect import flow

            def wrap(kind: str, handler: Handler) -> Callable:
                def body(payload: dict, now: str) -> object:
                    return handler(payload, datetime.fromisoformat(now))

                body.__name__ = f"sanshen_{kind}"
                return flow(name=f"sanshen-{kind}", validate_parameters=False, log_prints=False)(body)

            kinds = {**self._handlers, **self._periodic()}
            self._flows = {kind: wrap(kind, handler) for kind, handler in kinds.items()}
        return self._flows

    def run_kind(self, kind: str, payload: dict, now: datetime) -> object:
        periodic = self._periodic()
        if kind not in periodic and kind not in self._handlers:
            raise ValueError(f"unknown outbox kind: {kind}")
        if self._use_prefect:
            from flows.prefect_runtime import flow_settings

            with flow_settings(self._prefect_api_url):
                return self._prefect_flows()[kind](payload=payload, now=now.isoformat())
        return (periodic.get(kind) or self._handlers[kind])(payload, now)

    def _periodic(self) -> dict[str, Handler]:
        """The jobs that run on an interval rather than from the outbox."""
        return {"sweep": self._sweep, "freshness": self._freshness}

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

    def run_once(self, now: datetime | None = None, *, stop: threading.Event | None = None) -> int:
        """Run the sweep if due, then claim and run one batch of ready items; returns how many ran.

        With ``now`` given every item runs at that time; otherwise each at the clock's time.
        Once ``stop`` is set, the item in hand finishes and the batch's unstarted items are
        released at once for another worker (not left to wait out the lease)."""
        fixed = now
        now = now or self.clock()
        self.sweep_if_due(now)
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
