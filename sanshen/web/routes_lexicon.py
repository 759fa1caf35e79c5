"""Admin pages: the lexicon (search, add, disable, import, export); every edit audited by the service."""

from __future__ import annotations

import io
from pathlib import PurePath

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from checking.categories import CATEGORY_LABELS
from lexicon.model import TermKind
from review.refusals import InvalidInput
from sanshen.service import lexicon
from sanshen.service.validate import decode_utf8
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, require_roles
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now
from sanshen.web.uploads import MAX_UPLOAD_BYTES

router = APIRouter(prefix="/admin/lexicon", dependencies=[Depends(csrf_protect)])
admin_only = require_roles("admin")

KIND_LABELS = {
    TermKind.BANNED: "禁用词（附正确写法）",
    TermKind.FORMULATION: "规范表述",
    TermKind.TYPO: "易错词（错写 → 正写）",
    TermKind.CONTEXT: "慎用词（仅提示）",
    TermKind.SECRECY: "涉密标志",
    TermKind.ALLOW: "白名单（不报错）",
}
PAGE_LIMIT = 500


@router.get("")
def entries(request: Request, q: str = "", show_disabled: str = "", me: UserView = Depends(admin_only)) -> Response:
    rows = lexicon.list_entries(app_ctx(request), include_disabled=bool(show_disabled))
    needle = q.strip()
    if needle:
        rows = [e for e in rows if needle in e.term or needle in (e.correct or "") or needle in e.note]
    builtin_count, builtin = lexicon.search_builtin(needle, limit=PAGE_LIMIT)
    return page(request, "admin_lexicon.html", "词库", entries=rows[:PAGE_LIMIT], matched=len(rows), q=needle,
                builtin=builtin, builtin_count=builtin_count,
                show_disabled=bool(show_disabled), kinds={str(k): v for k, v in KIND_LABELS.items()},
                limit=PAGE_LIMIT, category_labels={str(k): v for k, v in CATEGORY_LABELS.items()})


@router.post("")
def add(request: Request, kind: str = Form(""), term: str = Form(""), correct: str = Form(""),
        category: str = Form(""), severity: str = Form("error"), note: str = Form(""),
        me: UserView = Depends(admin_only)) -> Response:
    entry = lexicon.LexiconInput(kind=kind, term=term.strip(), correct=correct.strip() or None,
                                 category=category or None, severity=severity, note=note.strip())
    lexicon.add_entry(app_ctx(request), me, entry, now=now(request))
    return RedirectResponse("/admin/lexicon?done=lexicon_added", status_code=303)


@router.post("/disable")
def disable(request: Request, kind: str = Form(""), term: str = Form(""), note: str = Form(""),
            me: UserView = Depends(admin_only)) -> Response:
    lexicon.disable_entry(app_ctx(request), me, kind, term, note=note.strip(), now=now(request))
    return RedirectResponse("/admin/lexicon?done=lexicon_disabled", status_code=303)


@router.post("/import")
async def import_file(request: Request, me: UserView = Depends(admin_only)) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise InvalidInput("missing_file", "请选择要导入的词表文件（.tsv 或 .jsonl）")
    name = PurePath(upload.filename).name
    fmt = PurePath(name).suffix.lower().lstrip(".")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("upload_too_large", f"{name} 过大")
    ctx = app_ctx(request)
    parsed = lexicon.parse_entries(decode_utf8(data, source=name), source=name, fmt=fmt)
    lexicon.import_entries(ctx, me, parsed, source=name, now=now(request))
    return RedirectResponse("/admin/lexicon?done=lexicon_imported", status_code=303)


@router.get("/export.tsv")
def export(request: Request, me: UserView = Depends(admin_only)) -> Response:
    out = io.StringIO()
    lexicon.export_entries(app_ctx(request), out, fmt="tsv")
    return Response(out.getvalue(), media_type="text/tab-separated-values; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="sanshen-lexicon.tsv"'})
