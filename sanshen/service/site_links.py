"""The site-wide link sweep as the service answers it: run one now, or read the latest, per column."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from flows.links import LinkPolicy
from flows.linksweep import DEAD, MOVED, SKIPPED, sweep_links
from review.refusals import InvalidInput, NotPermitted
from sanshen.service.context import AppContext
from sanshen.service.errors import NotFound
from sanshen.service.tx import reading
from sanshen.service.views import ColumnLinksView, LinkProblemView, LinkReportView, UserView
from storage.models import Draft, LinkSweep, PageLink


def link_policy(ctx: AppContext) -> LinkPolicy:
    return LinkPolicy(enabled=ctx.settings.link_check, allow_private=ctx.settings.link_check_private)


def run_link_sweep(ctx: AppContext) -> LinkReportView:
    """Probe every link of every published page now and answer the report."""
    policy = link_policy(ctx)
    if not policy.enabled:
        raise InvalidInput("link_check_off", "链接检查已关闭（SANSHEN_LINK_CHECK=off），未巡检")
    summary = sweep_links(ctx.engine, now=ctx.clock(), policy=policy, max_dead=ctx.settings.link_sweep_max_dead)
    return link_report(ctx, sweep_id=summary.sweep_id)


def link_report(ctx: AppContext, *, sweep_id: int | None = None) -> LinkReportView | None:
    """The report of sweep ``sweep_id`` (default: the latest finished one), per column; None if none ran.
    Each sweep replaces the verdicts of the one before, so only the latest has its pages' details."""
    with reading(ctx) as s:
        query = select(LinkSweep).where(LinkSweep.finished_at.is_not(None))
        if sweep_id is not None:
            query = query.where(LinkSweep.id == sweep_id)
        sweep = s.scalar(query.order_by(LinkSweep.id.desc()).limit(1))
        if sweep is None:
            return None
        rows = s.execute(select(PageLink, Draft.title, Draft.column).join(Draft, Draft.id == PageLink.draft_id)
                         .where(PageLink.sweep_id == sweep.id).order_by(PageLink.draft_id, PageLink.id)).all()
    columns: dict[str, dict] = defaultdict(lambda: {"pages": set(), "links": 0, DEAD: 0, MOVED: 0, SKIPPED: 0})
    problems = []
    for link, title, column in rows:
        tally = columns[column]
        tally["pages"].add(link.draft_id)
        tally["links"] += 1
        if link.state in (DEAD, MOVED, SKIPPED):
            tally[link.state] += 1
        if link.state in (DEAD, MOVED):
            problems.append(LinkProblemView(draft_id=link.draft_id, title=title, column=column, url=link.url,
                                            state=link.state, reason=link.reason, final_url=link.final_url))
    max_dead = ctx.settings.link_sweep_max_dead
    return LinkReportView(
        sweep_id=sweep.id, started_at=sweep.started_at, finished_at=sweep.finished_at, pages=sweep.pages,
        links=sweep.links, dead=sweep.dead, moved=sweep.moved, skipped=sweep.skipped, max_dead=max_dead,
        over_threshold=sweep.dead > max_dead,
        columns=tuple(ColumnLinksView(column=name, pages=len(t["pages"]), links=t["links"], dead=t[DEAD],
                                      moved=t[MOVED], skipped=t[SKIPPED])
                      for name, t in sorted(columns.items(), key=lambda kv: (-kv[1][DEAD], kv[0]))),
        problems=tuple(sorted(problems, key=lambda p: (p.state != DEAD, p.column, p.draft_id))),
    )


def link_report_for(ctx: AppContext, user: UserView) -> LinkReportView:
    """The latest link sweep as an admin reads it over the API."""
    if not user.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员可以查看链接巡检")
    report = link_report(ctx)
    if report is None:
        raise NotFound("no_link_sweep", "尚未进行过链接巡检")
    return report
