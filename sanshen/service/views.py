"""Frozen views returned by the service; ``to_dict()`` gives the JSON contract of DESIGN §7."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from review.case import Actor
from sanshen.service.allowed import Allowed


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    display: str
    dept: str
    roles: tuple[str, ...]
    email: str | None
    active: bool
    session_epoch: int = 0  # the web sessions of this user must carry it (not part of the JSON)

    def actor(self) -> Actor:
        return Actor(name=self.name, roles=frozenset(self.roles))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "roles": list(self.roles),
            "display": self.display,
            "dept": self.dept,
            "email": self.email,
            "active": self.active,
        }


@dataclass(frozen=True)
class FindingView:
    id: int
    rule: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    suggestion: str | None
    message: str
    waived: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "message": self.message,
            "waived": self.waived,
        }


@dataclass(frozen=True)
class DraftView:
    id: int
    title: str
    revision: int
    content_hash: str
    status: str
    kind: str
    column: str
    disclosure: str | None
    urgent: bool
    author: str
    submitted_at: datetime
    findings: tuple[FindingView, ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "revision": self.revision,
            "content_hash": self.content_hash,
            "status": self.status,
            "kind": self.kind,
            "column": self.column,
            "disclosure": self.disclosure,
            "urgent": self.urgent,
            "author": self.author,
            "submitted_at": iso(self.submitted_at),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class SignOffView:
    user: str
    revision: int
    content_hash: str
    at: datetime
    comment: str

    def to_dict(self) -> dict:
        return {
            "user": self.user,
            "revision": self.revision,
            "content_hash": self.content_hash,
            "at": iso(self.at),
            "comment": self.comment,
        }


@dataclass(frozen=True)
class StageView:
    name: str
    label: str
    status: str  # done / open / pending
    quorum: int
    due_at: datetime | None
    signoffs: tuple[SignOffView, ...]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "status": self.status,
            "quorum": self.quorum,
            "due_at": iso(self.due_at),
            "signoffs": [s.to_dict() for s in self.signoffs],
        }


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    size: int
    sha256: str
    media_type: str

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "size": self.size, "sha256": self.sha256,
                "media_type": self.media_type}


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class DraftDetail:
    draft: DraftView
    body: str
    disclosure_reason: str | None
    interprets: int | None
    interpretation: int | None
    deadline_at: datetime | None
    stages: tuple[StageView, ...]
    blockers: tuple[str, ...]
    diff: str | None
    diff_from: int | None  # the revision the diff starts from
    attachments: tuple[AttachmentView, ...]
    allowed: Allowed  # what the acting user may do now, by the review rules (the server still guards)

    def to_dict(self) -> dict:
        d = self.draft.to_dict()
        d.update({
            "body": self.body,
            "disclosure_reason": self.disclosure_reason,
            "interprets": self.interprets,
            "interpretation": self.interpretation,
            "deadline_at": iso(self.deadline_at),
            "stages": [s.to_dict() for s in self.stages],
            "blockers": list(self.blockers),
            "diff": self.diff,
            "diff_from": self.diff_from,
            "attachments": [a.to_dict() for a in self.attachments],
            **self.allowed.to_dict(),
        })
        return d


@dataclass(frozen=True)
class QueueItem:
    id: int
    title: str
    stage: str
    label: str
    due_at: datetime | None
    urgent: bool
    overdue: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "stage": self.stage,
            "label": self.label,
            "due_at": iso(self.due_at),
            "urgent": self.urgent,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class AuditView:
    seq: int
    at: datetime
    actor: str | None
    action: str
    draft_id: int | None
    payload: dict
    prev_hash: str
    hash: str

    def to_dict(self) -> dict:
        return {
            "seq": self.seq,
            "at": iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "draft_id": self.draft_id,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class NotificationView:
    id: int
    draft_id: int | None
    kind: str
    message: str
    created_at: datetime
    read: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "draft_id": self.draft_id,
            "kind": self.kind,
            "message": self.message,
            "created_at": iso(self.created_at),
            "read": self.read,
        }


@dataclass(frozen=True)
class LexiconEntryView:
    id: int
    kind: str
    term: str
    correct: str | None
    category: str
    severity: str
    note: str
    enabled: bool
    created_by: str | None
    created_at: datetime

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "term": self.term,
            "correct": self.correct,
            "category": self.category,
            "severity": self.severity,
            "note": self.note,
            "enabled": self.enabled,
            "created_by": self.created_by,
            "created_at": iso(self.created_at),
        }
