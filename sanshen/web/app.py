"""The FastAPI application: pages, the REST API, static files and the published site."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from review.refusals import InvalidInput, Refused
from sanshen.service.context import AppContext
from sanshen.service.errors import answer
from sanshen.service.site import site_of
from sanshen.web import (
    api,
    routes_admin,
    routes_audit,
    routes_auth,
    routes_columns,
    routes_drafts,
    routes_findings,
    routes_lexicon,
    routes_lists,
    routes_notifications,
    routes_opinions,
    routes_ops,
    routes_outbox,
    routes_requests,
    routes_revisions,
    routes_site,
    routes_stats,
    routes_sweeps,
)
from sanshen.web.auth import (
    CsrfRejected,
    Forbidden,
    SessionMiddleware,
    SignInRequired,
    current_user,
    login_url,
    safe_next,
)
from sanshen.web.limits import TOO_LARGE_MESSAGE, RequestSizeLimit
from sanshen.web.metrics import metrics_registry
from sanshen.web.render import STATIC_DIR, make_templates, page
from sanshen.web.security import SessionCodec, load_or_create_secret
from sanshen.web.state import WebState
from sanshen.web.text_guard import refuse_unstorable_text
from storage.clock import Clock


def create_app(ctx: AppContext, *, clock: Clock | None = None, secret: bytes | None = None) -> FastAPI:
    app = FastAPI(
        title="sanshen 三审三校 API",
        version="1",
        description="三审三校工作流与签批引擎的 REST 接口（/api/v1，Bearer 令牌认证）。",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(refuse_unstorable_text)],
    )
    key = secret or load_or_create_secret(ctx.settings.home, ctx.settings.secret_key)
    app.state.web = WebState(ctx=ctx, codec=SessionCodec(key), templates=make_templates(ctx.settings.time_zone), clock=clock or ctx.clock,
                             secure_cookies=ctx.settings.secure_cookies)
    app.state.metrics = metrics_registry(ctx)
    app.add_middleware(SessionMiddleware)
    app.add_middleware(RequestSizeLimit)
    # The API first: FastAPI matches a path against every included router in turn, and the pages'
    # routers (none under /api/) would each be tried before it on every API request.
    app.include_router(api.router)
    for module in (routes_auth, routes_drafts, routes_notifications, routes_admin, routes_lexicon,
                   routes_audit, routes_stats, routes_requests, routes_columns, routes_site, routes_sweeps,
                   routes_ops, routes_lists, routes_findings, routes_revisions, routes_opinions, routes_outbox):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.site = site_of(ctx.settings)  # /site/ serves this store (routes_site.py)
    _install_error_pages(app)
    return app


def _bad_json() -> InvalidInput:
    """An API body FastAPI cannot parse: one refusal whatever failed (encoding, syntax, nesting)."""
    return InvalidInput("bad_json", "请求正文不是有效的 JSON（须为 UTF-8 编码，嵌套不超过数百层），未做任何更改")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, heading: str, message: str, code: str | None = None) -> Response:
    if getattr(request.state, "session", None) is not None and getattr(request.state, "user", None) is None:
        try:  # show the signed-in header on error pages too, when the error came before the user was read
            current_user(request)
        except (SignInRequired, Refused):
            pass
    referer = request.headers.get("referer", "")
    back = None
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc:
            back = safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
    return page(request, "error.html", heading, status_code=status, heading=heading, message=message,
                code=code, back=back)


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        status = answer(exc).http_status
        if _is_api(request):
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=status)
        heading = {401: "未登录", 403: "无权操作", 404: "未找到", 409: "操作被拒绝", 422: "输入有误"}.get(status, "操作失败")
        return _error_page(request, status, heading, exc.message, exc.code)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, "无权访问", exc.message, "forbidden")

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        return _error_page(request, 403, "请求被拒绝", exc.message, "csrf")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request) and any(err.get("type") == "json_invalid" for err in exc.errors()):
            return await refused(request, _bad_json())
        fields = "、".join(".".join(str(p) for p in err.get("loc", ())[1:]) or "请求" for err in exc.errors())
        message = f"请求参数有误：{fields}"
        if _is_api(request):
            return JSONResponse({"code": "bad_request", "message": message}, status_code=422)
        return _error_page(request, 422, "输入有误", message, "bad_request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Starlette still logs and re-raises the exception after this answer is sent.
        message = "服务器内部错误，操作可能未完成，请稍后重试或联系管理员。"
        if _is_api(request):
            return JSONResponse({"code": "internal_error", "message": message}, status_code=500)
        # No template and no database here: they may be what failed.
        return HTMLResponse(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了</title>'
                            f"<h1>出错了</h1><p>{message}</p></html>", status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) and exc.status_code == 400:  # FastAPI could not read the body (not UTF-8, too deep)
            return await refused(request, _bad_json())
        message = {
            400: "请求格式有误（例如表单中的某一项超过 1 MB 或格式不正确），未做任何更改。",
            404: "页面不存在。", 405: "不支持此请求方式。", 413: TOO_LARGE_MESSAGE,
        }.get(exc.status_code, str(exc.detail))
        if _is_api(request):
            return JSONResponse({"code": f"http_{exc.status_code}", "message": message},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return _error_page(request, exc.status_code, "出错了", message)
