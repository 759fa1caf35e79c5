"""The REST API under /api/v1: the same service calls as the pages, JSON in and out.

Authentication: ``Authorization: Bearer <token>`` (the token printed by ``sanshen user add``).
Errors: ``{"code", "message"}`` with the HTTP status of the refusal's kind (``sanshen/service/errors.py``).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from checking.context import DraftMeta
from lexicon.vocabulary import DraftKind
from review.refusals import InvalidInput, NotPermitted
from sanshen.service import (
    audit,
    check_pass,
    claims,
    columns,
    drafts,
    lists,
    opinions,
    revisions,
    site_links,
    site_sweep,
    suggestions,
    users,
    validate,
)
from sanshen.service import requests as requests_service
from sanshen.service.errors import AuthError, NotFound
from sanshen.service.schedule import moment
from sanshen.service.views import (
    AuditChainView,
    AuditView,
    CheckReportView,
    ClaimView,
    ColumnView,
    DraftDetail,
    DraftPage,
    DraftView,
    FreshnessView,
    HandledItem,
    LinkReportView,
    OpinionView,
    QueueItem,
    RequestDetail,
    RequestView,
    RevisionDiffView,
    RevisionPreview,
    RevisionView,
    SignSheetView,
    SiteSweepView,
    SuggestionView,
    UserView,
)
from sanshen.web.rate_limit import RateLimiter
from sanshen.web.state import app_ctx, now


class ErrorBody(BaseModel):
    code: str = Field(description="稳定的英文错误代码，如 separation、stale_hash")
    message: str = Field(description="中文说明，告诉用户如何处理")


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in ((401, "未认证：缺少或无效的令牌"), (403, "无权执行"), (404, "对象不存在"),
                         (409, "规则拒绝（环节、签批顺序、内容已变化等）"), (413, "请求内容过大"), (422, "输入有误"))
}


class ViewJSON(Response):
    """A view already built and typed by the service, written out as its JSON (``model_dump_json``,
    the bytes FastAPI writes for ``response_model``). A sync endpoint's return value is otherwise
    validated again against its ``response_model`` in another trip through the thread pool and
    serialised after: for the routes every user calls all the time (queue, show, sign, return,
    submit, columns) that trip waits behind the other requests for the GIL. The route's
    ``response_model`` still documents the answer in OpenAPI."""

    media_type = "application/json"

    def __init__(self, view: BaseModel | list, *, adapter: TypeAdapter | None = None, status_code: int = 200) -> None:
        body = adapter.dump_json(view) if adapter is not None else view.model_dump_json()
        super().__init__(content=body, status_code=status_code)


_QUEUE_JSON = TypeAdapter(list[QueueItem])
_COLUMNS_JSON = TypeAdapter(list[ColumnView])


bearer = HTTPBearer(auto_error=False, description="sanshen user add 打印的 API 令牌")


def api_user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> UserView:
    if credentials is None or not credentials.credentials.strip():
        raise AuthError("no_token", "缺少令牌：请在请求头中提供 Authorization: Bearer <令牌>")
    return users.authenticate_token(app_ctx(request), credentials.credentials.strip())


router = APIRouter(prefix="/api/v1", tags=["v1"], responses=ERRORS, dependencies=[Depends(api_user)])


class SubmitBody(BaseModel):
    title: str
    body: str
    column: str = ""
    kind: str | None = Field(None, description="news / notice / policy / interpretation …")
    disclosure: str | None = Field(None, description="主动公开 / 依申请公开 / 不予公开")
    disclosure_reason: str | None = Field(None, description="不予公开时必填")
    disclosure_ground: str | None = Field(None, description="不予公开的法定依据（必填），如 属于国家秘密、保护第三方合法权益")
    urgent: bool = False
    interprets: int | None = Field(None, description="政策解读稿件所解读的政策文件编号")
    publish_at: str | None = Field(None, description="定时发布时间（ISO 8601；不带时区按北京时间）")
    expires_at: str | None = Field(None, description="到期下线时间（ISO 8601；不带时区按北京时间）")
    attachments: list[CheckAttachmentBody] = Field(
        [], description="附件（文件名不可重复；类型与大小的要求同网页提交和 sanshen submit --attach；"
                        "机器预审一并检查附件内容）")


class CheckAttachmentBody(BaseModel):
    name: str = Field(description="文件名（按扩展名读取：.docx、.xlsx、.pdf、.txt、.md 等）")
    content_base64: str = Field(description="文件内容，Base64 编码")


class ReviseBody(BaseModel):
    """A revision changes the text; 公开属性 is re-decided with POST /drafts/{id}/disclosure (a field
    this body does not know is refused, never silently ignored)."""

    model_config = ConfigDict(extra="forbid")
    body: str
    title: str | None = None
    comment: str = ""
    expect_voided: list[str] | None = Field(
        None, description="预览（POST …/revisions/preview）中列出的将作废的签批（“环节:用户名”）；将作废更多时拒绝")
    attachments: list[CheckAttachmentBody] = Field(
        [], description="新增或替换的附件（与现有附件同名即替换；未提及的附件原样保留）；类型与大小的要求同提交")
    remove_attachments: list[str] = Field([], description="要删除的现有附件的文件名")


class SignBody(BaseModel):
    stage: str | None = Field(None, description="环节名；省略时为该用户唯一可签的环节")
    comment: str = ""
    expect_hash: str | None = Field(None, description="签批所针对的内容哈希；与当前内容不符时拒绝")


class ReturnBody(BaseModel):
    comment: str = Field(description="退回原因（必填）")
    to_stage: str | None = Field(None, description="退回到的环节；省略时退回作者")


class WaiveBody(BaseModel):
    finding_id: int
    reason: str


class WithdrawBody(BaseModel):
    reason: str


class CheckBody(BaseModel):
    text: str
    kind: str | None = Field(None, description="给出稿件类型或公开属性时，一并检查公开属性")
    disclosure: str | None = None
    disclosure_reason: str | None = None
    title: str | None = Field(None, description="标题（一并检查）")
    attachments: list[CheckAttachmentBody] = Field(
        [], max_length=check_pass.API_MAX_ATTACHMENTS,
        description=f"附件（一并检查，问题注明所在附件及页码；至多 {check_pass.API_MAX_ATTACHMENTS} 个，"
                    f"共 {check_pass.API_MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB）")


@router.post("/drafts", status_code=201, response_model=DraftView, summary="提交稿件")
def submit(request: Request, data: SubmitBody, me: UserView = Depends(api_user),
           idempotency_key: str | None = Header(None, description="幂等键：同一键重复提交只生成一篇稿件")) -> Response:
    fields = data.model_dump(exclude={"attachments"})
    fields["attachments"] = _attachment_inputs(data.attachments)
    fields["publish_at"] = moment(fields["publish_at"], what="定时发布时间")
    fields["expires_at"] = moment(fields["expires_at"], what="下线时间")
    return ViewJSON(drafts.submit(app_ctx(request), me, drafts.SubmitInput(**fields, idempotency_key=idempotency_key),
                                  now=now(request)), status_code=201)


@router.post("/drafts/{draft_id}/revisions", status_code=201, response_model=DraftView, summary="提交修改稿")
def revise(request: Request, draft_id: int, data: ReviseBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.revise(app_ctx(request), me, draft_id, data.body, title=data.title, comment=data.comment,
                         now=now(request), expect_voided=data.expect_voided,
                         attachments=_attachment_change(data.attachments, data.remove_attachments))


def _attachment_change(files: list[CheckAttachmentBody], remove: list[str]) -> drafts.AttachmentChange:
    return drafts.AttachmentChange(add=_attachment_inputs(files), remove=tuple(remove))


def _attachment_inputs(files: list[CheckAttachmentBody]) -> tuple[drafts.AttachmentInput, ...]:
    """The files of a JSON body, decoded (the service checks names, size, type and duplicates)."""
    return tuple(drafts.AttachmentInput(filename=validate.one_line(a.name, what="附件文件名"),
                                        data=_base64(a.name, a.content_base64)) for a in files)


@router.get("/drafts/{draft_id}", response_model=DraftDetail,
            summary="稿件详情：当前修订、问题、环节与签批、与我签批版本的差异")
def show(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> Response:
    return ViewJSON(drafts.show(app_ctx(request), me, draft_id))


@router.get("/queue", response_model=list[QueueItem], summary="我的待办，最紧急的在前")
def queue(request: Request, me: UserView = Depends(api_user)) -> Response:
    return ViewJSON(drafts.queue(app_ctx(request), me, now=now(request)), adapter=_QUEUE_JSON)


@router.post("/drafts/{draft_id}/sign", response_model=DraftView, summary="签批当前环节")
def sign(request: Request, draft_id: int, data: SignBody, me: UserView = Depends(api_user)) -> Response:
    return ViewJSON(drafts.sign(app_ctx(request), me, draft_id, stage=data.stage, comment=data.comment,
                                expect_hash=data.expect_hash, now=now(request)))


@router.post("/drafts/{draft_id}/return", response_model=DraftView, summary="退回（原因必填）")
def return_draft(request: Request, draft_id: int, data: ReturnBody, me: UserView = Depends(api_user)) -> Response:
    return ViewJSON(drafts.return_draft(app_ctx(request), me, draft_id, comment=data.comment,
                                        to_stage=data.to_stage, now=now(request)))


@router.post("/drafts/{draft_id}/waive", response_model=DraftView, summary="豁免一个问题（理由必填）")
def waive(request: Request, draft_id: int, data: WaiveBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.waive(app_ctx(request), me, draft_id, data.finding_id, reason=data.reason, now=now(request))


@router.post("/drafts/{draft_id}/withdraw", response_model=DraftView, summary="撤稿（仅领导，发布后，理由必填）")
def withdraw(request: Request, draft_id: int, data: WithdrawBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.withdraw(app_ctx(request), me, draft_id, reason=data.reason, now=now(request))


@router.get("/drafts/{draft_id}/audit", response_model=list[AuditView], summary="稿件的审计记录")
def draft_audit(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> list[AuditView]:
    return audit.for_draft(app_ctx(request), me, draft_id)


@router.get("/audit/verify", response_model=AuditChainView, summary="校验审计哈希链",
            responses={409: {"model": AuditChainView, "description": "审计链断裂：指出第一条断裂的记录"}})
def verify(request: Request, response: Response) -> AuditChainView:
    report = audit.verify(app_ctx(request))
    if not report.ok:
        response.status_code = 409
    return report


@router.post("/check", response_model=CheckReportView, summary="机器预审（只检查，不保存）",
             responses={413: {"model": ErrorBody, "description": "待检查的内容超过单次上限"},
                        429: {"model": ErrorBody, "description": "检查过于频繁"}})
def check(request: Request, data: CheckBody, me: UserView = Depends(api_user)) -> CheckReportView:
    RateLimiter(app_ctx(request).engine, "check", check_pass.API_RATE,
                check_pass.API_RATE_WINDOW).allow(me.name, now(request))
    text = validate.body_text(data.text, what="待检查的文本")
    title = validate.one_line(data.title, what="标题") if data.title else ""
    files = [check_pass.AttachmentFile(validate.one_line(a.name, what="附件文件名"), _base64(a.name, a.content_base64))
             for a in data.attachments]
    meta = None
    if data.kind or data.disclosure:
        meta = DraftMeta(kind=data.kind or DraftKind.NEWS, disclosure=data.disclosure,
                         disclosure_reason=data.disclosure_reason)
    return check_pass.check_texts(app_ctx(request).checker, body=text, title=title, attachments=files, meta=meta,
                                  max_chars=check_pass.API_MAX_CHARS)


def _base64(name: str, content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("bad_base64", f"附件“{name}”的内容不是有效的 Base64 编码") from None


# --- 依申请公开 (sanshen/service/requests.py) -----------------------------------------

class RequestBody(BaseModel):
    channel: str = Field(description="当面 / 信函 / 网络 / 传真（或 in_person / letter / online / fax）")
    applicant_kind: str = Field(description="自然人 / 法人或其他组织")
    applicant_name: str
    description: str = Field(description="所需政府信息的名称、文号或描述")
    applicant_id_number: str | None = None
    applicant_contact: str = ""
    organisation_kind: str | None = Field(None, description="商业企业 / 科研机构 / 社会公益组织 / 法律服务机构 / 其他")
    received_on: date | None = Field(None, description="收到申请之日（条例第三十一条），默认今天")
    office: str = ""


class OfficeBody(BaseModel):
    office: str


class NoteBody(BaseModel):
    note: str = ""


class ResumeBody(BaseModel):
    received_on: date | None = Field(None, description="收到补正之日，默认今天")
    note: str = ""


class ReasonBody(BaseModel):
    reason: str


class ApproveBody(BaseModel):
    comment: str = ""


class ReplyBody(BaseModel):
    kind: str = Field(description="予以公开 / 部分公开 / 不予公开 / 无法提供 / 不予处理 / 其他处理")
    ground: str | None = Field(None, description="依据，如 属于国家秘密、保护第三方合法权益")
    explanation: str | None = Field(None, description="理由说明（有依据时必填）")
    body: str = Field(description="答复书正文")


@router.post("/requests", status_code=201, response_model=RequestDetail, summary="登记政府信息公开申请")
def request_add(request: Request, data: RequestBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.register(app_ctx(request), me, requests_service.RequestInput(**data.model_dump()),
                                     now=now(request))


@router.get("/requests", response_model=list[RequestView], summary="政府信息公开申请列表（申请人信息打码）")
def request_list(request: Request, open_only: bool = False, me: UserView = Depends(api_user)) -> list[RequestView]:
    return requests_service.list_requests(app_ctx(request), me, now=now(request), open_only=open_only)


@router.get("/requests/{request_id}", response_model=RequestDetail, summary="申请详情与办理记录")
def request_show(request: Request, request_id: int, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.show(app_ctx(request), me, request_id, now=now(request))


@router.post("/requests/{request_id}/assign", response_model=RequestDetail, summary="分办")
def request_assign(request: Request, request_id: int, data: OfficeBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.assign(app_ctx(request), me, request_id, office=data.office, now=now(request))


@router.post("/requests/{request_id}/correction", response_model=RequestDetail, summary="告知补正（计时中止）")
def request_correct(request: Request, request_id: int, data: NoteBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.ask_correction(app_ctx(request), me, request_id, note=data.note, now=now(request))


@router.post("/requests/{request_id}/resume", response_model=RequestDetail, summary="收到补正（重新计时）")
def request_resume(request: Request, request_id: int, data: ResumeBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.resume(app_ctx(request), me, request_id, received_on=data.received_on, note=data.note,
                                   now=now(request))


@router.post("/requests/{request_id}/extension", response_model=RequestDetail, summary="申请延期")
def request_extend(request: Request, request_id: int, data: ReasonBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.ask_extension(app_ctx(request), me, request_id, reason=data.reason, now=now(request))


@router.post("/requests/{request_id}/extension/approve", response_model=RequestDetail, summary="批准延期（领导）")
def request_approve_extension(request: Request, request_id: int, data: ApproveBody,
                              me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.approve_extension(app_ctx(request), me, request_id, comment=data.comment, now=now(request))


@router.post("/requests/{request_id}/reply", response_model=RequestDetail, summary="拟写答复书（进入答复书审签流程）")
def request_reply(request: Request, request_id: int, data: ReplyBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.draft_reply(app_ctx(request), me, request_id, kind=data.kind, ground=data.ground,
                                        explanation=data.explanation, body=data.body, now=now(request))


@router.post("/requests/{request_id}/send", response_model=RequestDetail, summary="送达已签发的答复书")
def request_send(request: Request, request_id: int, data: NoteBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.send(app_ctx(request), me, request_id, note=data.note, now=now(request))


@router.post("/requests/{request_id}/archive", response_model=RequestDetail, summary="归档")
def request_archive(request: Request, request_id: int, data: NoteBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.archive(app_ctx(request), me, request_id, note=data.note, now=now(request))


class DisclosureBody(BaseModel):
    disclosure: str = Field(description="新的公开属性：主动公开 / 依申请公开 / 不予公开")
    reason: str = Field(description="改变的理由（记入审计）")
    ground: str | None = Field(None, description="不予公开的法定依据（不予公开时必填）")
    explanation: str | None = Field(None, description="不予公开的理由说明（不予公开时必填）")


@router.post("/drafts/{draft_id}/disclosure", response_model=DraftView,
             summary="改变公开属性（须说明理由；生成新版本并重新审核）")
def change_disclosure(request: Request, draft_id: int, data: DisclosureBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.change_disclosure(app_ctx(request), me, draft_id, disclosure=data.disclosure, reason=data.reason,
                                    ground=data.ground, explanation=data.explanation, now=now(request))


class ConvertBody(BaseModel):
    draft_id: int = Field(description="依申请公开的稿件编号")
    reason: str = Field(description="转为主动公开的理由")


@router.post("/requests/{request_id}/convert", response_model=RequestDetail,
             summary="因本申请把依申请公开的稿件转为主动公开（重新经过全部审核关口后发布）")
def request_convert(request: Request, request_id: int, data: ConvertBody, me: UserView = Depends(api_user)) -> RequestDetail:
    return requests_service.convert(app_ctx(request), me, request_id, draft_id=data.draft_id, reason=data.reason,
                                    now=now(request))


class ColumnBody(BaseModel):
    name: str
    slug: str = Field(description="栏目在网站上的路径：小写字母、数字、连字符")
    kind: str = Field("other", description="home / news / notice / policy / personnel / plan / other")
    update_days: int | None = Field(None, description="更新要求（天）；省略时按栏目类型")
    parent: str | None = Field(None, description="上级栏目名称")


class ColumnPatch(BaseModel):
    slug: str | None = None
    kind: str | None = None
    update_days: int | None = None
    parent: str | None = Field(None, description="上级栏目名称；空字符串表示顶级栏目；省略则不变")
    active: bool | None = None


@router.get("/columns", response_model=list[ColumnView], summary="已登记的栏目及其更新要求")
def list_columns(request: Request) -> Response:
    return ViewJSON(columns.list_columns(app_ctx(request)), adapter=_COLUMNS_JSON)


@router.post("/columns", status_code=201, response_model=ColumnView, summary="登记栏目（管理员）")
def add_column(request: Request, data: ColumnBody, me: UserView = Depends(api_user)) -> ColumnView:
    return columns.add_column(app_ctx(request), me, columns.ColumnInput(**data.model_dump()), now=now(request))


@router.patch("/columns/{name}", response_model=ColumnView, summary="修改栏目（管理员；名称不可改）")
def update_column(request: Request, name: str, data: ColumnPatch, me: UserView = Depends(api_user)) -> ColumnView:
    fields = data.model_dump(exclude_unset=True)
    parent = fields.pop("parent", columns.UNCHANGED)
    return columns.update_column(app_ctx(request), me, name, parent=parent, now=now(request), **fields)


@router.get("/monitor/freshness", response_model=FreshnessView, summary="栏目更新监测（管理员）")
def freshness(request: Request, me: UserView = Depends(api_user)) -> FreshnessView:
    if not me.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以查看栏目更新监测")
    return columns.freshness(app_ctx(request), now=now(request))


class ClaimBody(BaseModel):
    stage: str | None = Field(None, description="环节名；省略时为该用户唯一可签（或唯一认领）的环节")


@router.get("/drafts", response_model=DraftPage, summary="全部稿件（我有权查看的），可筛选、分页")
def list_drafts(request: Request, me: UserView = Depends(api_user), status: str | None = None,
                column: str | None = None, author: str | None = None, stage: str | None = None,
                since: str | None = None, until: str | None = None, page: int = 1,
                per_page: int = lists.PER_PAGE) -> DraftPage:
    return lists.all_drafts(app_ctx(request), me, lists.DraftFilter(
        status=status, column=column, author=author, stage=stage, since=lists.parse_day(since, what="since"),
        until=lists.parse_day(until, what="until"), page=page, per_page=per_page))


@router.get("/published", response_model=DraftPage, summary="已发布的稿件，最近发布的在前")
def published(request: Request, me: UserView = Depends(api_user), page: int = 1,
              per_page: int = lists.PER_PAGE, column: str | None = None) -> DraftPage:
    return lists.published(app_ctx(request), me, page=page, per_page=per_page, column=column)


@router.get("/handled", response_model=list[HandledItem], summary="我的已办：我签批或退回过的稿件")
def handled(request: Request, me: UserView = Depends(api_user), page: int = 1,
            per_page: int = lists.PER_PAGE) -> list[HandledItem]:
    return lists.handled(app_ctx(request), me, page=page, per_page=per_page)


@router.get("/queue/next", response_model=QueueItem,
            summary="下一篇：最紧急且未被同事认领的待办（没有待办时 404 queue_empty）")
def next_item(request: Request, me: UserView = Depends(api_user)) -> QueueItem:
    item = claims.next_item(app_ctx(request), me, now=now(request))
    if item is None:
        raise NotFound("queue_empty", "目前没有等待您处理的稿件")
    return item


@router.post("/drafts/{draft_id}/claim", response_model=ClaimView, summary="认领待办（同事的“下一篇”将跳过它）")
def claim(request: Request, draft_id: int, data: ClaimBody, me: UserView = Depends(api_user)) -> ClaimView:
    return claims.claim(app_ctx(request), me, draft_id, stage=data.stage, now=now(request))


@router.post("/drafts/{draft_id}/unclaim", response_model=ClaimView, summary="放弃认领")
def unclaim(request: Request, draft_id: int, data: ClaimBody, me: UserView = Depends(api_user)) -> ClaimView:
    return claims.unclaim(app_ctx(request), me, draft_id, stage=data.stage, now=now(request))


@router.get("/drafts/{draft_id}/revisions", response_model=list[RevisionView],
            summary="稿件的全部版本（最新的在前，不含正文）")
def list_revisions(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> list[RevisionView]:
    return revisions.list_revisions(app_ctx(request), me, draft_id)


@router.get("/drafts/{draft_id}/revisions/{number}", response_model=RevisionView, summary="某一版本（含正文）")
def show_revision(request: Request, draft_id: int, number: int, me: UserView = Depends(api_user)) -> RevisionView:
    return revisions.revision(app_ctx(request), me, draft_id, number)


@router.get("/drafts/{draft_id}/diff", response_model=RevisionDiffView,
            summary="任意两个版本之间的修改（行内到字）；默认为当前版本与前一版本")
def diff(request: Request, draft_id: int, me: UserView = Depends(api_user), old: int | None = None,
         new: int | None = None) -> RevisionDiffView:
    return revisions.diff(app_ctx(request), me, draft_id, old=old, new=new)


# --- 意见, suggested edits (留痕) and the 审签单 -------------------------------------------------

class CommentBody(BaseModel):
    text: str = Field(description="意见（必填）")
    quote: str = Field("", description="所引原文；留空则针对全文")
    occurrence: int = Field(1, description="原文出现多处时，针对第几处（从 1 起）")
    start: int | None = Field(None, description="或直接给出位置（按字符计，从 0 起）")
    end: int | None = None
    part: str = Field("body", description="body（正文）/ title（标题）")
    revision: int | None = Field(None, description="所看到的修订号；与当前修订不符时拒绝")


class SuggestBody(BaseModel):
    old_text: str = Field(description="原文")
    new_text: str = Field(description="建议改为（空字符串表示删除）")
    reason: str = ""
    occurrence: int = 1
    start: int | None = None
    end: int | None = None
    part: str = "body"
    revision: int | None = None


class DecideBody(BaseModel):
    note: str = ""
    expect_voided: list[str] | None = Field(
        None, description="预览中列出的将作废的签批（“环节:用户名”）；若保存时将作废更多签批则拒绝")


class PreviewBody(BaseModel):
    body: str
    title: str | None = None
    attachments: list[CheckAttachmentBody] = Field([], description="同 …/revisions：新增或替换的附件")
    remove_attachments: list[str] = Field([], description="同 …/revisions：要删除的附件的文件名")


@router.get("/drafts/{draft_id}/opinions", response_model=list[OpinionView], summary="稿件的全部意见，按时间顺序")
def draft_opinions(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> tuple[OpinionView, ...]:
    return opinions.timeline(app_ctx(request), me, draft_id)


@router.post("/drafts/{draft_id}/comments", status_code=201, response_model=OpinionView, summary="对一段文字发表意见")
def add_comment(request: Request, draft_id: int, data: CommentBody, me: UserView = Depends(api_user)) -> OpinionView:
    return opinions.add_comment(app_ctx(request), me, draft_id, **data.model_dump(), now=now(request))


@router.get("/drafts/{draft_id}/suggestions", response_model=list[SuggestionView], summary="修改建议（留痕）")
def list_suggestions(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> tuple[SuggestionView, ...]:
    return suggestions.for_draft(app_ctx(request), me, draft_id)


@router.post("/drafts/{draft_id}/suggestions", status_code=201, response_model=SuggestionView, summary="提出修改建议")
def suggest(request: Request, draft_id: int, data: SuggestBody, me: UserView = Depends(api_user)) -> SuggestionView:
    return suggestions.suggest(app_ctx(request), me, draft_id, **data.model_dump(), now=now(request))


@router.get("/drafts/{draft_id}/suggestions/{suggestion_id}/preview", response_model=RevisionPreview,
            summary="采纳前预览：将作废与保留的签批")
def preview_suggestion(request: Request, draft_id: int, suggestion_id: int,
                       me: UserView = Depends(api_user)) -> RevisionPreview:
    return suggestions.preview_accept(app_ctx(request), me, draft_id, suggestion_id)


@router.post("/drafts/{draft_id}/suggestions/{suggestion_id}/accept", response_model=DraftView,
             summary="采纳修改建议（生成新修订）")
def accept_suggestion(request: Request, draft_id: int, suggestion_id: int, data: DecideBody,
                      me: UserView = Depends(api_user)) -> DraftView:
    return suggestions.accept(app_ctx(request), me, draft_id, suggestion_id, note=data.note,
                              expect_voided=data.expect_voided, now=now(request))


@router.post("/drafts/{draft_id}/suggestions/{suggestion_id}/reject", response_model=SuggestionView,
             summary="不采纳修改建议")
def reject_suggestion(request: Request, draft_id: int, suggestion_id: int, data: DecideBody,
                      me: UserView = Depends(api_user)) -> SuggestionView:
    return suggestions.reject(app_ctx(request), me, draft_id, suggestion_id, note=data.note, now=now(request))


@router.post("/drafts/{draft_id}/revisions/preview", response_model=RevisionPreview,
             summary="提交修改稿前预览：将作废与保留的签批（不保存）")
def preview_revision(request: Request, draft_id: int, data: PreviewBody,
                     me: UserView = Depends(api_user)) -> RevisionPreview:
    return drafts.revision_preview(app_ctx(request), me, draft_id, data.body, title=data.title,
                                   attachments=_attachment_change(data.attachments, data.remove_attachments))


@router.get("/drafts/{draft_id}/sheet", response_model=SignSheetView, summary="审签单")
def sign_sheet(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> SignSheetView:
    return opinions.sign_sheet(app_ctx(request), me, draft_id)


class SweepBody(BaseModel):
    column: str | None = Field(None, description="只复查此栏目；省略为全站")


@router.post("/sweeps", status_code=202, response_model=SiteSweepView, summary="发起全站复查（管理员；由流程进程执行）")
def request_sweep(request: Request, data: SweepBody, me: UserView = Depends(api_user)) -> SiteSweepView:
    return site_sweep.request_site_sweep(app_ctx(request), me, column=data.column)


@router.get("/sweeps/latest", response_model=SiteSweepView, summary="最近一次全站复查：进度与有问题的页面（管理员）")
def latest_sweep(request: Request, me: UserView = Depends(api_user)) -> SiteSweepView:
    return site_sweep.sweep_report(app_ctx(request), me)


@router.get("/sweeps/{sweep_id}", response_model=SiteSweepView, summary="一次全站复查：进度与有问题的页面（管理员）")
def one_sweep(request: Request, sweep_id: int, me: UserView = Depends(api_user)) -> SiteSweepView:
    return site_sweep.sweep_report(app_ctx(request), me, sweep_id)


@router.get("/links", response_model=LinkReportView, summary="最近一次链接巡检，按栏目（管理员）")
def links_report(request: Request, me: UserView = Depends(api_user)) -> LinkReportView:
    return site_links.link_report_for(app_ctx(request), me)
