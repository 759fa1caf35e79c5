"""/site/: the published site, read from its store (a folder or S3), so every web front serves
every page whichever worker published it."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from flows.site import StaticSite
from flows.site_store import BadSitePath, clean_path

router = APIRouter()


def _site(request: Request) -> StaticSite:
    return request.app.state.site


def _media_type(path: str) -> str:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("json") else guessed


@router.get("/site")
def site_root() -> Response:
    return RedirectResponse("/site/", status_code=307)


@router.api_route("/site/{path:path}", methods=["GET", "HEAD"])
async def site_file(request: Request, path: str) -> Response:
    rel = path if path and not path.endswith("/") else f"{path}index.html"
    try:
        rel = clean_path(rel)
    except BadSitePath:
        raise StarletteHTTPException(404) from None
    store = _site(request).store
    data = await run_in_threadpool(store.read, rel)
    if data is None and not rel.endswith(".html"):
        if await run_in_threadpool(store.read, f"{rel}/index.html") is not None:
            return RedirectResponse(f"/site/{quote(rel)}/", status_code=307)
    if data is None:
        raise StarletteHTTPException(404)
    headers = {"X-Content-Type-Options": "nosniff"}
    if rel.startswith("attachments/"):
        # an uploaded file never runs as a page of this origin: downloaded, and sandboxed if opened
        name = rel.rsplit("/", 1)[-1]
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        headers["Content-Security-Policy"] = "sandbox"
    return Response(data, media_type=_media_type(rel), headers=headers)
