"""The site-wide re-check (存量信息排查) as the service offers it: run one now (CLI), ask the
workers for one (web page, audited), and read a run's progress and the pages with errors."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select

from flows.sitesweep import DaskOptions, dask_runner, inline_runner, sweep_site
from review.refusals import InvalidInput, NotPermitted
from sanshen.service import validate
from sanshen.service.context import AppContext, lexicon_overrides
from sanshen.service.draft_pass import DraftPass, LexiconPass
from sanshen.service.errors import NotFound
from sanshen.service.tx import action, reading
from sanshen.service.views import (
    SiteSweepView,
    SweepColumnView,
    SweepFindingView,
    SweepPageView,
    UserView,
)
from storage import lexicon_revision
from storage.audit import append_event
from storage.models import Draft, SiteSweep, SiteSweepPage
from storage.outbox import enqueue

MAX_COLUMN = 128


def lexicon_pass(ctx: AppContext) -> LexiconPass:
    """The automated pass under the lexicon as the database has it now, ready to send to workers.
    The count of changes is read before the edits, so the edits hold at least the changes it counts."""
    revision = lexicon_revision.current(ctx.engine)
    return LexiconPass(tuple(lexicon_overrides(ctx.engine)), revision)


def dask_options(ctx: AppContext) -> DaskOptions:
    return DaskOptions(address=ctx.settings.dask_address, workers=ctx.settings.dask_workers)


def _column(ctx: AppContext, column: str | None) -> str | None:
    if column is None:
        return None
    column = column.strip()
    if not column or len(column) > MAX_COLUMN:
        raise InvalidInput("bad_column", f"栏目名应为 1 到 {MAX_COLUMN} 个字")
    with reading(ctx) as s:
        if s.scalar(select(Draft.id).where(Draft.column == column).limit(1)) is None:
            raise NotFound("unknown_column", f"没有栏目为“{column}”的稿件")
    return column


def run_site_sweep(ctx: AppContext, *, column: str | None = None, actor: str | None = None, inline: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> SiteSweepView:
    """Re-check the published pages now, in this process (``inline``) or on Dask through Prefect
    (the configured Prefect API, or an embedded one started for the run)."""
    column = _column(ctx, column)
    now = ctx.clock()
    if inline:
        sweep_id = sweep_site(ctx.engine, inline_runner(lambda: DraftPass(ctx.checker)), now=now, column=column,
                              actor=actor, progress=progress, clock=ctx.clock)
        return sweep_view(ctx, sweep_id)
    from flows.prefect_runtime import flow_settings, prefect_api

    options = dask_options(ctx)
    workers = options.workers or os.cpu_count() or 1
    with prefect_api(ctx.settings.prefect_home) as api_url, flow_settings(api_url):
        sweep_id = sweep_site(ctx.engine, dask_runner(lexicon_pass(ctx), options), now=now, column=column,
                              actor=actor, workers=workers, progress=progress, clock=ctx.clock)
    return sweep_view(ctx, sweep_id)


def request_site_sweep(ctx: AppContext, user: UserView, *, column: str | None = None) -> SiteSweepView:
    """An admin asks the workers for a re-check: the run's row, an audit event and the outbox item,
    in one transaction."""
    if not user.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员可以发起全站复查")
    column = _column(ctx, column)
    now = ctx.clock()
    with action(ctx) as s:
        sweep = SiteSweep(column=column, trigger="manual", actor=user.name, started_at=now)
        s.add(sweep)
        s.flush()
        sweep_id = sweep.id
        append_event(s, action="site.sweep_requested", actor=user.name, draft_id=None,
                     payload={"sweep": sweep_id, "column": column}, at=now)
        enqueue(s, kind="sitesweep", key=f"sitesweep:{sweep_id}",
                payload={"sweep_id": sweep_id, "column": column, "actor": user.name, "trigger": "manual"}, now=now)
    return sweep_view(ctx, sweep_id)


def _state(sweep: SiteSweep) -> str:
    if sweep.error:
        return "failed"
    if sweep.finished_at is not None:
        return "done"
    return "running" if sweep.total or sweep.done else "queued"


def sweep_view(ctx: AppContext, sweep_id: int | None = None) -> SiteSweepView | None:
    """One run (default: the latest) with its pages that have errors, grouped per column."""
    if sweep_id is not None and not validate.is_row_id(sweep_id):  # no row has it; the driver cannot send it
        return None
    with reading(ctx) as s:
        query = select(SiteSweep)
        if sweep_id is not None:
            query = query.where(SiteSweep.id == sweep_id)
        sweep = s.scalar(query.order_by(SiteSweep.id.desc()).limit(1))
        if sweep is None:
            return None
        rows = s.scalars(select(SiteSweepPage).where(SiteSweepPage.sweep_id == sweep.id)
                         .order_by(SiteSweepPage.column, SiteSweepPage.draft_id)).all()
        pages = tuple(SweepPageView(draft_id=r.draft_id, title=r.title, column=r.column, revision=r.revision,
                                    errors=r.errors, findings=tuple(SweepFindingView(**f) for f in r.findings))
                      for r in rows)
        return _view(sweep, pages)


def recent_sweeps(ctx: AppContext, limit: int = 10) -> list[SiteSweepView]:
    """The latest runs, newest first, without their pages."""
    with reading(ctx) as s:
        return [_view(sweep, ()) for sweep in s.scalars(select(SiteSweep).order_by(SiteSweep.id.desc()).limit(limit))]


def _view(sweep: SiteSweep, pages: tuple[SweepPageView, ...]) -> SiteSweepView:
    columns: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for page in pages:
        columns[page.column][0] += 1
        columns[page.column][1] += page.errors
    return SiteSweepView(
        id=sweep.id, state=_state(sweep), trigger=sweep.trigger, column=sweep.column, actor=sweep.actor,
        lexicon_version=sweep.lexicon_version, started_at=sweep.started_at, finished_at=sweep.finished_at,
        total=sweep.total, done=sweep.done, pages_with_errors=sweep.pages_with_errors, error=sweep.error,
        columns=tuple(SweepColumnView(column=c, pages_with_errors=n, errors=e)
                      for c, (n, e) in sorted(columns.items(), key=lambda kv: (-kv[1][0], kv[0]))),
        pages=pages)


def sweep_report(ctx: AppContext, user: UserView, sweep_id: int | None = None) -> SiteSweepView:
    """A run (default: the latest) as an admin reads it over the API."""
    if not user.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员可以查看全站复查")
    view = sweep_view(ctx, sweep_id)
    if view is None:
        raise NotFound("unknown_sweep", "尚未进行过全站复查" if sweep_id is None else f"全站复查 {sweep_id} 不存在")
    return view
