"""SQLModel tables: the system of record. Tables know data, not rules.

Times are timezone-aware UTC. JSON columns hold plain dicts/lists.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=64)
    display: str = Field(default="", max_length=64)
    dept: str = Field(default="", max_length=128)
    roles: str = Field(default="", max_length=256)  # comma-separated role names
    email: str | None = Field(default=None, max_length=256)
    password_hash: str | None = None
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    active: bool = True
    session_epoch: int = 0  # web sessions name it; bumped on sign-out, password, role or activity change
    created_at: datetime = Field(sa_type=UtcDateTime)


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)  # sha256 hex of the token
    created_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Draft(SQLModel, table=True):
    __table_args__ = (Index("ix_draft_status_urgent", "status", "urgent"),)
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    column: str = Field(default="", max_length=128, index=True)
    kind: str = Field(default="news", max_length=32)
    disclosure: str | None = Field(default=None, max_length=16)  # 主动公开 / 依申请公开 / 不予公开
    disclosure_reason: str | None = None
    disclosure_ground: str | None = Field(default=None, max_length=32)  # a disclosure.terms.WithholdGround value
    urgent: bool = False
    author_id: int = Field(foreign_key="user.id", index=True)
    department: str = Field(default="", max_length=128)
    interprets_id: int | None = Field(default=None, foreign_key="draft.id")  # an interpretation names its policy
    workflow_name: str = Field(max_length=64)
    workflow_version: str = Field(max_length=64)  # the WorkflowVersion the draft runs under
    status: str = Field(default="in_review", max_length=16, index=True)  # a lexicon.vocabulary.DraftStatus value
    current_revision: int = 1
    lock_version: int = 0  # optimistic lock: every transition bumps it
    submitted_at: datetime = Field(sa_type=UtcDateTime)
    deadline_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # end-to-end deadline for urgent drafts
    published_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    idempotency_key: str | None = Field(default=None, unique=True, max_length=128)
    publish_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # scheduled publication: not before
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # taken off the site then (with a record)


class WorkflowVersion(SQLModel, table=True):
    """A workflow definition as it was when drafts started under it (each draft pins one)."""

    version: str = Field(primary_key=True, max_length=64)  # declared version + hash of the text
    name: str = Field(max_length=64)
    toml: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UtcDateTime)


class Revision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("draft_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    number: int
    title: str = Field(max_length=500)
    body: str = Field(sa_column=Column(Text, nullable=False))
    meta: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64, index=True)
    author_id: int = Field(foreign_key="user.id")
    comment: str = ""
    created_at: datetime = Field(sa_type=UtcDateTime)


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size: int
    media_type: str = Field(default="application/octet-stream", max_length=128)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CheckReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    lexicon_version: str = Field(max_length=64)
    source: str = Field(default="submit", max_length=16)  # submit / links / recheck
    created_at: datetime = Field(sa_type=UtcDateTime)


class FindingRow(SQLModel, table=True):
    __tablename__ = "finding"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="checkreport.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int
    rule: str = Field(max_length=64)
    category: str = Field(max_length=16, index=True)
    severity: str = Field(max_length=8)
    start: int
    end: int
    text: str
    suggestion: str | None = None
    message: str
    superseded: bool = False  # a later report for the same revision replaced it
    # where it stands (a checking.located.Location): start and end count in the text checked there
    part: str = Field(default="body", max_length=16)  # title / body / attachment
    attachment: str | None = Field(default=None, max_length=255)  # the attachment's file name
    page: int | None = None  # of a PDF attachment, from 1
    sheet: str | None = Field(default=None, max_length=255)  # of a workbook attachment


class StageTask(SQLModel, table=True):
    """One stage of one revision of a draft: opened, then done, returned or voided."""

    __table_args__ = (
        Index("ix_stagetask_open", "status", "due_at"),
        Index("ix_stagetask_urgent_open", "status", "urgent", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int
    stage: str = Field(max_length=32)
    roles: str = Field(max_length=256)  # comma-separated roles that may sign, for the queue query
    urgent: bool = False  # the draft's, copied so the queue walks urgent tasks in due-time order
    status: str = Field(default="open", max_length=16)  # open / done / returned / voided
    opened_at: datetime = Field(sa_type=UtcDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class SignOff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int
    content_hash: str = Field(max_length=64)
    stage: str = Field(max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True)
    decision: str = Field(default="approve", max_length=16)  # approve / return
    comment: str = ""
    at: datetime = Field(sa_type=UtcDateTime)
    voided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # set by a return to an earlier stage or a new revision


class Waiver(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", unique=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    stage: str = Field(max_length=32)
    reason: str
    at: datetime = Field(sa_type=UtcDateTime)
    carried_from: int | None = None  # the waiver of the same finding on an earlier revision it carries over


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    kind: str = Field(max_length=32)
    message: str
    created_at: datetime = Field(sa_type=UtcDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    emailed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Publication(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int
    content_hash: str = Field(max_length=64)
    channel: str = Field(max_length=16)  # site / webhook
    key: str = Field(unique=True, max_length=160)  # idempotency: channel:draft:hash
    status: str = Field(default="pending", max_length=16)  # pending / done / failed
    path: str | None = None
    attempts: int = 0
    last_error: str | None = None
    published_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Outbox(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_ready", "done_at", "available_at"),
                      Index("ix_outbox_claim", "done_at", "priority", "available_at"))
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # check / route / publish / recheck / ...
    key: str = Field(unique=True, max_length=160)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UtcDateTime)
    available_at: datetime = Field(sa_type=UtcDateTime)
    attempts: int = 0
    claimed_by: str | None = None
    claimed_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # also set when it went dead
    dead_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)  # given up on (dead letter)
    last_error: str | None = None
    priority: int = Field(default=5, sa_column_kwargs={"server_default": "5"})  # lower is claimed first (outbox.PRIORITY)


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained. Triggers refuse UPDATE and DELETE."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(sa_type=UtcDateTime)
    actor: str | None = Field(default=None, max_length=64, index=True)
    action: str = Field(max_length=48, index=True)
    draft_id: int | None = Field(default=None, index=True)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class LexiconEntry(SQLModel, table=True):
    """An admin edit to the lexicon; merged over the files under lexicon/data/."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # banned / formulation / typo / allow / secrecy
    term: str = Field(max_length=200, index=True)
    correct: str | None = Field(default=None, max_length=200)
    category: str = Field(max_length=16)
    severity: str = Field(default="error", max_length=8)
    note: str = ""
    enabled: bool = True
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=UtcDateTime)


class LexiconRevision(SQLModel, table=True):
    """One row counting the admin's lexicon changes: a process whose checker was built at another
    count rebuilds its matchers before it checks again."""

    id: int | None = Field(default=None, primary_key=True)
    number: int = 0


class InfoRequest(SQLModel, table=True):
    """A 政府信息公开申请 (依申请公开), from receipt to archive. The applicant's personal data
    (name, ID number, contact) lives only here: lists, exports and the audit trail carry it masked."""

    __table_args__ = (Index("ix_inforequest_status_due", "status", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)  # a disclosure.terms.Channel value
    applicant_kind: str = Field(max_length=16)  # a disclosure.terms.ApplicantKind value
    organisation_kind: str | None = Field(default=None, max_length=16)  # OrganisationKind, for 法人或其他组织
    applicant_name: str = Field(max_length=200)
    applicant_id_number: str | None = Field(default=None, max_length=64)
    applicant_contact: str = Field(default="", max_length=500)
    description: str = Field(sa_column=Column(Text, nullable=False))  # the information asked for
    registered_at: datetime = Field(sa_type=UtcDateTime)
    received_on: date = Field(index=True)  # the day of receipt (条例第三十一条), Beijing calendar
    office: str = Field(default="", max_length=128)  # the handling office
    status: str = Field(default="registered", max_length=24, index=True)  # disclosure.terms.RequestStatus
    clock_start: date  # the day the working days run from: receipt, or receipt of the corrected request
    due_on: date | None = None  # None while the clock is stopped for 补正
    correction_since: datetime | None = Field(default=None, sa_type=UtcDateTime)
    extension_reason: str | None = None
    extension_requested_by: str | None = Field(default=None, max_length=64)
    extended: bool = False
    extension_approved_by: str | None = Field(default=None, max_length=64)
    reply_kind: str | None = Field(default=None, max_length=16)  # disclosure.terms.ReplyKind
    reply_ground: str | None = Field(default=None, max_length=32)  # the ground's stored value
    reply_explanation: str | None = None
    reply_draft_id: int | None = Field(default=None, foreign_key="draft.id")
    converted_draft_id: int | None = Field(default=None, foreign_key="draft.id")  # made 主动公开 on this request
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    sent_hash: str | None = Field(default=None, max_length=64)  # content hash of the reply sent
    answered_on: date | None = None  # the Beijing day the reply was sent
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    archive_digest: str | None = Field(default=None, max_length=64)  # SHA-256 over the trail at archiving
    warned_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_by: str = Field(max_length=64)
    lock_version: int = 0


class InfoRequestStep(SQLModel, table=True):
    """One step of a request's trail (also appended to the audit chain)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="inforequest.id", index=True)
    at: datetime = Field(sa_type=UtcDateTime)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=48)
    note: str = ""
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AnnualReportInput(SQLModel, table=True):
    """What admins enter for one year's 政府信息公开工作年度报告: the free-text sections and the figures
    sanshen does not hold (行政复议、行政诉讼; 行政许可、处罚、强制、收费)."""

    year: int = Field(primary_key=True)
    texts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    figures: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class SiteColumn(SQLModel, table=True):
    """A column (栏目) of the site's 主动公开目录; drafts are filed under one by its name.

    The name is the column's identity (drafts and their revisions' metadata carry it), so it is
    never renamed; retire a column by making it inactive."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    slug: str = Field(max_length=64, unique=True)  # its path on the site
    parent_id: int | None = Field(default=None, foreign_key="sitecolumn.id")
    kind: str = Field(default="other", max_length=16)  # a lexicon.vocabulary.ColumnKind value
    update_days: int = 180  # must publish at least once in this many days
    active: bool = True
    alert_level: str = Field(default="green", max_length=16)  # the freshness admins were last told of
    alerted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class SiteFile(SQLModel, table=True):
    """A file of the published site as sanshen last wrote it (the integrity monitor's reference).

    Pages and indexes keep their bytes here, so a tampered page is diffed and restored exactly as
    it was signed; an attachment's bytes stay in its ``attachment`` row (found by ``sha256``)."""

    # covers the integrity monitor's scan, so it never reads the stored bytes
    __table_args__ = (Index("ix_sitefile_check", "path", "sha256", "kind", "draft_id"),)
    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=512, unique=True)  # relative to the site root
    kind: str = Field(max_length=16)  # page / attachment / listing
    draft_id: int | None = Field(default=None, index=True)
    sha256: str = Field(max_length=64)
    size: int
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    recorded_at: datetime = Field(sa_type=UtcDateTime)


class LinkSweep(SQLModel, table=True):
    """One run of the site-wide link sweep. ``period`` is unique: of several workers scheduling
    the same period's sweep, only the one that inserts the row runs it."""

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(unique=True, max_length=64)  # "scheduled:<start of period>" or "manual:<time>"
    started_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    pages: int = 0
    links: int = 0  # distinct links probed
    dead: int = 0  # occurrences on pages (a link dead on two pages counts twice)
    moved: int = 0
    skipped: int = 0


class PageLink(SQLModel, table=True):
    """The latest verdict on one link of one published page (replaced by each sweep)."""

    id: int | None = Field(default=None, primary_key=True)
    sweep_id: int = Field(foreign_key="linksweep.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int
    url: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(max_length=8)  # alive / dead / moved / skipped
    final_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # where a moved link ends
    reason: str = ""
    checked_at: datetime = Field(sa_type=UtcDateTime)


class SiteSweep(SQLModel, table=True):
    """One site-wide re-check (存量信息排查) of the published pages: progress and result."""

    id: int | None = Field(default=None, primary_key=True)
    column: str | None = Field(default=None, max_length=128)  # only this column, or all
    trigger: str = Field(default="manual", max_length=16)  # manual / lexicon
    actor: str | None = Field(default=None, max_length=64)
    lexicon_version: str = Field(default="", max_length=64)
    started_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    total: int = 0
    done: int = 0
    pages_with_errors: int = 0
    error: str | None = None  # why the run stopped, when it failed


class SiteSweepPage(SQLModel, table=True):
    """A published page that has error findings under the sweep's lexicon."""

    id: int | None = Field(default=None, primary_key=True)
    sweep_id: int = Field(foreign_key="sitesweep.id", index=True)
    draft_id: int = Field(foreign_key="draft.id")
    revision: int
    column: str = Field(default="", max_length=128)
    title: str = Field(max_length=500)
    errors: int
    findings: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{rule, category, text, message, location}]


class TaskClaim(SQLModel, table=True):
    """Who holds an open stage task ("I am working on this"): others still see the task, with the
    holder's name, but it leaves their "next item". One holder per task; a claim of a task no longer
    open means nothing (the queue joins on open tasks)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="stagetask.id", unique=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    claimed_at: datetime = Field(sa_type=UtcDateTime)


class PassageComment(SQLModel, table=True):
    """A comment on a passage of one revision: the quoted span with some text either side, so it can
    be found again in later revisions (``review/anchors.py``); detached once the passage is gone."""

    __tablename__ = "passagecomment"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int  # the revision it was made on
    user_id: int = Field(foreign_key="user.id")
    stage: str | None = Field(default=None, max_length=32)  # the stage the commenter acted for, if any
    part: str = Field(default="body", max_length=16)  # title / body
    start: int  # in that revision's text
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    before: str = Field(default="", max_length=64)  # context for relocating the quote
    after: str = Field(default="", max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_type=UtcDateTime)


class SuggestedEdit(SQLModel, table=True):
    """留痕: a proposed change of one span (old text → new text, with a reason); the author (or a stage
    the workflow permits) accepts it, which makes a new revision, or rejects it."""

    __tablename__ = "suggestededit"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    revision: int  # the revision it was proposed on
    user_id: int = Field(foreign_key="user.id")
    stage: str | None = Field(default=None, max_length=32)
    part: str = Field(default="body", max_length=16)
    start: int
    end: int
    old_text: str = Field(sa_column=Column(Text, nullable=False))
    new_text: str = Field(sa_column=Column(Text, nullable=False))
    before: str = Field(default="", max_length=64)
    after: str = Field(default="", max_length=64)
    reason: str = ""
    status: str = Field(default="open", max_length=16)  # open / accepted / rejected / stale
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decision_note: str = ""
    made_revision: int | None = None  # the revision accepting it created
    at: datetime = Field(sa_type=UtcDateTime)


class RateHit(SQLModel, table=True):
    """One counted request of a rate-limited action (``bucket``, e.g. the REST check) by one key (a
    user name): the sliding window every web process counts in, pruned as the key asks again
    (storage/rate_window.py)."""

    __tablename__ = "ratehit"
    __table_args__ = (Index("ix_ratehit_window", "bucket", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=32)
    key: str = Field(max_length=128)
    at: datetime = Field(sa_type=UtcDateTime)


class CheckTiming(SQLModel, table=True):
    """The automated pass's latency histogram of every process (storage/check_timing.py): for one
    bucket (an index into ``BUCKETS``; the last is +Inf), how many passes fell in it and their seconds."""

    __tablename__ = "checktiming"
    bucket: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    observations: int = 0
    seconds: float = 0.0
