"""A cap on the size of every request body, enforced before anything parses it.

Without it a form or JSON body of any size is read (a multipart upload spooled to disk, a
URL-encoded or JSON body into memory) before the CSRF check or the route can refuse it,
also for a visitor who is not signed in.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_REQUEST_BYTES = 64 * 1024 * 1024
TOO_LARGE_MESSAGE = f"请求内容过大（上限 {MAX_REQUEST_BYTES // (1024 * 1024)} MB），未做任何更改。"


class RequestSizeLimit:
    """ASGI middleware: a declared Content-Length over the cap is answered 413 at once; a body
    that streams past the cap stops the route with a 413 where it reads the body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413, detail=TOO_LARGE_MESSAGE)
            return message

        await self.app(scope, limited, send)


async def _too_large(scope: Scope, send: Send) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"code": "http_413", "message": TOO_LARGE_MESSAGE}, ensure_ascii=False).encode("utf-8")
        media = b"application/json"
    else:
        body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过大</title>'
                f"<h1>请求过大</h1><p>{TOO_LARGE_MESSAGE}</p></html>").encode("utf-8")
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode("ascii")),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
