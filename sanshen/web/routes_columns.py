"""Admin pages: the column registry (栏目) and the column-freshness dashboard (栏目更新)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from lexicon.vocabulary import ColumnKind
from review.refusals import InvalidInput
from sanshen.service import columns
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")


def _days(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdecimal():
        raise InvalidInput("bad_update_days", f"更新要求应为天数（正整数），而不是“{text}”")
    return int(text)


@router.get("/columns")
def registry(request: Request, me: UserView = Depends(admin_only)) -> Response:
    return page(request, "admin_columns.html", "栏目", columns=columns.list_columns(app_ctx(request)),
                kinds=list(ColumnKind))


@router.post("/columns")
def add(request: Request, name: str = Form(""), slug: str = Form(""), kind: str = Form("other"),
        days: str = Form(""), parent: str = Form(""), me: UserView = Depends(admin_only)) -> Response:
    columns.add_column(app_ctx(request), me, columns.ColumnInput(
        name=name.strip(), slug=slug, kind=kind, update_days=_days(days), parent=parent or None), now=now(request))
    return RedirectResponse("/admin/columns?done=column_added", status_code=303)


@router.post("/columns/update")
def update(request: Request, name: str = Form(""), kind: str = Form(""), days: str = Form(""),
           parent: str = Form(""), active: str = Form(""), me: UserView = Depends(admin_only)) -> Response:
    columns.update_column(app_ctx(request), me, name, kind=kind or None, update_days=_days(days), parent=parent,
                          active=active == "1", now=now(request))
    return RedirectResponse("/admin/columns?done=column_updated", status_code=303)


@router.get("/freshness")
def freshness(request: Request, me: UserView = Depends(admin_only)) -> Response:
    return page(request, "admin_freshness.html", "栏目更新", report=columns.freshness(app_ctx(request), now=now(request)))
