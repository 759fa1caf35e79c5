"""Reading, verifying and exporting the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import exists, select

from review.refusals import InvalidInput, NotPermitted
from sanshen.service.errors import NotFound
from sanshen.service.tx import reading
from sanshen.service.validate import is_row_id
from sanshen.service.views import AuditChainView, AuditKeyView, AuditView, CheckpointView, UserView
from storage.audit import export_events, verify_chain
from storage.chain import FORGED, REWRITTEN, TRUNCATED, AnchorReport, Checkpoint, judge_anchor
from storage.checkpoint import Anchor, AuditKey, KeyMissing, chain_head, hash_at, verify_signature
from storage.localtime import local_text
from storage.models import AuditEvent, Draft, SignOff

if TYPE_CHECKING:
    from sanshen.service.context import AppContext
    from sanshen.settings import Settings

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


def anchor_of(settings: "Settings") -> Anchor:
    """This installation's checkpoint key (SANSHEN_AUDIT_KEY_FILE) and log (in the data directory)."""
    return Anchor.at(settings.home, settings.audit_key_path)


RECENT_CHECKPOINTS = 100  # verification checks the latest this many checkpoints of the log


def stored_checkpoints(ctx: "AppContext") -> list[Checkpoint]:
    """The checkpoints kept outside the database: the log's latest (the highest N decides; an
    older one can only be superseded), and the site manifest's copy. Raises ValueError when one
    of those log lines is not a checkpoint."""
    from sanshen.service.site import site_of

    found = anchor_of(ctx.settings).log.recent(RECENT_CHECKPOINTS)
    try:
        in_manifest = site_of(ctx.settings).checkpoint()
    except Exception:  # the site's store (a folder or S3) is out of reach: the log holds every checkpoint made here
        in_manifest = None
    if in_manifest is not None and in_manifest not in found:
        found.append(in_manifest)
    return found


def latest_checkpoint(ctx: "AppContext") -> Checkpoint | None:
    try:
        found = stored_checkpoints(ctx)
    except ValueError:
        return None
    return max(found, key=lambda cp: (cp.seq, cp.at), default=None)


def _judge(ctx: "AppContext", session, checkpoints: list[Checkpoint]) -> AnchorReport:
    head, _ = chain_head(session)
    try:
        key = AuditKey.load(ctx.settings.audit_key_path).public if checkpoints else None
    except (KeyMissing, ValueError) as exc:
        return AnchorReport(False, FORGED, None, head, 0, f"{exc}，无法核对 {len(checkpoints)} 个检查点的签名")
    zone = ctx.settings.time_zone
    return judge_anchor(checkpoints, head_seq=head, hash_at=lambda n: hash_at(session, n), public_key=key,
                        verify=verify_signature, show_time=lambda at: local_text(at, zone, "%Y-%m-%d %H:%M:%S"))


def verify(ctx: "AppContext") -> AuditChainView:
    """The chain recomputed link by link, then judged against the signed checkpoints kept outside
    the database (read first: each names a head committed before this read began)."""
    try:
        checkpoints, unreadable = stored_checkpoints(ctx), None
    except ValueError as exc:
        checkpoints, unreadable = [], str(exc)
    with reading(ctx) as session:
        chain = verify_chain(session)
        anchor = (AnchorReport(False, FORGED, None, 0, 0, unreadable) if unreadable
                  else _judge(ctx, session, checkpoints))
    cp = anchor.checkpoint
    if not chain.ok:
        summary = f"审计链在第 {chain.first_broken_seq} 条记录处断裂：{chain.reason}"
    elif anchor.ok:
        summary = f"审计链完好：共校验 {chain.checked} 条记录。{anchor.message}"
    else:
        summary = anchor.message
    broken = chain.first_broken_seq if not chain.ok else {
        TRUNCATED: anchor.head_seq + 1, REWRITTEN: cp.seq if cp else None}.get(anchor.status)
    return AuditChainView(
        ok=chain.ok and anchor.ok, checked=chain.checked, first_broken_seq=broken,
        reason=chain.reason if not chain.ok else (None if anchor.ok else anchor.message),
        anchor=anchor.status, checkpoint_seq=cp.seq if cp else None,
        checkpoint_at=datetime.fromisoformat(cp.at) if cp else None,
        after_checkpoint=anchor.after if cp and anchor.ok else None,
        checkpoint_message=anchor.message if chain.ok else "", summary=summary)


def key(ctx: "AppContext") -> AuditKeyView:
    """The checkpoints' public key (the key is made on first use)."""
    k = anchor_of(ctx.settings).key()
    return AuditKeyView(key_id=k.key_id, public_key=k.public.hex(), public_key_pem=k.public_pem(),
                        key_file=str(ctx.settings.audit_key_path))


def checkpoint_now(ctx: "AppContext") -> CheckpointView:
    """Sign the chain's committed head now and append it to the log (also on a schedule, by the worker)."""
    with reading(ctx) as session:
        cp = anchor_of(ctx.settings).checkpoint(session, ctx.clock())
    return CheckpointView(seq=cp.seq, hash=cp.hash, at=datetime.fromisoformat(cp.at), key_id=cp.key_id,
                          signature=cp.signature)


def export(ctx: "AppContext", fmt: str, out: TextIO, *, where: list | None = None,
           selection: str | None = None) -> int:
    """The whole trail, or with ``where`` (see :func:`conditions`) the selection it picks,
    marked with ``selection`` (the filter in words) so that the verifier checks it as one.
    The whole trail carries the latest stored checkpoint (read before the events)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("bad_format", f"未知的导出格式“{fmt}”；可用：{'、'.join(EXPORT_FORMATS)}")
    checkpoint = None if where else latest_checkpoint(ctx)
    with reading(ctx) as session:
        return export_events(session, fmt, out, where=where or (), selection=selection, checkpoint=checkpoint)
