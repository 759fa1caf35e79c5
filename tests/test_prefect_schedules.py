"""With a Prefect server configured, the escalation sweep and the monitors (integrity, column freshness, link
sweep) are deployments with interval schedules on the server; each due slot gets one run (made by Prefect's
scheduler service or, with the same idempotency key, by a worker: Prefect 3.8.8's scheduler cannot insert runs
under SQLAlchemy 2.1), the workers take them, and each scheduled run does the monitor's work once (the worker
loop runs none of them). Uses a real
`prefect server` process, in the PostgreSQL pass (SANSHEN_TEST_PG) as the fleet test does."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flows.dispatcher import Dispatcher, DispatcherConfig
from flows.links import LinkPolicy
from flows.linksweep import scheduled_period
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from storage.clock import system_clock
from storage.db import make_engine, transaction, upgrade
from storage.models import LinkSweep

WF = default_workflow()
EVERY = timedelta(seconds=6)  # the link sweep's interval here (SANSHEN_LINK_SWEEP_HOURS=0.00166…)
pytestmark = [
    pytest.mark.db, pytest.mark.prefect,
    pytest.mark.skipif(not os.environ.get("SANSHEN_TEST_PG"), reason="runs a Prefect server (PostgreSQL pass)"),
]


def test_monitors_are_scheduled_deployments_on_a_prefect_server_and_each_scheduled_run_runs_once(
        db_url, tmp_path, prefect_server):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    engine = make_engine(db_url)
    upgrade(engine)
    config = DispatcherConfig(integrity_every=timedelta(hours=1), freshness_every=timedelta(hours=1),
                              link_sweep_every=EVERY, link_policy=LinkPolicy(enabled=True), prefect_name="sched")
    with temporary_settings({PREFECT_API_URL: prefect_server, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        workers = [Dispatcher(engine=engine, workflow=WF, site_dir=tmp_path / "site", use_prefect=True,
                              checker_factory=load_default_checker, worker=f"sched-{n}", clock=system_clock,
                              config=config, server_schedules=True) for n in range(2)]
        for d in workers:
            d.prepare()  # both register the same deployments (an upsert) with the same schedules
        with get_client(sync_client=True) as client:
            intervals = {}
            for kind in ("integrity", "freshness", "linksweep", "sweep"):
                deployment = client.read_deployment_by_name(f"sanshen-{kind}/sched")
                (schedule,) = deployment.schedules
                intervals[kind] = schedule.schedule.interval
            assert intervals == {"integrity": timedelta(hours=1), "freshness": timedelta(hours=1),
                                 "linksweep": EVERY, "sweep": config.sweep_every}
            linksweep = client.read_deployment_by_name("sanshen-linksweep/sched")

            def of_deployment() -> list:
                return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(
                    any_=[linksweep.id])))

            def completed() -> list:
                return [r for r in of_deployment() if r.state is not None and r.state.is_completed()]

            deadline = time.monotonic() + 120
            while len(completed()) < 2:  # the two workers poll as their loops do
                assert time.monotonic() < deadline, [(r.expected_start_time, r.state) for r in of_deployment()][:5]
                for d in workers:
                    d.run_once()
                time.sleep(0.5)
            runs = completed()
    with transaction(engine, readonly=True) as s:
        periods = sorted(s.scalars(select(LinkSweep.period)))
    # one sweep per completed scheduled run, for the period it was scheduled in: none run twice or by the loop
    assert periods == sorted(scheduled_period(datetime.fromtimestamp(r.expected_start_time.timestamp(), UTC), EVERY)
                             for r in runs)
    assert all(d._next_due == {} for d in workers)  # the worker loop's own timers never started
    engine.dispose()
