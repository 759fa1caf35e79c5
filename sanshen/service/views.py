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
    disclosure_ground: str | None = Field(description="不予公开的法定依据（disclosure.terms.WithholdGround 的值）")
    interprets: int | None = Field(description="本解读稿所解读的政策文件编号")
    interpretation: int | None = Field(description="本政策文件的解读稿编号")
    deadline_at: Timestamp | None
    publish_at: Timestamp | None = Field(None, description="定时发布时间：到时且各关口仍满足才发布")
    expires_at: Timestamp | None = Field(None, description="到期下线时间：到时从网站撤下并留记录")
    live: bool = Field(False, description="网站上有本稿件的页面（修改即为更正，须写更正说明）")
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


class SignOffBrief(View):
    stage: str
    user: str
    display: str = Field(description="签批人的显示名")
    revision: int
    at: Timestamp


class RevisionPreview(View):
    change: str = Field(description="punctuation（仅标点符号）/ content（内容）")
    change_label: str
    voided: tuple[SignOffBrief, ...] = Field(description="保存后将作废的签批")
    kept: tuple[SignOffBrief, ...] = Field(description="按流程规则保留（沿用到新版本）的签批")


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
    anchor: str = Field("unanchored", description="与签名检查点的核对结果：anchored 完整 / unanchored 尚无检查点 / "
                                                   "truncated 末尾被截去 / rewritten 被改写 / forged 检查点签名无效")
    checkpoint_seq: int | None = Field(None, description="最近检查点所记的事件序号 N")
    checkpoint_at: Timestamp | None = Field(None, description="最近检查点的签发时间")
    after_checkpoint: int | None = Field(None, description="检查点之后的事件数")
    checkpoint_message: str = Field("", description="与检查点核对的中文说明（链本身断裂时为空）")
    summary: str = Field("", description="核对结果的中文说明")


class AuditKeyView(View):
    key_id: str = Field(description="公钥的标识（原始公钥 SHA-256 的前 16 位十六进制数）")
    public_key: str = Field(description="Ed25519 公钥，64 位十六进制数（python storage/chain.py 导出文件 --key 用它核对）")
    public_key_pem: str
    key_file: str = Field(description="私钥文件的位置（私钥本身从不显示）")


class CheckpointView(View):
    seq: int = Field(description="检查点所记的最后一条事件的序号 N")
    hash: str = Field(description="第 N 条事件的链哈希")
    at: Timestamp
    key_id: str
    signature: str


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


class CheckedFindingView(View):
    """A finding of `check` over a title, a body and attachments, with where it stands."""

    rule: str
    category: str
    severity: str = Field(description="error / warning / info")
    start: int = Field(description="在所在位置的文字中的起始位置（按字符计，从 0 起）")
    end: int
    text: str
    suggestion: str | None
    message: str
    location: LocationView = Field(description="问题所在：标题、正文或附件（及其页码、工作表）")
    line: int = Field(description="在所在位置的文字中的行号（从 1 起）")
    column: int = Field(description="列号（从 1 起）")


# The automated pass's report (checking.Report) as the REST API answers it.
class CheckReportView(View):
    lexicon_version: str
    blocking: bool = Field(description="标题、正文或任一附件中有“错误”级问题")
    findings: tuple[Finding, ...] = Field(description="正文的问题（位置按正文计）")
    located: tuple[CheckedFindingView, ...] = Field(
        (), description="标题、正文和附件的全部问题，各带位置（给出标题或附件时）")


class RequestStepView(View):
    at: Timestamp
    actor: str
    action: str = Field(description="registered / assigned / correction_asked / resumed / extension_asked / extended / reply_drafted / sent / archived / warned / escalated …")
    label: str
    note: str


class RequestView(View):
    """A 政府信息公开申请 as lists and exports show it: the applicant's personal data masked."""

    id: int
    status: str = Field(description="registered / assigned / awaiting_correction / replying / sent / archived")
    status_label: str
    channel: str
    channel_label: str
    applicant_kind: str
    applicant_kind_label: str
    applicant: str = Field(description="申请人（自然人姓名已打码）")
    description: str
    received_on: str = Field(description="收到申请之日（条例第三十一条），北京时间日期")
    office: str
    due_on: str | None = Field(description="答复期限的最后一日；补正中止计时期间为空")
    working_days_left: int | None = Field(description="距期限的工作日数（负数为已超期）")
    overdue: bool
    clock_stopped: bool = Field(description="待申请人补正，计时中止")
    extended: bool
    reply_kind: str | None
    reply_kind_label: str | None
    reply_ground_label: str | None
    reply_draft: int | None = Field(description="答复书稿件编号")
    deadline_problem: str | None = Field(description="期限无法计算时的原因")


class RequestDetail(RequestView):
    applicant_name: str = Field(description="信息公开专员与管理员看到全文，其他人看到打码后的")
    applicant_id_number: str | None
    applicant_contact: str
    organisation_kind_label: str | None
    receipt_rule: str = Field(description="条例第三十一条对本渠道收到之日的规定")
    extension_reason: str | None
    extension_requested_by: str | None
    extension_approved_by: str | None
    reply_explanation: str | None
    reply_status: str | None = Field(description="答复书稿件的状态")
    converted_draft: int | None = Field(description="因本申请转为主动公开的稿件编号")
    sent_at: Timestamp | None
    archived_at: Timestamp | None
    archive_digest: str | None = Field(description="归档时对办理记录计算的 SHA-256")
    steps: tuple[RequestStepView, ...]


class ReportCellView(View):
    count: float
    ids: tuple[int, ...] = Field(description="所计记录的编号（申请编号或稿件编号）")


class ReportRowView(View):
    key: str
    label: str
    level: int = Field(description="0：一级（一、二…）；1：（一）（二）…；2：1. 2. …")
    cells: dict[str, ReportCellView] = Field(description="按列（person、business…、total）")


class DocumentRowView(View):
    kind: str
    label: str
    made: ReportCellView = Field(description="本年制发件数")
    repealed: ReportCellView = Field(description="本年废止件数")
    in_force: ReportCellView = Field(description="现行有效件数")


class FigureView(View):
    key: str
    label: str
    unit: str
    value: float | None = Field(description="管理员填报的数值；未填报为空")


class AnnualReportView(View):
    year: int
    organisation: str
    texts: dict[str, str] = Field(description="一、五、六的文字（overview / problems / other）")
    documents: tuple[DocumentRowView, ...] = Field(description="二、主动公开：规章、行政规范性文件")
    published: tuple[DocumentRowView, ...] = Field(description="本年主动公开发布的稿件，按类型")
    entered: tuple[FigureView, ...] = Field(description="二、管理员填报：行政许可、处罚、强制、收费")
    request_columns: tuple[tuple[str, str], ...]
    requests: tuple[ReportRowView, ...] = Field(description="三、收到和处理政府信息公开申请情况")
    reconciles: bool = Field(description="新收 + 上年结转 = 办理结果总计 + 结转下年度（每列）")
    litigation: tuple[FigureView, ...] = Field(description="四、行政复议、行政诉讼（管理员填报）")
    missing: tuple[str, ...] = Field(description="尚未填写或填报的项目")


class ColumnView(View):
    """A column (栏目) of the site's registry."""

    name: str
    slug: str = Field(description="栏目在网站上的路径")
    parent: str | None = Field(description="上级栏目名称")
    kind: str = Field(description="home / news / notice / policy / personnel / plan / other")
    kind_label: str
    update_days: int = Field(description="更新要求：至少每多少天发布一次")
    active: bool


class ColumnFreshnessView(View):
    name: str
    kind: str
    update_days: int
    last_published_at: Timestamp | None = Field(description="栏目（含下级栏目）在网站上最新一篇的首次发布时间")
    due_at: Timestamp | None = Field(description="最迟应再次发布的时间")
    days_since: float | None = Field(description="距最近一次发布的天数")
    status: str = Field(description="green 正常 / due_soon 即将超期 / overdue 已超期")
    status_label: str
    blank: bool = Field(description="空白栏目：没有在网站上的内容，或超过更新要求未发布")


class FreshnessView(View):
    at: Timestamp
    columns: tuple[ColumnFreshnessView, ...]
    overdue: int
    due_soon: int
    blank_count: int
    blank_limit: int = Field(description="空白栏目达到此数即单项否决")
    home_overdue: bool
    vetoed: bool = Field(description="按检查指标将被单项否决（首页超期未更新，或空白栏目达到上限）")


class IntegrityProblemView(View):
    kind: str = Field(description="modified / missing / added / manifest / http_modified / http_missing")
    label: str = Field(description="中文说明，如：被改动、被删除、被添加")
    path: str = Field(description="站点中的相对路径")
    draft_id: int | None
    expected_sha256: str | None = Field(description="发布时记录的 SHA-256（数据库）")
    found_sha256: str | None = Field(description="现在读到的 SHA-256")
    diff: str = Field(description="与签发版本的差异（unified diff）")


class IntegrityView(View):
    ok: bool
    checked: int = Field(description="核对的已发布文件数")
    over_http: bool = Field(description="是否另经 HTTP 读取了对外网站")
    problems: list[IntegrityProblemView]


class RestoreView(View):
    target: str
    rewritten: list[str] = Field(description="写回签发版本的文件")
    removed: list[str] = Field(description="移除的非 sanshen 写出的文件")
    manifest_fixed: list[int] = Field(description="清单中恢复的稿件")


class LinkProblemView(View):
    draft_id: int
    title: str
    column: str
    url: str
    state: str = Field(description="dead 无法访问 / moved 已跳转")
    reason: str
    final_url: str | None = Field(description="已跳转链接的最终地址")


class ColumnLinksView(View):
    column: str = Field(description="栏目（稿件的栏目，未填为空）")
    pages: int = Field(description="含链接的已发布页面数")
    links: int
    dead: int
    moved: int
    skipped: int = Field(description="内网或保留地址，未检查")


class LinkReportView(View):
    sweep_id: int
    started_at: Timestamp
    finished_at: Timestamp | None
    pages: int = Field(description="巡检的已发布页面数")
    links: int = Field(description="探测的不同链接数")
    dead: int = Field(description="页面上的死链处数")
    moved: int
    skipped: int
    max_dead: int = Field(description="死链阈值（SANSHEN_LINK_SWEEP_MAX_DEAD）")
    over_threshold: bool
    columns: tuple[ColumnLinksView, ...]
    problems: tuple[LinkProblemView, ...]


class SweepFindingView(View):
    rule: str
    category: str
    text: str
    message: str
    location: str = Field(description="问题所在的中文说明（标题、正文、附件…）")


class SweepPageView(View):
    draft_id: int
    title: str
    column: str
    revision: int = Field(description="已发布的修订号")
    errors: int
    findings: tuple[SweepFindingView, ...]


class SweepColumnView(View):
    column: str
    pages_with_errors: int
    errors: int


class SiteSweepView(View):
    id: int
    state: str = Field(description="queued 排队中 / running 进行中 / done 完成 / failed 失败")
    trigger: str = Field(description="manual 手动 / lexicon 词库变更")
    column: str | None = Field(description="只复查此栏目；空为全站")
    actor: str | None
    lexicon_version: str
    started_at: Timestamp
    finished_at: Timestamp | None
    total: int = Field(description="已发布页面数")
    done: int = Field(description="已复查页面数")
    pages_with_errors: int
    error: str | None
    columns: tuple[SweepColumnView, ...]
    pages: tuple[SweepPageView, ...]


class ReadinessCheckView(View):
    name: str = Field(description="database / migrations / site")
    ok: bool
    detail: str


class ReadinessView(View):
    ready: bool
    checks: tuple[ReadinessCheckView, ...]


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
    attachments_added: tuple[AttachmentView, ...] = Field(
        (), description="新版本中新增或替换进来的附件（按文件名与 SHA-256 比较）")
    attachments_removed: tuple[AttachmentView, ...] = Field((), description="旧版本中被删除或被替换的附件")


class PassageView(View):
    part: str = Field(description="title / body；draft 表示针对全文")
    quote: str = Field(description="所引原文")
    start: int | None = Field(description="在当前修订中的位置（按字符计，从 0 起）；已脱离时为空")
    end: int | None
    detached: bool = Field(description="所引原文在当前修订中已不存在")


class OpinionView(View):
    kind: str = Field(description="submit / sign / return / waive / withdraw / revise / comment / suggest / "
                                  "suggest_decided / waiver_carried / signoff_carried")
    kind_label: str
    user: str
    display: str = Field(description="显示名")
    role: str = Field(description="以何种角色发表（中文）")
    stage: str | None
    revision: int | None
    content_hash: str | None = Field(description="当时稿件的内容哈希")
    at: Timestamp
    text: str = Field(description="意见、理由或说明")
    comment_id: int | None = None
    suggestion_id: int | None = None
    passage: PassageView | None = None


class SuggestionView(View):
    id: int
    user: str
    display: str
    stage: str | None
    revision: int = Field(description="提出时的修订号")
    old_text: str
    new_text: str
    reason: str
    status: str = Field(description="open / accepted / rejected / stale")
    passage: PassageView
    at: Timestamp
    decided_by: str | None
    decided_at: Timestamp | None
    decision_note: str
    made_revision: int | None


class SheetStageView(View):
    name: str
    label: str
    status: str
    signoffs: tuple[OpinionView, ...]


class SignSheetView(View):
    """审签单: who signed each stage, as what, with which 意见, when, on which content hash."""

    id: int
    title: str
    revision: int
    content_hash: str
    status: str
    author: str
    author_display: str
    column: str
    kind: str
    disclosure: str | None
    submitted_at: Timestamp
    published_at: Timestamp | None
    stages: tuple[SheetStageView, ...]
    opinions: tuple[OpinionView, ...]


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
