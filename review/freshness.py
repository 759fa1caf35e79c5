"""Column freshness (栏目更新): how long since each column last published, against its rule.

The inspection rules (《政府网站与政务新媒体检查指标》, docs/domain.md) fail a site outright when
its home page has not been updated for 2 weeks or when 5 or more columns are blank. Each column
carries its own update rule in days (defaults by kind: 动态/要闻 14, 通知公告/政策文件 180,
人事/规划 365). Pure: the caller passes the columns, their last publication times and ``now``.

- green: published within its rule, and more than ``warn_days`` before the limit;
- due soon: the limit is at most ``warn_days`` away;
- overdue: past the limit;
- blank: no page live in it at all (never published, or everything withdrawn), or none within its
  rule (overdue). A blank column counts towards the 5-blank-columns rule.

A column's publications include those of its sub-columns; the home page's include every column's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from lexicon.vocabulary import ColumnKind

DEFAULT_UPDATE_DAYS: Mapping[str, int] = {
    ColumnKind.HOME: 14,
    ColumnKind.NEWS: 14,
    ColumnKind.NOTICE: 180,
    ColumnKind.POLICY: 180,
    ColumnKind.PERSONNEL: 365,
    ColumnKind.PLAN: 365,
    ColumnKind.OTHER: 180,
}
BLANK_COLUMN_LIMIT = 5  # 5 or more blank columns fail the site (单项否决)
WARN_DAYS = 3.0


class Freshness(StrEnum):
    GREEN = "green"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"green": "正常", "due_soon": "即将超期", "overdue": "已超期"}[self.value]


@dataclass(frozen=True)
class ColumnRule:
    name: str
    kind: str
    update_days: int
    parent: str | None = None
    active: bool = True


@dataclass(frozen=True)
class FreshnessPolicy:
    warn_days: float = WARN_DAYS  # warn this many days before a column's limit
    blank_limit: int = BLANK_COLUMN_LIMIT  # this many blank columns fail the site


@dataclass(frozen=True)
class ColumnFreshness:
    name: str
    kind: str
    update_days: int
    last_published_at: datetime | None
    due_at: datetime | None  # when the column must publish again (None: never published)
    days_since: float | None
    status: Freshness
    blank: bool


@dataclass(frozen=True)
class FreshnessReport:
    at: datetime
    columns: tuple[ColumnFreshness, ...]
    blank_count: int
    blank_limit: int
    home_overdue: bool

    @property
    def overdue(self) -> tuple[ColumnFreshness, ...]:
        return tuple(c for c in self.columns if c.status == Freshness.OVERDUE)

    @property
    def due_soon(self) -> tuple[ColumnFreshness, ...]:
        return tuple(c for c in self.columns if c.status == Freshness.DUE_SOON)

    @property
    def vetoed(self) -> bool:
        """An inspection would fail the site on these grounds alone (单项否决)."""
        return self.home_overdue or self.blank_count >= self.blank_limit


def default_update_days(kind: str) -> int:
    return DEFAULT_UPDATE_DAYS.get(kind, DEFAULT_UPDATE_DAYS[ColumnKind.OTHER])


def _subtrees(rules: list[ColumnRule]) -> dict[str, set[str]]:
    """Each column's name → the names of it and every column below it."""
    children: dict[str, list[str]] = {}
    for r in rules:
        if r.parent is not None:
            children.setdefault(r.parent, []).append(r.name)
    result: dict[str, set[str]] = {}
    for r in rules:
        seen: set[str] = set()
        todo = [r.name]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += children.get(name, [])
        result[r.name] = seen
    return result


def assess_column(rule: ColumnRule, last: datetime | None, *, now: datetime,
                  policy: FreshnessPolicy) -> ColumnFreshness:
    if last is None:
        return ColumnFreshness(rule.name, rule.kind, rule.update_days, None, None, None, Freshness.OVERDUE, True)
    due = last + timedelta(days=rule.update_days)
    days_since = (now - last).total_seconds() / 86400
    if now > due:
        status = Freshness.OVERDUE
    elif due - now <= timedelta(days=policy.warn_days):
        status = Freshness.DUE_SOON
    else:
        status = Freshness.GREEN
    return ColumnFreshness(rule.name, rule.kind, rule.update_days, last, due, round(days_since, 2), status,
                           status == Freshness.OVERDUE)


def assess(rules: Iterable[ColumnRule], last_published: Mapping[str, datetime], *, now: datetime,
           policy: FreshnessPolicy = FreshnessPolicy()) -> FreshnessReport:
    """Every active column's freshness; ``last_published`` maps a column name to its latest live
    publication (columns missing from it have no live page)."""
    rules = list(rules)
    trees = _subtrees(rules)
    everything = [t for t in last_published.values() if t is not None]
    columns = []
    for rule in rules:
        if not rule.active:
            continue
        if rule.kind == ColumnKind.HOME:
            times = everything
        else:
            times = [last_published[n] for n in trees[rule.name] if last_published.get(n) is not None]
        columns.append(assess_column(rule, max(times) if times else None, now=now, policy=policy))
    home_overdue = any(c.kind == ColumnKind.HOME and c.status == Freshness.OVERDUE for c in columns)
    blank = sum(1 for c in columns if c.blank and c.kind != ColumnKind.HOME)
    return FreshnessReport(at=now, columns=tuple(columns), blank_count=blank, blank_limit=policy.blank_limit,
                           home_overdue=home_overdue)
