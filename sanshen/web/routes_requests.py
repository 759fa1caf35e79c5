"""Pages for 依申请公开 (the list with due dates and overdue marks, a request with its actions, the
registration form) and the admin's 政府信息公开工作年度报告."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from disclosure import annual as annual_rules
from disclosure.terms import (
    GROUNDS,
    ApplicantKind,
    Channel,
    OrganisationKind,
    ReplyKind,
    RequestStatus,
)
from review.refusals import InvalidInput, Refused
from sanshen.service import annual, annual_export, requests
from sanshen.service.errors import answer
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.forms import body_from_form
from sanshen.web.render import CHINA, page
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])

readers = require_roles(*requests.READERS)
handlers = require_roles(*requests.HANDLERS)
REPORT_READERS = require_roles(*annual.READERS)


def _day(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_date", f"{what}“{value}”不是 YYYY-MM-DD 格式的日期") from None


def _done(request_id: int, what: str) -> Response:
    return RedirectResponse(f"/requests/{request_id}?done={what}", status_code=303)


@router.get("/requests")
def request_list(request: Request, open: str = "", me: UserView = Depends(readers)) -> Response:
    items = requests.list_requests(app_ctx(request), me, now=now(request), open_only=bool(open))
    return page(request, "requests.html", "依申请公开", items=items, open_only=bool(open))


_FORM_KEYS = ("channel", "applicant_kind", "organisation_kind", "applicant_name", "applicant_id_number",
              "applicant_contact", "description", "received_on", "office")


def _new_page(request: Request, form, *, error: str | None, status_code: int = 200) -> Response:
    values = {k: str(form.get(k, "")) for k in _FORM_KEYS}
    return page(request, "request_new.html", "登记申请", status_code=status_code, form=values, error=error,
                Channel=Channel, ApplicantKind=ApplicantKind, OrganisationKind=OrganisationKind)


@router.get("/requests/new")
def new_form(request: Request, me: UserView = Depends(handlers)) -> Response:
    return _new_page(request, {}, error=None)


@router.post("/requests")
async def register(request: Request, me: UserView = Depends(handlers)) -> Response:
    form = await request.form()
    try:
        data = requests.RequestInput(
            channel=str(form.get("channel", "")), applicant_kind=str(form.get("applicant_kind", "")),
            applicant_name=str(form.get("applicant_name", "")), description=str(form.get("description", "")),
            applicant_id_number=str(form.get("applicant_id_number", "")).strip() or None,
            applicant_contact=str(form.get("applicant_contact", "")),
            organisation_kind=str(form.get("organisation_kind", "")).strip() or None,
            received_on=_day(str(form.get("received_on", "")), "收到申请之日"), office=str(form.get("office", "")))
        view = requests.register(app_ctx(request), me, data, now=now(request))
    except Refused as exc:  # the form again, with what was typed
        return _new_page(request, form, error=exc.message, status_code=answer(exc).http_status)
    return _done(view.id, "request_registered")


@router.get("/requests/{request_id}")
def request_page(request: Request, request_id: int, me: UserView = Depends(readers)) -> Response:
    view = requests.show(app_ctx(request), me, request_id, now=now(request))
    status = RequestStatus(view.status)
    return page(request, "request.html", f"申请 {view.id}", r=view, status=status,
                is_handler=any(me.has_role(x) for x in requests.HANDLERS), is_leader=me.has_role(requests.APPROVER),
                ReplyKind=ReplyKind, GROUNDS=GROUNDS, RequestStatus=RequestStatus)


@router.post("/requests/{request_id}/assign")
def assign(request: Request, request_id: int, office: str = Form(""), me: UserView = Depends(handlers)) -> Response:
    requests.assign(app_ctx(request), me, request_id, office=office, now=now(request))
    return _done(request_id, "request_assigned")


@router.post("/requests/{request_id}/correct")
def correct(request: Request, request_id: int, note: str = Form(""), me: UserView = Depends(handlers)) -> Response:
    requests.ask_correction(app_ctx(request), me, request_id, note=note, now=now(request))
    return _done(request_id, "request_correction")


@router.post("/requests/{request_id}/resume")
def resume(request: Request, request_id: int, received_on: str = Form(""), note: str = Form(""),
           me: UserView = Depends(handlers)) -> Response:
    requests.resume(app_ctx(request), me, request_id, received_on=_day(received_on, "收到补正之日"), note=note,
                    now=now(request))
    return _done(request_id, "request_resumed")


@router.post("/requests/{request_id}/extend")
def extend(request: Request, request_id: int, reason: str = Form(""), me: UserView = Depends(handlers)) -> Response:
    requests.ask_extension(app_ctx(request), me, request_id, reason=reason, now=now(request))
    return _done(request_id, "request_extension_asked")


@router.post("/requests/{request_id}/approve-extension")
def approve_extension(request: Request, request_id: int, comment: str = Form(""),
                      me: UserView = Depends(require_roles(requests.APPROVER))) -> Response:
    requests.approve_extension(app_ctx(request), me, request_id, comment=comment, now=now(request))
    return _done(request_id, "request_extended")


@router.post("/requests/{request_id}/reply")
async def reply(request: Request, request_id: int, me: UserView = Depends(handlers)) -> Response:
    form = await request.form()
    body = await body_from_form(form)
    requests.draft_reply(app_ctx(request), me, request_id, kind=str(form.get("kind", "")),
                         ground=str(form.get("ground", "")).strip() or None,
                         explanation=str(form.get("explanation", "")), body=body, now=now(request))
    return _done(request_id, "request_replied")


@router.post("/requests/{request_id}/send")
def send(request: Request, request_id: int, note: str = Form(""), me: UserView = Depends(handlers)) -> Response:
    requests.send(app_ctx(request), me, request_id, note=note, now=now(request))
    return _done(request_id, "request_sent")


@router.post("/requests/{request_id}/archive")
def archive(request: Request, request_id: int, note: str = Form(""), me: UserView = Depends(handlers)) -> Response:
    requests.archive(app_ctx(request), me, request_id, note=note, now=now(request))
    return _done(request_id, "request_archived")


# --- the yearly report -----------------------------------------------------------------

def _year(request: Request, year: str) -> int:
    if not year:
        return now(request).astimezone(CHINA).year - 1 if now(request).astimezone(CHINA).month < 3 \
            else now(request).astimezone(CHINA).year
    if not (year.isascii() and year.isdigit()):
        raise InvalidInput("bad_year", f"年份“{year}”无效")
    return int(year)


@router.get("/admin/annual-report")
def annual_page(request: Request, year: str = "", me: UserView = Depends(REPORT_READERS)) -> Response:
    chosen = _year(request, year)
    report = annual.build(app_ctx(request), me, chosen)
    return page(request, "annual_report.html", "政府信息公开工作年度报告", report=report, year=chosen,
                rows=report.requests, columns=report.request_columns, is_admin=me.has_role("admin"),
                sections=annual_rules.TEXT_SECTIONS, litigation_keys=annual_rules.litigation_keys())


@router.get("/admin/annual-report/{year}.{fmt}")
def annual_file(request: Request, year: str, fmt: str, me: UserView = Depends(REPORT_READERS)) -> Response:
    chosen = _year(request, year)
    ctx = app_ctx(request)
    report = annual.build(ctx, me, chosen)
    if fmt == "docx":
        data, media = annual_export.to_docx(report), \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "xlsx":
        rows = annual.counted_requests(ctx, me, report, now=now(request))
        data, media = annual_export.to_xlsx(report, rows), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise InvalidInput("bad_format", f"格式“{fmt}”无效：可选 docx、xlsx")
    name = quote(f"{chosen}年政府信息公开工作年度报告.{fmt}", safe="")
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}",
                                                     "X-Content-Type-Options": "nosniff"})


@router.post("/admin/annual-report")
async def annual_enter(request: Request, me: UserView = Depends(require_roles("admin"))) -> Response:
    form = await request.form()
    chosen = _year(request, str(form.get("year", "")))
    texts = {key: str(form.get(key, "")).replace("\r\n", "\n") for key, _ in annual_rules.TEXT_SECTIONS}
    keys = [k for k, _, _ in annual_rules.ENTERED_FIGURES] + annual_rules.litigation_keys()
    figures = {k: str(form.get(f"figure_{k}", "")).strip() for k in keys}
    annual.save_inputs(app_ctx(request), me, chosen, texts=texts,
                       figures={k: v for k, v in figures.items() if v}, now=now(request))
    return RedirectResponse(f"/admin/annual-report?year={chosen}&done=annual_saved", status_code=303)
