"""The outbox as an admin sees it: the items not done yet and the dead letters, and requeueing a dead
item (audited ``outbox.requeued``) so the workers try it again from its first attempt."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from review.refusals import Conflict, InvalidInput
from sanshen.service.errors import NotFound
from sanshen.service.tx import action, reading
from sanshen.service.users import _admin_acting
from sanshen.service.views import OutboxItemView, UserView
from storage.audit import append_event
from storage.models import Draft, Outbox

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

LIST_LIMIT = 500
STATES = ("open", "dead", "all")
STATE_LABELS = {"pending": "待执行", "claimed": "执行中", "dead": "已放弃", "done": "已完成"}


def _state(row: Outbox) -> str:
    if row.dead_at is not None:
        return "dead"
    if row.done_at is not None:
        return "done"
    return "claimed" if row.claimed_by else "pending"


def _view(row: Outbox) -> OutboxItemView:
    return OutboxItemView(id=row.id, kind=row.kind, key=row.key, state=_state(row), attempts=row.attempts,
                          created_at=row.created_at, available_at=row.available_at, claimed_by=row.claimed_by,
                          dead_at=row.dead_at, last_error=row.last_error)


def list_items(ctx: "AppContext", actor: UserView | None, *, state: str = "open") -> list[OutboxItemView]:
    """``open``: not done yet (pending or claimed); ``dead``: given up on; ``all``: both, and the done.
    Newest first, at most ``LIST_LIMIT``. ``actor``: an admin, or None for the operator at the CLI."""
    _admin_acting(actor)
    if state not in STATES:
        raise InvalidInput("bad_state", f"状态应为 {' / '.join(STATES)} 之一，而不是“{state}”")
    query = select(Outbox).order_by(Outbox.id.desc()).limit(LIST_LIMIT)
    if state == "open":
        query = query.where(Outbox.done_at.is_(None))
    elif state == "dead":
        query = query.where(Outbox.dead_at.is_not(None))
    with reading(ctx) as session:
        return [_view(row) for row in session.scalars(query)]


def requeue(ctx: "AppContext", actor: UserView | None, item_id: int, *, now: datetime) -> OutboxItemView:
    """Put a dead item back in the queue: ready now, attempts from zero, its last error kept until the
    next try. One transaction with the audit event; anything but a dead item is refused."""
    who, extra = _admin_acting(actor)
    with action(ctx) as session:
        row = session.get(Outbox, item_id)
        if row is None:
            raise NotFound("unknown_outbox_item", f"没有编号为 {item_id} 的后台任务")
        if row.dead_at is None:
            raise Conflict("not_dead", f"后台任务 {item_id}（{row.key}）没有被放弃（{STATE_LABELS[_state(row)]}），"
                                       "只有已放弃的任务可以重新排队")
        raw = row.payload.get("draft_id")
        draft_id = raw if isinstance(raw, int) and not isinstance(raw, bool) and session.get(Draft, raw) else None
        append_event(session, action="outbox.requeued", actor=who, draft_id=draft_id,
                     payload={"id": row.id, "kind": row.kind, "key": row.key, "attempts": row.attempts,
                              "error": (row.last_error or "")[:1000], **extra}, at=now)
        row.dead_at = row.done_at = row.claimed_by = row.claimed_until = None
        row.attempts = 0
        row.available_at = now
        session.flush()
        return _view(row)
