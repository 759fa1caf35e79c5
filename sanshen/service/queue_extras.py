"""What a queue row shows beside the task: the draft's author, its open error count, and who has
claimed the task. Read in three batched queries for the rows of one queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import Draft, FindingRow, TaskClaim, User, Waiver


def open_error_counts(session: Session, draft_ids: Iterable[int]) -> dict[int, int]:
    """Per draft, the error findings of its current revision that nobody has waived."""
    ids = set(draft_ids)
    if not ids:
        return {}
    f = FindingRow
    rows = session.execute(
        select(f.draft_id, func.count(f.id))
        .join(Draft, Draft.id == f.draft_id)
        .outerjoin(Waiver, Waiver.finding_id == f.id)
        .where(f.draft_id.in_(ids), f.revision == Draft.current_revision, f.superseded.is_(False),
               f.severity == "error", Waiver.id.is_(None))
        .group_by(f.draft_id)
    ).all()
    return {draft_id: n for draft_id, n in rows}


def claim_holders(session: Session, task_ids: Iterable[int]) -> dict[int, str]:
    """Per task id, the name of the user holding it."""
    ids = set(task_ids)
    if not ids:
        return {}
    return dict(session.execute(
        select(TaskClaim.task_id, User.name).join(User, User.id == TaskClaim.user_id)
        .where(TaskClaim.task_id.in_(ids))
    ).all())


def user_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


@dataclass(frozen=True)
class QueueExtras:
    authors: dict[int, str]
    errors: dict[int, int]
    holders: dict[int, str]

    def of(self, row: Any) -> dict[str, Any]:
        return {"author": self.authors.get(row.author_id, ""), "errors": self.errors.get(row.draft_id, 0),
                "waiting_since": row.opened_at, "claimed_by": self.holders.get(row.task_id)}


def queue_extras(session: Session, rows: Sequence[Any]) -> QueueExtras:
    """For queue rows carrying ``draft_id``, ``task_id``, ``author_id`` and ``opened_at``."""
    return QueueExtras(
        authors=user_names(session, (r.author_id for r in rows)),
        errors=open_error_counts(session, (r.draft_id for r in rows)),
        holders=claim_holders(session, (r.task_id for r in rows)),
    )
