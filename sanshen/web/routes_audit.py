"""Admin pages: the audit trail, its verification and its CSV export."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from review.refusals import InvalidInput
from sanshen.service import audit, opinions
from sanshen.service.validate import decimal_id
from sanshen.service.views import AuditChainView, UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import CHINA, local_zone, page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/admin/audit", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")
AUDIT_PAGE_LIMIT = 500
ACTION_LABELS = {
    "draft.submitted": "提交稿件", "stage.opened": "环节开启", "stage.signed": "签批", "stage.closed": "环节结束",
    "draft.returned": "退回", "revision.created": "提交修改稿", "signoffs.voided": "签批作废",
    "finding.waived": "豁免问题", "draft.approved": "审核通过", "draft.published": "发布",
    "draft.withdrawn": "撤稿", "stage.escalated": "超期督办", "user.added": "新增用户",
    "user.roles_set": "设置角色", "user.password_set": "设置密码", "user.locked": "账户锁定",
    "user.deactivated": "停用用户", "user.activated": "启用用户",
    "lexicon.added": "新增词条", "lexicon.disabled": "停用词条", "lexicon.imported": "导入词表",
    "check.links": "链接检查", "check.rechecked": "词库更新后复查", "publish.refused": "发布被拒",
    "site.withdrawn": "网站撤下", "webhook.delivered": "推送送达", "outbox.dead": "后台任务已放弃",
    "comment.added": "发表意见", "suggestion.made": "提出修改建议", "suggestion.decided": "处理修改建议",
    "finding.waiver_carried": "豁免沿用到新版本", "signoff.carried": "签批沿用到新版本",
    "revision.attachments": "修改附件",
    "draft.disclosure_changed": "改变公开属性", "report.annual_entered": "填写信息公开年报",
    "request.registered": "登记申请", "request.assigned": "分办申请", "request.correction_asked": "告知补正",
    "request.resumed": "收到补正", "request.extension_asked": "申请延期", "request.extended": "批准延期",
    "request.reply_drafted": "拟写答复书", "request.sent": "答复送达", "request.archived": "申请归档",
    "request.warned": "申请临期提醒", "request.escalated": "申请超期督办", "request.converted": "转为主动公开",
}


def _day(value: str | None, *, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_date", f"{what}“{value}”不是有效日期（格式：2026-01-31）") from None


def _start_of(day: date, zone: tzinfo = CHINA) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


@dataclass(frozen=True)
class AuditFilters:
    draft_id: str = ""
    user: str = ""
    action: str = ""
    since: str = ""
    until: str = ""

    def query(self) -> str:
        return urlencode({k: v for k, v in asdict(self).items() if v})


def audit_filters(draft_id: str = "", user: str = "", action: str = "", since: str = "",
                  until: str = "") -> AuditFilters:
    return AuditFilters(draft_id.strip(), user.strip(), action.strip(), since.strip(), until.strip())


def _search_args(filters: AuditFilters, zone: tzinfo) -> dict:
    if filters.draft_id and decimal_id(filters.draft_id) is None:
        raise InvalidInput("bad_draft_id", "稿件编号必须是正整数")
    since_day, until_day = _day(filters.since, what="起始日期"), _day(filters.until, what="截止日期")
    return dict(
        draft_id=int(filters.draft_id) if filters.draft_id else None,
        user=filters.user or None,
        action=filters.action or None,
        since=_start_of(since_day, zone) if since_day else None,
        until=_start_of(until_day + timedelta(days=1), zone) if until_day else None,
    )


def _trail_page(request: Request, me: UserView, filters: AuditFilters, report: AuditChainView | None) -> Response:
    events = audit.search(app_ctx(request), me, **_search_args(filters, local_zone(request)), limit=AUDIT_PAGE_LIMIT)
    return page(request, "admin_audit.html", "审计记录", events=events, filters=filters, report=report,
                limit=AUDIT_PAGE_LIMIT, actions=ACTION_LABELS, displays=opinions.display_names(app_ctx(request)))


@router.get("")
def trail(request: Request, filters: AuditFilters = Depends(audit_filters),
          me: UserView = Depends(admin_only)) -> Response:
    return _trail_page(request, me, filters, None)


@router.post("/verify")
def verify(request: Request, filters: AuditFilters = Depends(audit_filters),
           me: UserView = Depends(admin_only)) -> Response:
    return _trail_page(request, me, filters, audit.verify(app_ctx(request)))


@router.get("/export.csv")
def export_csv(request: Request, filters: AuditFilters = Depends(audit_filters),
               me: UserView = Depends(admin_only)) -> Response:
    """The whole trail, or, with the page's filters, the selection they pick (verified as a
    selection by storage/chain.py: see its docstring for what a selection proves)."""
    out = io.StringIO()
    where = audit.conditions(**_search_args(filters, local_zone(request)))
    audit.export(app_ctx(request), "csv", out, where=where, selection=filters.query() or None)
    stamp = now(request).astimezone(local_zone(request)).strftime("%Y%m%d-%H%M")
    return Response(
        # UTF-8 with a BOM so that spreadsheet programs read the Chinese text correctly.
        "\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sanshen-audit-{stamp}.csv"'},
    )
