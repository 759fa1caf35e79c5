"""The trail of a 政府信息公开申请: one step row and one audit event per step, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.audit import append_event
from storage.models import InfoRequest, InfoRequestStep


def record_step(session: Session, req: InfoRequest, *, actor: str, step: str, note: str = "",
                payload: dict | None = None, now: datetime) -> None:
    """A row of the request's own trail and an event of the audit chain (which is handed only masked
    personal data by its callers)."""
    data = dict(payload or {})
    session.add(InfoRequestStep(request_id=req.id, at=now, actor=actor, action=step, note=note,
                                payload=_plain(data)))
    append_event(session, action=f"request.{step}", actor=actor, draft_id=req.reply_draft_id,
                 payload={"request_id": req.id, "note": note, **data}, at=now)


def _plain(data: dict) -> dict:
    """JSON-safe for the step row (dates as ISO text)."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
