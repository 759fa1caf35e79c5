"""Reading, verifying and exporting the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import exists, select

from review.refusals import InvalidInput, NotPermitted
from sanshen.service.errors import NotFound
from sanshen.service.tx import reading
from sanshen.service.validate import is_row_id
from sanshen.service.views import AuditChainView, AuditView, UserView
from storage.audit import export_events, verify_chain
from storage.models import AuditEvent, Draft, SignOff

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

EXPORT_FORMATS = ("csv", "jsonl")
MAX_SEARCH = 5000


def _view(e: AuditEvent) -> AuditView:
    return AuditView(seq=e.seq, at=e.at, actor=e.actor, action=e.action, draft_id=e.draft_id,
                     payload=e.payload, prev_hash=e.prev_hash, hash=e.hash)


def for_draft(ctx: "AppContext", actor: UserView, draft_id: int) -> list[AuditView]:
    """A draft's trail: for admins and leaders, its author and whoever signed it."""
    with reading(ctx) as session:
        draft = session.get(Draft, draft_id) if is_row_id(draft_id) else None
        if draft is None:
            raise NotFound("unknown_draft", f"稿件 {draft_id} 不存在")
        involved = draft.author_id == actor.id or session.scalar(
            select(exists().where(SignOff.draft_id == draft_id, SignOff.user_id == actor.id))
        )
        if not (involved or actor.has_role("admin") or actor.has_role("leader")):
            raise NotPermitted("forbidden", "只有管理员、领导、作者或参与签批的人可以查看该稿件的审计记录")
        return [_view(e) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.draft_id == draft_id).order_by(AuditEvent.seq)
        )]


def conditions(*, draft_id: int | None = None, user: str | None = None, action: str | None = None,
               since: datetime | None = None, until: datetime | None = None) -> list:
    """The WHERE conditions of a search of the trail (shared by the page and its export)."""
    out = []
    if draft_id is not None:
        out.append(AuditEvent.draft_id == draft_id)
    if user:
        out.append(AuditEvent.actor == user)
    if action:
        out.append(AuditEvent.action == action)
    if since is not None:
        out.append(AuditEvent.at >= since)
    if until is not None:
        out.append(AuditEvent.at < until)
    return out


def search(ctx: "AppContext", actor: UserView, *, draft_id: int | None = None, user: str | None = None,
           action: str | None = None, since: datetime | None = None, until: datetime | None = None,
           limit: int = 200) -> list[AuditView]:
    """Admins search the whole trail, newest first."""
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以检索审计记录")
    if not 1 <= limit <= MAX_SEARCH:
        raise InvalidInput("bad_limit", f"条数须在 1 到 {MAX_SEARCH} 之间")
    stmt = select(AuditEvent).where(*conditions(draft_id=draft_id, user=user, action=action, since=since,
                                                 until=until))
    with reading(ctx) as session:
        return [_view(e) for e in session.scalars(stmt.order_by(AuditEvent.seq.desc()).limit(limit))]


def verify(ctx: "AppContext") -> AuditChainView:
    with reading(ctx) as session:
        return AuditChainView.model_validate(verify_chain(session), from_attributes=True)


def export(ctx: "AppContext", fmt: str, out: TextIO, *, where: list | None = None,
           selection: str | None = None) -> int:
    """The whole trail, or with ``where`` (see :func:`conditions`) the selection it picks,
    marked with ``selection`` (the filter in words) so that the verifier checks it as one."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("bad_format", f"未知的导出格式“{fmt}”；可用：{'、'.join(EXPORT_FORMATS)}")
    with reading(ctx) as session:
        return export_events(session, fmt, out, where=where or (), selection=selection)
