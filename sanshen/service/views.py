"""The views the service answers with; each one's JSON form (``model_dump(mode="json")``) is the
contract of the REST API and of the CLI's ``--json`` (docs/architecture.md §7), keys in field order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field

from checking.findings import Finding
from review.case import Actor
from sanshen.service.allowed import Allowed
from sanshen.service.viewmodel import Timestamp, View


class UserView(View):
    id: int = Field(exclude=True)
    name: str
    roles: tuple[str, ...]
    display: str
    dept: str
    email: str | None
    active: bool
    session_epoch: int = Field(0, exclude=True)  # the web sessions of this user must carry it
    locked_until: datetime | None = Field(None, exclude=True)  # web sign-in locked until then (admins see it)

    def actor(self) -> Actor:
        return Actor(name=self.name, roles=frozenset(self.roles))

    def has_role(self, role: str) -> bool:
        return role in self.roles


class LocationView(View):
    part: str = Field(description="title / body / attachment")
    attachment: str | None = Field(description="附件的文件名")
    page: int | None = Field(description="PDF 附件的页码（从 1 起）")
    sheet: str | None = Field(description="Excel 附件的工作表")
    label: str = Field(description="位置的中文说明，如：标题、正文、附件“名单.pdf”第 2 页")


class FindingView(View):
    id: int = Field(description="问题编号（豁免时使用）")
    rule: str
    category: str
    severity: str = Field(description="error / warning / info")
    start: int = Field(description="在所在位置的文字中的起始位置（按字符计，从 0 起）")
    end: int
    text: str
    suggestion: str | None
    message: str
    waived: bool
    location: LocationView = Field(description="问题所在：标题、正文或附件（及其页码、工作表）")


class DraftView(View):
    id: int
    title: str
    revision: int
    content_hash: str = Field(description="当前修订的 SHA-256 内容哈希；签批针对它")
    status: str = Field(description="in_review / returned / approved / published / withdrawn")
    kind: str
    column: str
    disclosure: str | None
    urgent: bool
    author: str
    submitted_at: Timestamp
    findings: tuple[FindingView, ...]


class SignOffView(View):
    user: str
    revision: int
    content_hash: str
    at: Timestamp
    comment: str


class StageView(View):
    name: str
    label: str
    status: str = Field(description="done / open / pending")
    quorum: int
    due_at: Timestamp | None
    signoffs: tuple[SignOffView, ...]


class AttachmentView(View):
    id: int
    name: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class AttachmentFile:  # a download, not JSON
    name: str
    media_type: str
    data: bytes


class DraftContent(DraftView):
    body: str
    disclosure_reason: str | None
    interprets: int | None = Field(description="本解读稿所解读的政策文件编号")
    interpretation: int | None = Field(description="本政策文件的解读稿编号")
    deadline_at: Timestamp | None
    stages: tuple[StageView, ...]
    blockers: tuple[str, ...] = Field(description="发布前还需满足的条件")
    diff: str | None = Field(description="与当前用户上次签批的修订相比的差异")
    diff_from: int | None = Field(description="差异的起点：当前用户上次签批的修订号")
    attachments: tuple[AttachmentView, ...]


# The draft with its content, and what the acting user may do on it now. Allowed is the first
# base so that its fields come last: Pydantic orders fields by the reversed MRO.
class DraftDetail(Allowed, DraftContent):
    pass


class QueueItem(View):
    id: int
    title: str
    stage: str
    label: str
    due_at: Timestamp | None
    urgent: bool
    overdue: bool
    author: str = Field("", description="稿件作者（用户名）")
    errors: int = Field(0, description="当前版本未处理（未豁免）的错误级问题数")
    waiting_since: Timestamp | None = Field(None, description="本环节开启（开始等待）的时间")
    claimed_by: str | None = Field(None, description="认领了本任务的用户；未认领为 null")


class AuditView(View):
    seq: int
    at: Timestamp
    actor: str | None
    action: str
    draft_id: int | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class AuditChainView(View):
    ok: bool
    checked: int = Field(description="已校验的记录数")
    first_broken_seq: int | None = Field(description="第一条断裂的记录序号")
    reason: str | None


class NotificationView(View):
    id: int
    draft_id: int | None
    kind: str
    message: str
    created_at: Timestamp
    read: bool


class LexiconEntryView(View):
    id: int
    kind: str
    term: str
    correct: str | None
    category: str
    severity: str
    note: str
    enabled: bool
    created_by: str | None
    created_at: Timestamp


# The automated pass's report (checking.Report) as the REST API answers it.
class CheckReportView(View):
    lexicon_version: str
    blocking: bool
    findings: tuple[Finding, ...]


class DraftRow(View):
    """One draft in a list (all drafts, published)."""

    id: int
    title: str
    status: str
    kind: str
    column: str
    author: str
    revision: int
    urgent: bool
    submitted_at: Timestamp
    published_at: Timestamp | None
    open_stages: tuple[str, ...] = Field(description="当前版本正在进行的环节")
    errors: int = Field(description="当前版本未处理（未豁免）的错误级问题数")


class DraftPage(View):
    items: tuple[DraftRow, ...]
    page: int = Field(description="页码，从 1 起")
    per_page: int
    total: int = Field(description="符合筛选条件的稿件总数")


class HandledItem(View):
    """Something the user signed or returned (已办)."""

    draft_id: int
    title: str
    stage: str
    decision: str = Field(description="approve 签批 / return 退回")
    revision: int
    at: Timestamp
    comment: str
    status: str = Field(description="稿件现在的状态")
    voided: bool = Field(description="签批已因新版本或退回而作废")


class ClaimView(View):
    draft_id: int
    stage: str
    user: str
    claimed_at: Timestamp


class DiffPiece(View):
    kind: str = Field(description="same 未变 / del 删除 / ins 插入")
    text: str


class DiffLine(View):
    kind: str = Field(description="same 未变 / chg 行内有改动 / del 整行删除 / ins 整行插入")
    old_no: int | None = Field(description="在旧版本中的行号（从 1 起）")
    new_no: int | None = Field(description="在新版本中的行号（从 1 起）")
    pieces: tuple[DiffPiece, ...]


class DiffStats(View):
    changed: int = Field(description="行内有改动的行数")
    deleted: int = Field(description="整行删除的行数")
    inserted: int = Field(description="整行插入的行数")


class RevisionView(View):
    number: int
    title: str
    content_hash: str
    author: str
    comment: str
    created_at: Timestamp
    body: str | None = Field(description="正文（列表中省略）")


class RevisionDiffView(View):
    draft_id: int
    from_revision: int
    to_revision: int
    title_changed: bool
    old_title: str
    new_title: str
    stats: DiffStats
    lines: tuple[DiffLine, ...]
