"""The views the service answers with; each one's JSON form (``model_dump(mode="json")``) is the
contract of the REST API and of the CLI's ``--json`` (docs/architecture.md §7), keys in field order."""

from __future__ import annotations

from dataclasses import dataclass
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


class OutboxItemView(View):
    id: int
    kind: str
    key: str
    state: str = Field(description="pending 待执行 / claimed 执行中 / dead 已放弃 / done 已完成")
    attempts: int
    created_at: Timestamp
    available_at: Timestamp
    claimed_by: str | None
    dead_at: Timestamp | None
    last_error: str | None
