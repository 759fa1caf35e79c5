"""A user's in-app notifications (written by the route/notify flow)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from sanshen.service.tx import action, reading
from sanshen.service.validate import is_row_id
from sanshen.service.views import NotificationView, UserView
from storage.models import Notification

if TYPE_CHECKING:
    from sanshen.service.context import AppContext


def for_user(ctx: "AppContext", actor: UserView, *, unread_only: bool = False,
             limit: int = 100) -> list[NotificationView]:
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    with reading(ctx) as session:
        return [
            NotificationView(id=n.id, draft_id=n.draft_id, kind=n.kind, message=n.message,
                             created_at=n.created_at, read=n.read_at is not None)
            for n in session.scalars(stmt.order_by(Notification.id.desc()).limit(limit))
        ]


def unread_count(ctx: "AppContext", actor: UserView) -> int:
    with reading(ctx) as session:
        return session.scalar(
            select(func.count()).select_from(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        )


def mark_read(ctx: "AppContext", actor: UserView, ids: Iterable[int] | None = None, *, now: datetime) -> int:
    """Mark the given notifications (all unread ones when ``ids`` is None) read; returns how many."""
    stmt = (update(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=now))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_([i for i in ids if is_row_id(i)]))
    with action(ctx) as session:
        return session.execute(stmt).rowcount
