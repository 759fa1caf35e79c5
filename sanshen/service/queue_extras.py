"""What a queue row shows beside the task: the draft's author, its open error count, and who has
claimed the task. Read in three batched queries for the rows of one queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from storage.models import Draft, FindingRow, StageTask, TaskClaim, User, Waiver

# Built once (statements are immutable): every queue request runs them.
_f = FindingRow
_OPEN_ERRORS = (select(_f.draft_id, _f.revision, func.count(_f.id))
                .outerjoin(Waiver, Waiver.finding_id == _f.id)
                .where(_f.draft_id.in_(bindparam("drafts", expanding=True)), _f.superseded.is_(False),
                       _f.severity == "error", Waiver.id.is_(None))
                .group_by(_f.draft_id, _f.revision))
_OPEN_ERRORS_CURRENT = _OPEN_ERRORS.join(Draft, Draft.id == _f.draft_id).where(_f.revision == Draft.current_revision)
_HELD = (select(TaskClaim.task_id, User.name).join(User, User.id == TaskClaim.user_id)
         .join(StageTask, StageTask.id == TaskClaim.task_id).where(StageTask.status == "open"))
_NAMES = select(User.id, User.name).where(User.id.in_(bindparam("users", expanding=True)))


def open_error_counts(session: Session, draft_ids: Iterable[int],
                      revisions: dict[int, int] | None = None) -> dict[int, int]:
    """Per draft, the error findings of its current revision (or of ``revisions[draft_id]``, when the
    caller knows it) that nobody has waived."""
    ids = sorted(set(draft_ids))
    if not ids:
        return {}
    rows = session.execute(_OPEN_ERRORS if revisions is not None else _OPEN_ERRORS_CURRENT, {"drafts": ids}).all()
    return {draft_id: n for draft_id, revision, n in rows
            if revisions is None or revisions.get(draft_id) == revision}


def claim_holders(session: Session, task_ids: Iterable[int]) -> dict[int, str]:
    """Per task id, the name of the user holding it. Few tasks are held at any time, so every claim
    of an open task is read and matched here (cheaper than a long IN list)."""
    ids = set(task_ids)
    if not ids:
        return {}
    return {task_id: name for task_id, name in session.execute(_HELD).all() if task_id in ids}


def user_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return dict(session.execute(_NAMES, {"users": ids}).all())


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
