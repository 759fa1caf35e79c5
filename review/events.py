"""Events the transitions cause: each one becomes an audit record (and drives the storage writes).

Every event has a stable ``action`` name and a JSON-safe ``payload()``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import ClassVar


def _json_safe(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, frozenset | set):
        return sorted(_json_safe(v) for v in value)
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    return value


@dataclass(frozen=True)
class Event:
    action: ClassVar[str] = "event"

    def payload(self) -> dict:
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class DraftSubmitted(Event):
    action: ClassVar[str] = "draft.submitted"
    user: str
    revision: int
    content_hash: str
    kind: str
    disclosure: str | None
    urgent: bool
    deadline_at: datetime | None
    workflow: str
    workflow_version: str


@dataclass(frozen=True)
class StageOpened(Event):
    action: ClassVar[str] = "stage.opened"
    stage: str
    revision: int
    roles: tuple[str, ...]
    due_at: datetime


@dataclass(frozen=True)
class StageSigned(Event):
    action: ClassVar[str] = "stage.signed"
    stage: str
    user: str
    revision: int
    content_hash: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class StageClosed(Event):
    action: ClassVar[str] = "stage.closed"
    stage: str
    revision: int
    outcome: str  # done / returned / voided


@dataclass(frozen=True)
class DraftReturned(Event):
    action: ClassVar[str] = "draft.returned"
    user: str
    from_stage: str
    to_stage: str | None  # None: back to the author
    comment: str


@dataclass(frozen=True)
class RevisionCreated(Event):
    action: ClassVar[str] = "revision.created"
    revision: int
    content_hash: str
    user: str
    comment: str


@dataclass(frozen=True)
class CheckQueued(Event):
    """The revision waits for its automated pass (检查中): nobody signs it before the pass is done."""

    action: ClassVar[str] = "check.queued"
    revision: int
    content_hash: str


@dataclass(frozen=True)
class CheckCompleted(Event):
    """The automated pass of the revision is recorded; its review starts."""

    action: ClassVar[str] = "check.completed"
    revision: int
    content_hash: str
    lexicon_version: str
    findings: int
    errors: int


@dataclass(frozen=True)
class SignoffsVoided(Event):
    action: ClassVar[str] = "signoffs.voided"
    revision: int  # the revision whose approvals no longer count
    stages: tuple[str, ...]


@dataclass(frozen=True)
class FindingWaived(Event):
    action: ClassVar[str] = "finding.waived"
    finding_id: int
    stage: str
    user: str
    reason: str


@dataclass(frozen=True)
class DraftApproved(Event):
    action: ClassVar[str] = "draft.approved"
    revision: int
    content_hash: str


@dataclass(frozen=True)
class DraftWithdrawn(Event):
    action: ClassVar[str] = "draft.withdrawn"
    user: str
    reason: str


@dataclass(frozen=True)
class StageEscalated(Event):
    action: ClassVar[str] = "stage.escalated"
    stage: str
    revision: int
    to_roles: tuple[str, ...]


@dataclass(frozen=True)
class DisclosureChanged(Event):
    """公开属性 re-decided (with its reason): the change makes a new revision, reviewed from the start."""

    action: ClassVar[str] = "draft.disclosure_changed"
    user: str
    revision: int  # the revision that carries the new attribute
    before: str | None
    after: str
    ground: str | None  # a disclosure.terms.WithholdGround value, for 不予公开
    reason: str
    request_id: int | None  # the 依申请公开 request that led to it, if one did


@dataclass(frozen=True)
class SignoffCarried(Event):
    """A sign-off the workflow keeps across a revision (``keep_signoffs``), re-recorded on the new hash."""

    action: ClassVar[str] = "signoff.carried"
    stage: str
    signer: str
    from_revision: int
    revision: int
    content_hash: str
    change: str  # review.change.ChangeKind
    signed_at: datetime


@dataclass(frozen=True)
class WaiverCarried(Event):
    """A waiver of a finding whose text and context a new revision left unchanged."""

    action: ClassVar[str] = "finding.waiver_carried"
    finding_id: int
    from_finding_id: int
    revision: int
    stage: str
    waived_by: str
    reason: str


@dataclass(frozen=True)
class CommentAdded(Event):
    action: ClassVar[str] = "comment.added"
    comment_id: int
    user: str
    revision: int
    stage: str | None
    quote: str
    text: str


@dataclass(frozen=True)
class EditSuggested(Event):
    action: ClassVar[str] = "suggestion.made"
    suggestion_id: int
    user: str
    revision: int
    stage: str | None
    old_text: str
    new_text: str
    reason: str


@dataclass(frozen=True)
class SuggestionDecided(Event):
    action: ClassVar[str] = "suggestion.decided"
    suggestion_id: int
    user: str
    accepted: bool
    note: str
    made_revision: int | None
