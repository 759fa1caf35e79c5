"""Publication and withdrawal: the gate re-checked against the exact bytes, then the channels.

Order of a publication (each step idempotent, so an interrupted run is simply run again):
1. gate: the payload's hash must equal the current revision's stored hash *and* the hash
   recomputed from the stored title, body, attachments and metadata; the review gate
   (``publication_blockers``) must be clear. A refusal is audited and not retried.
2. site: attachments, page, column index, overall index and manifest, and their hashes recorded
   in the same locked transaction (flows/site_files.py) (skipped when the site
   ``Publication`` row for ``site:<draft>:<hash>`` is done, or the manifest already
   lists this hash).
   The publication time is fixed in the database (``Publication.published_at``) before the site is
   written, so the run that finishes an interrupted one records the time the site shows.
3. one transaction: the site publication done, the draft ``published``, the audit event
   ``draft.published`` with the hash, the author notified.
4. webhook (if configured): POST, then its ``Publication`` row done. A failure leaves it
   pending and raises, so the outbox retries only what is left.

With an ``anchor`` (storage/checkpoint.py) the manifest written in step 2 and each webhook
document carry a signed checkpoint of the audit chain's head, so copies live outside the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from casestore.apply import apply_events
from casestore.load import current_revision, interpretation_of, load_case, revision_content_hash
from casestore.workflows import WorkflowVersions
from flows.notify import notify
from flows.site import Correction, SiteAttachment, SiteItem, StaticSite
from flows.site_files import publish_recorded, take_down_recorded
from flows.webhook import WebhookConfig, WebhookError, deliver
from lexicon.vocabulary import DraftKind, DraftStatus
from review.case import SYSTEM_USER
from review.events import DraftWithdrawn, StageClosed
from review.progress import open_stages
from review.transitions import VOIDED, publication_blockers
from review.workflow import WorkflowDef
from storage.audit import append_event
from storage.chain import MANIFEST_KEY, format_at
from storage.checkpoint import Anchor
from storage.db import transaction
from storage.models import Attachment, AuditEvent, Draft, Publication, Revision
from storage.outbox import enqueue

log = logging.getLogger("sanshen.flows")
SITE = "site"
WEBHOOK = "webhook"
CORRECTED = "内容已更正"  # the note of a correction whose revisions gave none


class Outcome(StrEnum):
    PUBLISHED = "published"
    ALREADY = "already_published"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOTHING = "nothing_to_do"


@dataclass(frozen=True)
class Publisher:
    engine: Engine
    site: StaticSite
    workflow: WorkflowDef
    webhook: WebhookConfig | None = None
    # fault injection for crash tests: called after the page is written, before it is recorded
    after_site_write: Callable[[], None] | None = None
    # each draft is gated under the workflow version it started with (default: only ``workflow`` known)
    workflows: WorkflowVersions | None = None
    # signs the audit checkpoints that go out with each publication (None: none)
    anchor: Anchor | None = None

    def __post_init__(self) -> None:
        if self.workflows is None:
            object.__setattr__(self, "workflows", WorkflowVersions(self.workflow))


@dataclass(frozen=True)
class _Plan:
    item: SiteItem | None
    site_done: bool
    webhook_pending: bool
    refused: tuple[str, ...] = ()


def publication_key(channel: str, draft_id: int, content_hash: str) -> str:
    return f"{channel}:{draft_id}:{content_hash}"


def publish(p: Publisher, *, draft_id: int, content_hash: str, now: datetime) -> Outcome:
    plan = _prepare(p, draft_id, content_hash, now)
    if plan.refused:
        return Outcome.REFUSED
    if plan.item is None:
        return Outcome.NOTHING
    outcome = Outcome.ALREADY
    if not plan.site_done:
        entry = publish_recorded(p.engine, p.site, plan.item, now=now, anchor=p.anchor)
        if p.after_site_write is not None:
            p.after_site_write()
        _record_site(p, plan.item, entry.path, now)
        outcome = Outcome.PUBLISHED
    if plan.webhook_pending and p.webhook is not None:
        _deliver_webhook(p, plan.item, now)
    return outcome


class NotDue(RuntimeError):
    """A scheduled publication asked for before its time: the outbox tries again later."""


def _prepare(p: Publisher, draft_id: int, content_hash: str, now: datetime) -> _Plan:
    with transaction(p.engine) as s:
        draft = s.get(Draft, draft_id)
        if draft is None:
            return _refuse(s, draft_id, content_hash, ["稿件不存在"], now)
        site_pub = _publication(s, SITE, draft, content_hash)
        if (site_pub is None or site_pub.status != "done") and draft.publish_at is not None \
                and now < draft.publish_at and draft.status == DraftStatus.APPROVED:
            raise NotDue(f"draft {draft_id} is scheduled for {format_at(draft.publish_at)}")
        if site_pub is None or site_pub.status != "done":
            reasons = _gate(s, p.workflows.of(s, draft), draft, content_hash)
            if not reasons and draft.expires_at is not None and now >= draft.expires_at:
                reasons = [f"已过下线时间（{format_at(draft.expires_at)[:16].replace('T', ' ')} UTC），不再发布"]
            if reasons:
                return _refuse(s, draft_id, content_hash, reasons, now)
        rev = _revision_with_hash(s, draft, content_hash)
        site_pub = site_pub or _add_publication(s, SITE, draft, rev.number, content_hash)
        if site_pub.status != "done" and site_pub.published_at is None:
            # fixed before the site is written: a run interrupted after writing it and finished by a
            # later run records the time the page and manifest.json already show
            site_pub.published_at = now
        webhook_pub = None
        if p.webhook is not None:
            webhook_pub = (_publication(s, WEBHOOK, draft, content_hash)
                           or _add_publication(s, WEBHOOK, draft, rev.number, content_hash))
        published_at = site_pub.published_at or now
        item = SiteItem(draft_id=draft.id, revision=rev.number, title=rev.title, body=rev.body,
                        column=draft.column, content_hash=content_hash,
                        published_at=format_at(draft.published_at or published_at),
                        corrections=_corrections(s, draft, rev.number, published_at),
                        attachments=_attachments(s, rev), related=_related(s, draft))
        return _Plan(item=item, site_done=site_pub.status == "done",
                     webhook_pending=webhook_pub is not None and webhook_pub.status != "done")


def _site_publications(s: Session, draft_id: int) -> list[Publication]:
    return list(s.scalars(select(Publication).where(
        Publication.draft_id == draft_id, Publication.channel == SITE, Publication.status == "done")
        .order_by(Publication.published_at, Publication.id)))


def _corrections(s: Session, draft: Draft, revision: int, at: datetime) -> tuple[Correction, ...]:
    """Every 更正 of the page up to this publication of ``revision`` at ``at``: each publication after
    the first is one, noted with the comments of the revisions it brought (their 更正说明)."""
    published = [(p.revision, p.published_at) for p in _site_publications(s, draft.id)]
    if not published or published[-1][0] != revision:
        published.append((revision, at))
    comments = dict(s.execute(select(Revision.number, Revision.comment).where(Revision.draft_id == draft.id)).all())
    corrections = []
    for (before, _), (number, when) in zip(published, published[1:]):
        notes = [comments[n].strip() for n in range(before + 1, number + 1) if (comments.get(n) or "").strip()]
        corrections.append(Correction(at=format_at(when), note="；".join(notes) or CORRECTED))
    return tuple(corrections)


def _attachments(s: Session, rev: Revision) -> tuple[SiteAttachment, ...]:
    """The revision's attachments as signed (their hashes are part of its content hash)."""
    rows = s.scalars(select(Attachment).where(Attachment.revision_id == rev.id).order_by(Attachment.id))
    return tuple(SiteAttachment(name=a.filename, data=a.data, sha256=a.sha256) for a in rows)


def _related(s: Session, draft: Draft) -> tuple[tuple[str, int], ...]:
    """A policy links to its interpretation and an interpretation to its policy (三同步)."""
    if draft.kind == DraftKind.POLICY:
        interp = interpretation_of(s, draft.id)
        return (("政策解读", interp.id),) if interp is not None else ()
    if draft.kind == DraftKind.INTERPRETATION and draft.interprets_id is not None:
        return (("所解读的政策文件", draft.interprets_id),)
    return ()


def _gate(s: Session, wf: WorkflowDef, draft: Draft, content_hash: str) -> list[str]:
    """Why this draft may not go out with this hash now ([] when it may)."""
    if draft.status != DraftStatus.APPROVED:
        return [f"稿件状态为“{DraftStatus.label_of(draft.status)}”，不是“{DraftStatus.APPROVED.label}”"]
    rev = current_revision(s, draft)
    if rev.content_hash != content_hash:
        return [f"待发布的内容哈希 {content_hash[:12]}… 不是当前稿（第 {rev.number} 稿，{rev.content_hash[:12]}…）"]
    recomputed = revision_content_hash(s, rev)
    if recomputed != content_hash:
        return [f"第 {rev.number} 稿的存储内容与其哈希不符（重算为 {recomputed[:12]}…），拒绝发布"]
    return publication_blockers(wf, load_case(s, draft.id))


def _revision_with_hash(s: Session, draft: Draft, content_hash: str) -> Revision:
    return s.scalars(
        select(Revision).where(Revision.draft_id == draft.id, Revision.content_hash == content_hash)
        .order_by(Revision.number.desc()).limit(1)
    ).one()


def _publication(s: Session, channel: str, draft: Draft, content_hash: str) -> Publication | None:
    return s.scalar(select(Publication).where(
        Publication.key == publication_key(channel, draft.id, content_hash)))


def _add_publication(s: Session, channel: str, draft: Draft, revision: int, content_hash: str) -> Publication:
    pub = Publication(draft_id=draft.id, revision=revision, content_hash=content_hash, channel=channel,
                      key=publication_key(channel, draft.id, content_hash), status="pending")
    s.add(pub)
    s.flush()
    return pub


def _refuse(s: Session, draft_id: int, content_hash: str, reasons: list[str], now: datetime) -> _Plan:
    append_event(s, action="publish.refused", actor="system",
                 draft_id=draft_id if s.get(Draft, draft_id) else None,
                 payload={"content_hash": content_hash, "reasons": reasons}, at=now)
    return _Plan(item=None, site_done=False, webhook_pending=False, refused=tuple(reasons))


def _record_site(p: Publisher, item: SiteItem, path: str, now: datetime) -> None:
    with transaction(p.engine) as s:
        draft = s.get(Draft, item.draft_id)
        pub = s.scalar(select(Publication).where(
            Publication.key == publication_key(SITE, item.draft_id, item.content_hash)))
        if pub.status == "done":
            return
        earlier = _site_publications(s, item.draft_id)
        pub.status, pub.path, pub.attempts = "done", path, pub.attempts + 1
        pub.published_at = datetime.fromisoformat(item.corrections[-1].at if item.corrections else item.published_at)
        if draft.status == DraftStatus.APPROVED and current_revision(s, draft).content_hash == item.content_hash:
            draft.status = DraftStatus.PUBLISHED
            if draft.published_at is None:  # a correction keeps the first publication time
                draft.published_at = pub.published_at
                if draft.expires_at is not None:  # 到期下线
                    enqueue(s, kind="expire", key=f"expire:{draft.id}", payload={"draft_id": draft.id},
                            now=now, available_at=max(draft.expires_at, now))
            draft.lock_version += 1
        append_event(s, action="draft.published", actor="system", draft_id=item.draft_id,
                     payload={"revision": item.revision, "content_hash": item.content_hash,
                              "channel": SITE, "path": path}, at=now)
        if earlier and item.corrections:
            before = earlier[-1]
            append_event(s, action="draft.corrected", actor="system", draft_id=item.draft_id, at=now,
                         payload={"revision": item.revision, "content_hash": item.content_hash,
                                  "note": item.corrections[-1].note, "first_published_at": item.published_at,
                                  "supersedes": {"revision": before.revision, "content_hash": before.content_hash,
                                                 "published_at": format_at(before.published_at)}})
        notify(s, [draft.author_id], draft_id=draft.id, kind="draft_published",
               message=f"您的稿件《{item.title}》已发布（第 {item.revision} 稿）", now=now)


def webhook_document(item: SiteItem, *, kind: str, path: str | None) -> dict:
    return {
        "event": "draft.published", "draft_id": item.draft_id, "revision": item.revision,
        "title": item.title, "body": item.body, "column": item.column, "kind": kind,
        "content_hash": item.content_hash, "published_at": item.published_at, "path": path,
    }


def _deliver_webhook(p: Publisher, item: SiteItem, now: datetime) -> None:
    key = publication_key(WEBHOOK, item.draft_id, item.content_hash)
    with transaction(p.engine, readonly=True) as s:
        if s.scalar(select(Publication.status).where(Publication.key == key)) == "done":
            return  # another run recorded the receiver's acknowledgement since this one looked
        draft = s.get(Draft, item.draft_id)
        site_pub = s.scalar(select(Publication).where(
            Publication.key == publication_key(SITE, item.draft_id, item.content_hash)))
        document = webhook_document(item, kind=draft.kind, path=site_pub.path if site_pub else None)
        _with_checkpoint(p, s, document, now)
    try:
        status = deliver(p.webhook, document, delivery_id=key)
    except WebhookError as exc:
        with transaction(p.engine) as s:
            s.execute(update(Publication).where(Publication.key == key).values(
                attempts=Publication.attempts + 1, last_error=str(exc)[:2000], status="failed"))
        raise
    with transaction(p.engine) as s:
        pub = s.scalar(select(Publication).where(Publication.key == key))
        if pub.status == "done":
            return
        pub.status, pub.attempts, pub.published_at, pub.last_error = "done", pub.attempts + 1, now, None
        append_event(s, action="webhook.delivered", actor="system", draft_id=item.draft_id,
                     payload={"content_hash": item.content_hash, "status": status,
                              "delivery": key}, at=now)


def _with_checkpoint(p: Publisher, s: Session, document: dict, now: datetime) -> dict:
    """Add a checkpoint of the audit chain's head (as ``s`` sees it), signed now, to ``document``."""
    if p.anchor is not None:
        try:
            document[MANIFEST_KEY] = p.anchor.checkpoint(s, now).to_json()
        except (OSError, ValueError):  # the key cannot be read or made: deliver without one (logged)
            log.exception("could not sign an audit checkpoint for the webhook")
    return document


def withdraw(p: Publisher, *, draft_id: int, now: datetime) -> Outcome:
    """Take a withdrawn draft off the site (and tell the webhook receiver)."""
    with transaction(p.engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.status != DraftStatus.WITHDRAWN:
            return Outcome.NOTHING
    entry = take_down_recorded(p.engine, p.site, draft_id, now=now, anchor=p.anchor)
    with transaction(p.engine) as s:
        done_before = s.scalar(select(AuditEvent.id).where(
            AuditEvent.draft_id == draft_id, AuditEvent.action == "site.withdrawn"))
        if done_before is None:
            last = s.scalar(select(Publication).where(
                Publication.draft_id == draft_id, Publication.channel == SITE, Publication.status == "done")
                .order_by(Publication.id.desc()).limit(1))
            append_event(s, action="site.withdrawn", actor="system", draft_id=draft_id,
                         payload={"path": entry.path if entry else (last.path if last else None),
                                  "content_hash": entry.content_hash if entry else (last.content_hash if last else None)},
                         at=now)
            notify(s, [draft.author_id], draft_id=draft_id, kind="draft_withdrawn",
                   message=f"您的稿件《{draft.title}》已撤稿，页面已从网站移除", now=now)
    if p.webhook is not None:
        _deliver_withdrawal(p, draft_id, now)
    return Outcome.WITHDRAWN


def expire(p: Publisher, *, draft_id: int, now: datetime) -> Outcome:
    """到期下线: a page past its expiry is withdrawn by the system, with the expiry as the reason
    (the same record and removal as a leader's 撤稿). Not before its time."""
    with transaction(p.engine) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.expires_at is None:
            return Outcome.NOTHING
        if now < draft.expires_at:
            raise NotDue(f"draft {draft_id} expires at {format_at(draft.expires_at)}")
        wf = p.workflows.of(s, draft)
        case = load_case(s, draft_id)
        if not case.live:
            return Outcome.NOTHING
        reason = f"到期下线（有效期至 {format_at(draft.expires_at)[:16].replace('T', ' ')} UTC）"
        events = [DraftWithdrawn(SYSTEM_USER, reason)]
        events += [StageClosed(stage.name, case.revision, VOIDED) for stage in open_stages(wf, case)]
        apply_events(s, draft, events, now=now, actor=SYSTEM_USER, workflow=wf)
    return withdraw(p, draft_id=draft_id, now=now)


def _deliver_withdrawal(p: Publisher, draft_id: int, now: datetime) -> None:
    """Tell the receiver once: an acknowledged delivery is recorded (``webhook.delivered``) and not sent again."""
    delivery = f"withdraw:{draft_id}"
    with transaction(p.engine, readonly=True) as s:
        if _delivered(s, draft_id, delivery):
            return
        document = _with_checkpoint(p, s, {"event": "draft.withdrawn", "draft_id": draft_id}, now)
    status = deliver(p.webhook, document, delivery_id=delivery)
    with transaction(p.engine) as s:
        if not _delivered(s, draft_id, delivery):
            append_event(s, action="webhook.delivered", actor="system", draft_id=draft_id,
                         payload={"event": "draft.withdrawn", "status": status, "delivery": delivery}, at=now)


def _delivered(s: Session, draft_id: int, delivery: str) -> bool:
    payloads = s.scalars(select(AuditEvent.payload).where(
        AuditEvent.draft_id == draft_id, AuditEvent.action == "webhook.delivered"))
    return any(payload.get("delivery") == delivery for payload in payloads)
