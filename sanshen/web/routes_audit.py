"""Admin pages: the audit trail, its verification and its CSV export."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sanshen.service import audit
from sanshen.service.errors import BadInput
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import CHINA, page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/admin/audit", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")
AUDIT_PAGE_LIMIT = 500
KNOWN_ACTIONS = (
    "draft.submitted", "stage.signed", "stage.opened", "stage.closed", "draft.returned", "revision.created",
    "signoffs.voided", "finding.waived", "draft.approved", "draft.published", "draft.withdrawn",
    "stage.escalated", "user.added", "user.roles_set", "user.password_set", "user.locked", "lexicon.added",
    "lexicon.disabled",
)


def _day(value: str | None, *, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput("bad_date", f"{what}“{value}”不是有效日期（格式：2026-01-31）") from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA)


@router.get("")
def trail(request: Request, draft_id: str = "", user: str = "", action: str = "", since: str = "",
          until: str = "", me: UserView = Depends(admin_only), report=None) -> Response:
    filters = {"draft_id": draft_id.strip(), "user": user.strip(), "action": action.strip(),
               "since": since, "until": until}
    if filters["draft_id"] and not filters["draft_id"].isdigit():
        raise BadInput("bad_draft_id", "稿件编号必须是正整数")
    since_day, until_day = _day(since, what="起始日期"), _day(until, what="截止日期")
    events = audit.search(
        app_ctx(request), me,
        draft_id=int(filters["draft_id"]) if filters["draft_id"] else None,
        user=filters["user"] or None,
        action=filters["action"] or None,
        since=_start_of(since_day) if since_day else None,
        until=_start_of(until_day + timedelta(days=1)) if until_day else None,
        limit=AUDIT_PAGE_LIMIT,
    )
    return page(request, "admin_audit.html", "审计记录", events=events, filters=filters, report=report,
                limit=AUDIT_PAGE_LIMIT, known_actions=KNOWN_ACTIONS)


@router.post("/verify")
def verify(request: Request, me: UserView = Depends(admin_only)) -> Response:
    report = audit.verify(app_ctx(request))
    return trail(request, me=me, report=report)


@router.get("/export.csv")
def export_csv(request: Request, me: UserView = Depends(admin_only)) -> Response:
    out = io.StringIO()
    audit.export(app_ctx(request), "csv", out)
    stamp = now(request).astimezone(CHINA).strftime("%Y%m%d-%H%M")
    return Response(
        # UTF-8 with a BOM so that spreadsheet programs read the Chinese text correctly.
        "\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sanshen-audit-{stamp}.csv"'},
    )
