"""The periodic column-freshness check (栏目更新监测): before a column's limit, and again when it is
past it, every admin is told (in-app notification, e-mail if configured) and the alert is audited.

Each column remembers the level admins were last told of (``sitecolumn.alert_level``), so a column
raises each alert once; it goes back to green, silently, when it publishes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from casestore.columns import all_columns, freshness_report
from flows.notify import notify, users_with_roles
from review.freshness import ColumnFreshness, Freshness, FreshnessPolicy
from storage.audit import append_event
from storage.chain import format_at
from storage.db import transaction

_RANK = {Freshness.GREEN: 0, Freshness.DUE_SOON: 1, Freshness.OVERDUE: 2}


@dataclass(frozen=True)
class FreshnessOutcome:
    columns: int
    due_soon: int
    overdue: int
    blank: int
    alerted: tuple[str, ...]  # columns admins were told about in this run

    def __str__(self) -> str:
        return (f"{self.columns} columns: {self.overdue} overdue, {self.due_soon} due soon, {self.blank} blank;"
                f" alerted {len(self.alerted)}")


def _message(c: ColumnFreshness, now: datetime) -> str:
    return f"{_finding(c)}（{format_at(now)[:10]} 检查）"


def _finding(c: ColumnFreshness) -> str:
    if c.last_published_at is None:
        return f"栏目“{c.name}”没有在网站上的内容（空白栏目），更新要求为每 {c.update_days} 天至少发布一次"
    since = f"已 {int(c.days_since or 0)} 天未发布新内容（更新要求每 {c.update_days} 天）"
    if c.status == Freshness.OVERDUE:
        return f"栏目“{c.name}”{since}，已超期，计为空白栏目"
    return f"栏目“{c.name}”{since}，须在 {format_at(c.due_at)[:10]} 前发布，否则超期"


def check_freshness(engine: Engine, *, now: datetime, policy: FreshnessPolicy = FreshnessPolicy()) -> FreshnessOutcome:
    alerted = []
    with transaction(engine) as s:
        report = freshness_report(s, now=now, policy=policy)
        rows = {c.name: c for c in all_columns(s)}
        admins = None
        for c in report.columns:
            row = rows[c.name]
            told = Freshness(row.alert_level) if row.alert_level in _RANK else Freshness.GREEN
            if c.status == told:
                continue
            if _RANK[c.status] > _RANK[told]:
                if admins is None:
                    admins = [u.id for u in users_with_roles(s, ["admin"])]
                message = _message(c, now)
                notify(s, admins, draft_id=None, kind=f"column_{c.status}", message=message, now=now)
                append_event(s, action="column.freshness_alert", actor="system", draft_id=None, at=now,
                             payload={"column": c.name, "status": str(c.status), "update_days": c.update_days,
                                      "last_published_at": format_at(c.last_published_at)
                                      if c.last_published_at else None, "blank": c.blank})
                alerted.append(c.name)
            row.alert_level, row.alerted_at = str(c.status), now
    return FreshnessOutcome(columns=len(report.columns), due_soon=len(report.due_soon),
                            overdue=len(report.overdue), blank=report.blank_count, alerted=tuple(alerted))
