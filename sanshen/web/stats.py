"""The statistics page's read model: a few aggregate reads over one year, no rules.

Rows are grouped in Python so the same code runs on SQLite and PostgreSQL (month
extraction and interval arithmetic differ between them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from sqlalchemy import Engine, and_, func, or_, select
from sqlmodel import Session

from storage.db import reader
from storage.models import AuditEvent, CheckReport, Draft, FindingRow, StageTask


@dataclass(frozen=True)
class YearStats:
    year: int
    months: tuple[str, ...]                              # "01".."12"
    published: dict[str, dict[str, int]]                 # column → month → count
    hours_per_stage: tuple[tuple[str, float], ...]       # stage → mean hours from opened to done
    returns_by_stage: tuple[tuple[str, int], ...]        # stage returned from → count
    findings_by_category: tuple[tuple[str, int], ...]
    overdue_by_stage: tuple[tuple[str, int], ...]        # stages done late or still open past due

    @property
    def published_total(self) -> int:
        return sum(sum(row.values()) for row in self.published.values())


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def year_stats(engine: Engine, *, year: int, now: datetime, tz: tzinfo, stage_order: tuple[str, ...]) -> YearStats:
    start = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    order = {name: i for i, name in enumerate(stage_order)}
    by_stage = lambda pair: (order.get(pair[0], len(order)), pair[0])  # noqa: E731
    with Session(reader(engine)) as session:
        published: dict[str, Counter] = defaultdict(Counter)
        for column, at in session.execute(
            select(Draft.column, Draft.published_at).where(Draft.published_at >= start, Draft.published_at < end)
        ):
            published[column or "未分栏目"][f"{_aware(at).astimezone(tz).month:02d}"] += 1

        spent: dict[str, list[float]] = defaultdict(list)
        for stage, opened, closed in session.execute(
            select(StageTask.stage, StageTask.opened_at, StageTask.closed_at).where(
                StageTask.status == "done", StageTask.closed_at >= start, StageTask.closed_at < end)
        ):
            spent[stage].append((_aware(closed) - _aware(opened)).total_seconds() / 3600)

        returns: Counter = Counter()
        for (payload,) in session.execute(
            select(AuditEvent.payload).where(AuditEvent.action == "draft.returned",
                                             AuditEvent.at >= start, AuditEvent.at < end)
        ):
            returns[str(payload.get("from_stage") or "未知环节")] += 1

        findings = session.execute(
            select(FindingRow.category, func.count())
            .join(CheckReport, CheckReport.id == FindingRow.report_id)
            .where(FindingRow.superseded.is_(False), CheckReport.created_at >= start, CheckReport.created_at < end)
            .group_by(FindingRow.category)
        ).all()

        overdue = session.execute(
            select(StageTask.stage, func.count())
            .where(StageTask.opened_at >= start, StageTask.opened_at < end, StageTask.due_at.is_not(None),
                   or_(and_(StageTask.status == "open", StageTask.due_at < now),
                       StageTask.closed_at > StageTask.due_at))
            .group_by(StageTask.stage)
        ).all()

    return YearStats(
        year=year,
        months=tuple(f"{m:02d}" for m in range(1, 13)),
        published={column: dict(row) for column, row in published.items()},
        hours_per_stage=tuple(sorted(((s, sum(v) / len(v)) for s, v in spent.items()), key=by_stage)),
        returns_by_stage=tuple(sorted(returns.items(), key=by_stage)),
        findings_by_category=tuple(sorted(((str(c), int(n)) for c, n in findings), key=lambda p: -p[1])),
        overdue_by_stage=tuple(sorted(((str(s), int(n)) for s, n in overdue), key=by_stage)),
    )
