"""The REST API under /api/v1: the same service calls as the pages, JSON in and out.

Authentication: ``Authorization: Bearer <token>`` (the token printed by ``sanshen user add``).
Errors: ``{"code", "message"}`` with the HTTP status of the refusal's kind (``sanshen/service/errors.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from checking.context import DraftMeta
from lexicon.vocabulary import DraftKind
from sanshen.service import audit, drafts, site_links, site_sweep, users, validate
from sanshen.service.errors import AuthError
from sanshen.service.views import (
    AuditChainView,
    AuditView,
    CheckReportView,
    DraftDetail,
    DraftView,
    LinkReportView,
    QueueItem,
    SiteSweepView,
    UserView,
)
from sanshen.web.state import app_ctx, now


class ErrorBody(BaseModel):
    code: str = Field(description="稳定的英文错误代码，如 separation、stale_hash")
    message: str = Field(description="中文说明，告诉用户如何处理")


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in ((401, "未认证：缺少或无效的令牌"), (403, "无权执行"), (404, "对象不存在"),
                         (409, "规则拒绝（环节、签批顺序、内容已变化等）"), (413, "请求内容过大"), (422, "输入有误"))
}


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
    urgent: bool = False
    interprets: int | None = Field(None, description="政策解读稿件所解读的政策文件编号")


class ReviseBody(BaseModel):
    body: str
    title: str | None = None
    comment: str = ""


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


@router.post("/drafts", status_code=201, response_model=DraftView, summary="提交稿件")
def submit(request: Request, data: SubmitBody, me: UserView = Depends(api_user),
           idempotency_key: str | None = Header(None, description="幂等键：同一键重复提交只生成一篇稿件")) -> DraftView:
    return drafts.submit(app_ctx(request), me, drafts.SubmitInput(**data.model_dump(), idempotency_key=idempotency_key),
                         now=now(request))


@router.post("/drafts/{draft_id}/revisions", status_code=201, response_model=DraftView, summary="提交修改稿")
def revise(request: Request, draft_id: int, data: ReviseBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.revise(app_ctx(request), me, draft_id, data.body, title=data.title, comment=data.comment,
                         now=now(request))


@router.get("/drafts/{draft_id}", response_model=DraftDetail,
            summary="稿件详情：当前修订、问题、环节与签批、与我签批版本的差异")
def show(request: Request, draft_id: int, me: UserView = Depends(api_user)) -> DraftDetail:
    return drafts.show(app_ctx(request), me, draft_id)


@router.get("/queue", response_model=list[QueueItem], summary="我的待办，最紧急的在前")
def queue(request: Request, me: UserView = Depends(api_user)) -> list[QueueItem]:
    return drafts.queue(app_ctx(request), me, now=now(request))


@router.post("/drafts/{draft_id}/sign", response_model=DraftView, summary="签批当前环节")
def sign(request: Request, draft_id: int, data: SignBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.sign(app_ctx(request), me, draft_id, stage=data.stage, comment=data.comment,
                       expect_hash=data.expect_hash, now=now(request))


@router.post("/drafts/{draft_id}/return", response_model=DraftView, summary="退回（原因必填）")
def return_draft(request: Request, draft_id: int, data: ReturnBody, me: UserView = Depends(api_user)) -> DraftView:
    return drafts.return_draft(app_ctx(request), me, draft_id, comment=data.comment, to_stage=data.to_stage,
                               now=now(request))


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


@router.post("/check", response_model=CheckReportView, summary="机器预审（只检查，不保存）")
def check(request: Request, data: CheckBody) -> CheckReportView:
    text = validate.body_text(data.text, what="待检查的文本")
    meta = None
    if data.kind or data.disclosure:
        meta = DraftMeta(kind=data.kind or DraftKind.NEWS, disclosure=data.disclosure,
                         disclosure_reason=data.disclosure_reason)
    report = app_ctx(request).checker.check(text, meta=meta)
    return CheckReportView.model_validate(report, from_attributes=True)


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
