"""The column registry (栏目, 主动公开目录): admins add and change columns, each change audited;
drafts may be filed only under a registered, active column; and the freshness of every column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from casestore.columns import all_columns, column_named, freshness_report
from lexicon.vocabulary import ColumnKind
from review.freshness import FreshnessReport, default_update_days
from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import validate
from sanshen.service.errors import NotFound
from sanshen.service.tx import action, reading
from sanshen.service.views import (
    ColumnFreshnessView,
    ColumnView,
    FreshnessView,
    UserView,
)
from storage.audit import append_event
from storage.models import SiteColumn

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_UPDATE_DAYS = 3650
UNCHANGED = object()


@dataclass(frozen=True)
class ColumnInput:
    name: str
    slug: str
    kind: str = ColumnKind.OTHER
    update_days: int | None = None  # default: by kind
    parent: str | None = None
    active: bool = True


def _view(c: SiteColumn, names: dict[int, str]) -> ColumnView:
    return ColumnView(name=c.name, slug=c.slug, parent=names.get(c.parent_id) if c.parent_id else None,
                      kind=c.kind, kind_label=ColumnKind.label_of(c.kind), update_days=c.update_days,
                      active=c.active)


def _views(session: Session) -> list[ColumnView]:
    columns = all_columns(session)
    names = {c.id: c.name for c in columns}
    return [_view(c, names) for c in columns]


def list_columns(ctx: "AppContext", *, include_inactive: bool = True) -> list[ColumnView]:
    with reading(ctx) as session:
        return [v for v in _views(session) if include_inactive or v.active]


def _require_admin(actor: UserView) -> None:
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以管理栏目")


def _kind(kind: str) -> str:
    if ColumnKind.of(kind) is None:
        raise InvalidInput("bad_column_kind",
                           f"未知的栏目类型“{kind}”；可用：{'、'.join(f'{k}（{k.label}）' for k in ColumnKind)}")
    return kind


def _slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG.fullmatch(slug):
        raise InvalidInput("bad_column_slug", f"栏目路径“{slug}”无效：只能用小写字母、数字和连字符，以字母或数字开头，最长 64 个字符")
    return slug


def _days(days: int) -> int:
    if not 1 <= days <= MAX_UPDATE_DAYS:
        raise InvalidInput("bad_update_days", f"更新要求应为 1 到 {MAX_UPDATE_DAYS} 天，而不是 {days}")
    return days


def _get(session: Session, name: str) -> SiteColumn:
    column = column_named(session, name)
    if column is None:
        raise NotFound("unknown_column", f"栏目“{name}”不存在；{_existing(session)}")
    return column


def _existing(session: Session) -> str:
    names = [c.name for c in all_columns(session) if c.active]
    return f"已登记的栏目：{'、'.join(names)}" if names else "尚未登记任何栏目（管理员用 sanshen column add 添加）"


def _parent_id(session: Session, parent: str | None, *, of: SiteColumn | None) -> int | None:
    if not parent:
        return None
    found = _get(session, parent)
    ancestor: SiteColumn | None = found
    while ancestor is not None:  # no column may sit below itself
        if of is not None and ancestor.id == of.id:
            raise InvalidInput("column_cycle", f"栏目“{of.name}”不能放在“{parent}”之下：“{parent}”是它自己或它的下级栏目")
        ancestor = session.get(SiteColumn, ancestor.parent_id) if ancestor.parent_id else None
    return found.id


def add_column(ctx: "AppContext", actor: UserView, data: ColumnInput, *, now: datetime) -> ColumnView:
    _require_admin(actor)
    name = validate.one_line(data.name, what="栏目名称", max_chars=128)
    slug, kind = _slug(data.slug), _kind(data.kind)
    days = _days(data.update_days if data.update_days is not None else default_update_days(kind))
    with action(ctx) as session:
        if column_named(session, name) is not None:
            raise Conflict("column_exists", f"栏目“{name}”已存在；修改请用 sanshen column update")
        if any(c.slug == slug for c in all_columns(session)):
            raise Conflict("slug_taken", f"栏目路径“{slug}”已被其他栏目使用")
        column = SiteColumn(name=name, slug=slug, kind=kind, update_days=days, active=data.active,
                            parent_id=_parent_id(session, data.parent, of=None))
        session.add(column)
        session.flush()
        append_event(session, action="column.added", actor=actor.name, draft_id=None, at=now,
                     payload={"name": name, "slug": slug, "kind": kind, "update_days": days,
                              "parent": data.parent or None, "active": data.active})
        return next(v for v in _views(session) if v.name == name)


def update_column(ctx: "AppContext", actor: UserView, name: str, *, slug: str | None = None,
                  kind: str | None = None, update_days: int | None = None, parent: object = UNCHANGED,
                  active: bool | None = None, now: datetime) -> ColumnView:
    """Change a column's path, kind, rule, parent ("" or None: top level) or whether it is active.
    The name is its identity and does not change."""
    _require_admin(actor)
    slug = _slug(slug) if slug is not None else None
    kind = _kind(kind) if kind is not None else None
    update_days = _days(update_days) if update_days is not None else None
    with action(ctx) as session:
        column = _get(session, name)
        before = _view(column, {c.id: c.name for c in all_columns(session)})
        if slug is not None and slug != column.slug:
            if any(c.slug == slug for c in all_columns(session)):
                raise Conflict("slug_taken", f"栏目路径“{slug}”已被其他栏目使用")
            column.slug = slug
        if kind is not None:
            column.kind = kind
        if update_days is not None:
            column.update_days = update_days
        if parent is not UNCHANGED:
            column.parent_id = _parent_id(session, parent, of=column)  # type: ignore[arg-type]
        if active is not None:
            column.active = active
        session.flush()
        after = next(v for v in _views(session) if v.name == name)
        changes = {k: [getattr(before, k), getattr(after, k)]
                   for k in ("slug", "parent", "kind", "update_days", "active")
                   if getattr(before, k) != getattr(after, k)}
        if not changes:
            raise InvalidInput("unchanged", f"栏目“{name}”没有需要修改的内容")
        append_event(session, action="column.updated", actor=actor.name, draft_id=None, at=now,
                     payload={"name": name, "changes": changes})
        return after


def require_column(session: Session, name: str) -> None:
    """A draft may be filed only under a registered, active column (or under none)."""
    if not name:
        return
    column = column_named(session, name)
    if column is None or not column.active:
        state = "已停用" if column is not None else "未登记"
        raise InvalidInput("unregistered_column", f"栏目“{name}”{state}，不能在此栏目下提交稿件；{_existing(session)}")


def freshness_view(report: FreshnessReport) -> FreshnessView:
    return FreshnessView(
        at=report.at,
        columns=tuple(ColumnFreshnessView(
            name=c.name, kind=c.kind, update_days=c.update_days, last_published_at=c.last_published_at,
            due_at=c.due_at, days_since=c.days_since, status=str(c.status), status_label=c.status.label,
            blank=c.blank) for c in report.columns),
        overdue=len(report.overdue), due_soon=len(report.due_soon), blank_count=report.blank_count,
        blank_limit=report.blank_limit, home_overdue=report.home_overdue, vetoed=report.vetoed,
    )


def freshness(ctx: "AppContext", *, now: datetime) -> FreshnessView:
    with reading(ctx) as session:
        return freshness_view(freshness_report(session, now=now, policy=ctx.freshness_policy))
