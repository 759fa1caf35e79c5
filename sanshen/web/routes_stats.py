"""Admin page: yearly statistics drawn as server-side SVG."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from checking.categories import CATEGORY_LABELS
from review.refusals import InvalidInput
from sanshen.service.views import UserView
from sanshen.web.auth import require_roles
from sanshen.web.render import local_zone, page
from sanshen.web.state import app_ctx, now
from sanshen.web.stats import year_stats
from sanshen.web.svg_charts import horizontal_bars, series_from, stacked_columns

router = APIRouter(prefix="/admin")


@router.get("/stats")
def statistics(request: Request, year: str = "", me: UserView = Depends(require_roles("admin"))) -> Response:
    ctx = app_ctx(request)
    at = now(request)
    this_year = at.astimezone(local_zone(request)).year
    if year and not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100):
        raise InvalidInput("bad_year", f"年份“{year}”无效")
    chosen = int(year) if year else this_year
    stages = tuple(s.name for s in ctx.workflow.stages)
    labels = {s.name: s.label or s.name for s in ctx.workflow.stages}
    human = {s.name for s in ctx.workflow.stages if s.kind != "auto"}
    stats = year_stats(ctx.engine, year=chosen, now=at, tz=local_zone(request), stage_order=stages)
    categories = {str(k): v for k, v in CATEGORY_LABELS.items()}
    month_labels = [f"{int(m)}月" for m in stats.months]
    charts = {
        "published": stacked_columns(
            f"{chosen} 年各月发布量（按栏目）", month_labels,
            series_from({c: {f"{int(m)}月": n for m, n in row.items()} for c, row in stats.published.items()},
                        month_labels)),
        "hours": horizontal_bars("各环节平均用时", [(labels.get(s, s), h) for s, h in stats.hours_per_stage
                                                if s in human],
                                 unit=" 小时"),
        "returns": horizontal_bars("退回次数（按退回环节）", [(labels.get(s, s), n) for s, n in stats.returns_by_stage],
                                   unit=" 次", color="#b03a2e"),
        "findings": horizontal_bars("机器预审问题（按类别）",
                                    [(categories.get(c, c), n) for c, n in stats.findings_by_category],
                                    unit=" 处", color="#7d3c98"),
        "overdue": horizontal_bars("超期环节（按环节）", [(labels.get(s, s), n) for s, n in stats.overdue_by_stage],
                                   unit=" 次", color="#a4161a"),
    }
    return page(request, "admin_stats.html", "统计", stats=stats, charts=charts, year=chosen, human_stages=human,
                years=range(this_year, this_year - 5, -1), stage_labels=labels, categories=categories)
