"""A draft's rows read into the :class:`review.case.Case` the transitions act on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlmodel import Session

from checking.findings import Finding
from checking.located import Location, Part
from lexicon.vocabulary import DraftKind, DraftStatus
from review.case import Case, OpenFinding, SignOffRecord
from review.revision import HASH_DEFINITION, content_hash, verified_definition
from storage.models import (
    Attachment,
    Draft,
    FindingRow,
    Revision,
    SignOff,
    StageTask,
    User,
    Waiver,
)


def revision_files(session: Session, revision: Revision) -> list[tuple[str, str]]:
    """(file name, SHA-256) of each attachment of a stored revision: what its hash covers."""
    return [(name, sha) for name, sha in session.execute(
        select(Attachment.filename, Attachment.sha256).where(Attachment.revision_id == revision.id))]


def revision_content_hash(session: Session, revision: Revision) -> str:
    """Recompute a stored revision's hash from its rows (the publisher's check), under the hash
    definition its stored hash was made with (review/revision.py; a revision stored before file
    names were hashed verifies under definition 1); under the current one when no definition gives
    the stored hash (the rows are not what was signed)."""
    files = revision_files(session, revision)
    definition = verified_definition(revision.content_hash, revision.title, revision.body, files, revision.meta)
    return content_hash(revision.title, revision.body, files, revision.meta, definition=definition or HASH_DEFINITION)


def current_revision(session: Session, draft: Draft) -> Revision:
    return session.scalars(_REVISION, {"draft_id": draft.id, "number": draft.current_revision}).one()


_REVISION = select(Revision).where(Revision.draft_id == bindparam("draft_id"),
                                   Revision.number == bindparam("number"))  # built once


def interpretation_of(session: Session, policy_id: int) -> Draft | None:
    """The live interpretation draft that names this policy (the newest one)."""
    return session.scalars(
        select(Draft)
        .where(Draft.interprets_id == policy_id, Draft.status != DraftStatus.WITHDRAWN)
        .order_by(Draft.id.desc())
        .limit(1)
    ).first()


# The statements of load_case, built once (statements are immutable): every sign, return and show
# runs them, and building a statement and its cache key costs about as much as running it.
_DRAFT_HEAD = (
    select(Draft, User.name, select(Revision.content_hash)
           .where(Revision.draft_id == Draft.id, Revision.number == Draft.current_revision)
           .scalar_subquery())
    .join(User, User.id == Draft.author_id)
    .where(Draft.id == bindparam("draft_id"))
)


@dataclass(frozen=True)
class DraftHead:
    """A draft's row with its author's name and its current revision's hash, read in one statement."""

    draft: Draft
    author: str
    content_hash: str


def load_head(session: Session, draft_id: int) -> DraftHead | None:
    row = session.execute(_DRAFT_HEAD, {"draft_id": draft_id}).first()
    return DraftHead(*row) if row is not None else None


# Columns, not entities, where the rows only become the Case's records: no identity map, no instances.
_APPROVALS = (
    select(SignOff.stage, SignOff.revision, SignOff.content_hash, SignOff.at, SignOff.voided_at, User.name)
    .join(User, User.id == SignOff.user_id)
    .where(SignOff.draft_id == bindparam("draft_id"), SignOff.decision == "approve")
    .order_by(SignOff.at, SignOff.id)
)
_FINDINGS = (
    select(FindingRow.id, FindingRow.rule, FindingRow.category, FindingRow.severity, FindingRow.start,
           FindingRow.end, FindingRow.text, FindingRow.suggestion, FindingRow.message, FindingRow.part,
           FindingRow.attachment, FindingRow.page, FindingRow.sheet, Waiver.id.label("waiver_id"))
    .outerjoin(Waiver, Waiver.finding_id == FindingRow.id)
    .where(
        FindingRow.draft_id == bindparam("draft_id"),
        FindingRow.revision == bindparam("revision"),
        FindingRow.superseded.is_(False),
    )
    .order_by(FindingRow.start, FindingRow.id)
)
_OPEN_TASKS = select(StageTask.stage, StageTask.opened_at).where(
    StageTask.draft_id == bindparam("draft_id"),
    StageTask.revision == bindparam("revision"),
    StageTask.status == "open",
)


def load_case(session: Session, draft_id: int, *, with_interpretation: bool = True,
              head: DraftHead | None = None) -> Case:
    """The draft's case; ``head``, when the caller has read it already (:func:`load_head`), is not read again."""
    head = head or load_head(session, draft_id)
    if head is None:
        raise LookupError(f"draft {draft_id} does not exist")
    draft = head.draft
    at = {"draft_id": draft_id, "revision": draft.current_revision}

    signoffs: list[SignOffRecord] = []
    voided: list[SignOffRecord] = []
    for s in session.execute(_APPROVALS, {"draft_id": draft_id}):
        record = SignOffRecord(stage=s.stage, user=s.name, revision=s.revision, content_hash=s.content_hash, at=s.at)
        (signoffs if s.voided_at is None else voided).append(record)
    findings = tuple(sorted((
        OpenFinding(id=row.id, finding=finding_of(row), waived=row.waiver_id is not None, location=location_of(row))
        for row in session.execute(_FINDINGS, at)
    ), key=lambda of: of.location.sort_key))
    opened = {t.stage: t.opened_at for t in session.execute(_OPEN_TASKS, at)}
    interpretation = None
    if with_interpretation and draft.kind == DraftKind.POLICY:
        interp = interpretation_of(session, draft_id)
        if interp is not None:
            interpretation = load_case(session, interp.id, with_interpretation=False)
    return Case(
        draft_id=draft.id,
        author=head.author,
        kind=draft.kind,
        disclosure=draft.disclosure,
        disclosure_reason=draft.disclosure_reason,
        urgent=draft.urgent,
        status=DraftStatus(draft.status),
        revision=draft.current_revision,
        content_hash=head.content_hash,
        submitted_at=draft.submitted_at,
        deadline_at=draft.deadline_at,
        signoffs=tuple(signoffs),
        findings=findings,
        stage_opened_at=opened,
        interpretation=interpretation,
        voided_signoffs=tuple(voided),
        live=draft.published_at is not None and draft.status != DraftStatus.WITHDRAWN,
    )


def finding_of(row: FindingRow) -> Finding:
    return Finding.from_dict({
        "rule": row.rule, "category": row.category, "severity": row.severity,
        "start": row.start, "end": row.end, "text": row.text,
        "suggestion": row.suggestion, "message": row.message,
    })


def location_of(row: FindingRow) -> Location:
    return Location(Part(row.part), row.attachment, row.page, row.sheet)
