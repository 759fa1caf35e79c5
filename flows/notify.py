"""In-app notifications written by the flows (e-mail is sent elsewhere from these rows)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Notification, User


def users_with_roles(session: Session, roles: Iterable[str]) -> list[User]:
    wanted = set(roles)
    return [
        u for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
        if wanted & {r.strip() for r in u.roles.split(",") if r.strip()}
    ]


def notify(session: Session, user_ids: Iterable[int], *, draft_id: int | None, kind: str,
           message: str, now: datetime) -> int:
    """Add one notification per user, skipping users who already have this exact one."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    already = set(session.scalars(
        select(Notification.user_id).where(
            Notification.user_id.in_(ids), Notification.draft_id == draft_id,
            Notification.kind == kind, Notification.message == message,
        )
    ))
    fresh = [uid for uid in ids if uid not in already]
    session.add_all(
        Notification(user_id=uid, draft_id=draft_id, kind=kind, message=message, created_at=now)
        for uid in fresh
    )
    return len(fresh)
