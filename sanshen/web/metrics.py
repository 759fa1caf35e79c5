"""Prometheus metrics at /metrics. The work's state is read from the database at each scrape (so
every web process answers the same for the whole installation): outbox depth per kind, lag of the
oldest ready item, dead letters, publications per channel and status, drafts per status, the last
sweeps, and the automated pass's latency (a histogram every process that runs a pass adds to,
storage/check_timing.py)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from sanshen.service.context import AppContext
from storage.db import transaction
from storage.models import Draft, LinkSweep, Outbox, Publication, SiteSweep


class StateCollector(Collector):
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        now = self.ctx.clock()
        pending = GaugeMetricFamily("sanshen_outbox_pending", "Outbox items not yet done (queue depth)", labels=["kind"])
        lag = GaugeMetricFamily("sanshen_outbox_lag_seconds",
                                "Seconds the oldest ready outbox item has waited since it became ready")
        dead = GaugeMetricFamily("sanshen_outbox_dead", "Outbox items given up on (dead letters)", labels=["kind"])
        pubs = GaugeMetricFamily("sanshen_publications", "Publications by channel and status",
                                 labels=["channel", "status"])
        drafts = GaugeMetricFamily("sanshen_drafts", "Drafts by status", labels=["status"])
        links = GaugeMetricFamily("sanshen_link_sweep_dead_links", "Dead links found by the latest link sweep")
        swept = GaugeMetricFamily("sanshen_site_sweep_pages_with_errors",
                                  "Published pages with errors in the latest finished site-wide re-check")
        with transaction(self.ctx.engine, readonly=True) as s:
            for kind, n in s.execute(select(Outbox.kind, func.count()).where(Outbox.done_at.is_(None))
                                     .group_by(Outbox.kind)):
                pending.add_metric([kind], n)
            oldest = s.scalar(select(func.min(Outbox.available_at))
                              .where(Outbox.done_at.is_(None), Outbox.available_at <= now))
            lag.add_metric([], max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
            for kind, n in s.execute(select(Outbox.kind, func.count()).where(Outbox.dead_at.is_not(None))
                                     .group_by(Outbox.kind)):
                dead.add_metric([kind], n)
            for channel, status, n in s.execute(select(Publication.channel, Publication.status, func.count())
                                                .group_by(Publication.channel, Publication.status)):
                pubs.add_metric([channel, status], n)
            for status, n in s.execute(select(Draft.status, func.count()).group_by(Draft.status)):
                drafts.add_metric([status], n)
            last_links = s.scalar(select(LinkSweep.dead).where(LinkSweep.finished_at.is_not(None))
                                  .order_by(LinkSweep.id.desc()).limit(1))
            links.add_metric([], last_links or 0)
            last_sweep = s.scalar(select(SiteSweep.pages_with_errors).where(SiteSweep.finished_at.is_not(None),
                                                                            SiteSweep.error.is_(None))
                                  .order_by(SiteSweep.id.desc()).limit(1))
            swept.add_metric([], last_sweep or 0)
        yield from (pending, lag, dead, pubs, drafts, links, swept)
        timings = self.ctx.check_timings.read()  # every process's written passes and this one's kept
        yield HistogramMetricFamily("sanshen_check_seconds", "Seconds one automated pass (title, body, attachments) took",
                                    buckets=[(_le(bound), n) for bound, n in timings.cumulative],
                                    sum_value=timings.total_seconds)


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


def metrics_registry(ctx: AppContext) -> CollectorRegistry:
    """A registry of this app's own (not the process-global one): everything read from the
    database at each scrape, so every web process answers the same."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(StateCollector(ctx))
    return registry
