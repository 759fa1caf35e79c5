"""The running state of one draft in review: what the transitions read, never write.

A ``Case`` is a frozen snapshot built from storage rows (``casestore/load.py``); the
transitions in ``review.transitions`` look at it and answer with events or a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from checking.findings import Finding
from checking.located import BODY, Location
from lexicon.vocabulary import DraftStatus

SYSTEM_USER = "system"  # signs the automated stages


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class SignOffRecord:
    stage: str
    user: str
    revision: int
    content_hash: str
    at: datetime


@dataclass(frozen=True)
class OpenFinding:
    id: int
    finding: Finding
    waived: bool
    location: Location = BODY


@dataclass(frozen=True)
class Case:
    draft_id: int
    author: str
    kind: str
    disclosure: str | None
    disclosure_reason: str | None
    urgent: bool
    status: DraftStatus
    revision: int
    content_hash: str
    submitted_at: datetime
    deadline_at: datetime | None
    signoffs: tuple[SignOffRecord, ...]  # every non-voided approval on record, all revisions
    findings: tuple[OpenFinding, ...]  # findings of the current revision
    stage_opened_at: Mapping[str, datetime]  # open stages of the current revision -> opened time
    interpretation: Case | None = None  # for a policy draft: its interpretation's case
    # Voided approvals still count for separation of duties: whoever signed 初审 of a draft
    # never signs its 复审, even after a revision voided that 初审.
    voided_signoffs: tuple[SignOffRecord, ...] = field(default=())
    # A version of this draft is on the site now (published, not withdrawn): a new revision is a
    # correction (更正) of it, and it can be taken down even while that revision is in review.
    live: bool = False

    def current_signoffs(self) -> tuple[SignOffRecord, ...]:
        """Approvals that count: those naming the current revision's content hash."""
        return tuple(
            s for s in self.signoffs if s.revision == self.revision and s.content_hash == self.content_hash
        )

    def signers(self, stage: str) -> frozenset[str]:
        """Distinct users whose approval of ``stage`` counts on the current hash."""
        return frozenset(s.user for s in self.current_signoffs() if s.stage == stage)

    def stages_signed_by(self, user: str) -> frozenset[str]:
        """Every stage this user ever approved on this draft, voided or not, any revision."""
        return frozenset(s.stage for s in (*self.signoffs, *self.voided_signoffs) if s.user == user)
