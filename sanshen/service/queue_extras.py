"""What a queue row shows beside the task: the draft's author, its open error count, and who has
claimed the task. Read in three batched queries for the rows of one queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import Draft, FindingRow, StageTask, TaskClaim, User, Waiver


def open_error_counts(session: Session, draft_ids: Iterable[int],
                      revisions: dict[int, int] | None = None) -> dict[int, int]:
    """Per draft, the error findings of its current revision (or of ``revisions[draft_id]``, when the
    caller knows it) that nobody has waived."""
    ids = set(draft_ids)
    if not ids:
        return {}
    f = FindingRow
    stmt = (select(f.draft_id, f.revision, func.count(f.id))
            .outerjoin(Waiver, Waiver.finding_id == f.id)
            .where(f.draft_id.in_(ids), f.superseded.is_(False), f.severity == "error", Waiver.id.is_(None))
            .group_by(f.draft_id, f.revision))
    if revisions is None:
        stmt = stmt.join(Draft, Draft.id == f.draft_id).where(f.revision == Draft.current_revision)
    rows = session.execute(stmt).all()
    return {draft_id: n for draft_id, revision, n in rows
            if revisions is None or revisions.get(draft_id) == revision}


def claim_holders(session: Session, task_ids: Iterable[int]) -> dict[int, str]:
    """Per task id, the name of the user holding it. Few tasks are held at any time, so every claim
    of an open task is read and matched here (cheaper than a long IN list)."""
    ids = set(task_ids)
    if not ids:
        return {}
    held = session.execute(
        select(TaskClaim.task_id, User.name).join(User, User.id == TaskClaim.user_id)
        .join(StageTask, StageTask.id == TaskClaim.task_id).where(StageTask.status == "open")
    ).all()
    return {task_id: name for task_id, name in held if task_id in ids}


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
    """For queue rows carrying ``draft_id``, ``revision`` (the current one), ``task_id``, ``author_id``
    and ``opened_at``."""
    return QueueExtras(
        authors=user_names(session, (r.author_id for r in rows)),
        errors=open_error_counts(session, (r.draft_id for r in rows), {r.draft_id: r.revision for r in rows}),
        holders=claim_holders(session, (r.task_id for r in rows)),
    )
