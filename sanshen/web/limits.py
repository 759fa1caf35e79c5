"""A cap on the size of every request body, enforced before anything parses it.

Without it a form or JSON body of any size is read (a multipart upload spooled to disk, a
URL-encoded or JSON body into memory) before the CSRF check or the route can refuse it,
also for a visitor who is not signed in.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_REQUEST_BYTES = 64 * 1024 * 1024
TOO_LARGE_MESSAGE = f"请求内容过大（上限 {MAX_REQUEST_BYTES // (1024 * 1024)} MB），未做任何更改。"
_GONE: Message = {"type": "http.disconnect"}


class RequestSizeLimit:
    """ASGI middleware: a declared Content-Length over the cap is answered 413 at once. A body that
    streams past the cap (chunked, no length) ends there for the app, which is told the client left;
    whatever the app then answers or raises is replaced by the 413."""

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
        over = started = False

        async def limited() -> Message:
            nonlocal received, over
            if over:
                return _GONE
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                over = received > self.max_bytes
                if over:
                    return _GONE
            return message

        async def unless_over(message: Message) -> None:
            nonlocal started
            if over and not started:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, unless_over)
        except Exception:
            if not over or started:
                raise
        if over and not started:
            await _too_large(scope, send)


async def _too_large(scope: Scope, send: Send) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"code": "http_413", "message": TOO_LARGE_MESSAGE}, ensure_ascii=False).encode("utf-8")
        media = b"application/json"
    else:
        body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过大</title>'
                f"<h1>请求过大</h1><p>{TOO_LARGE_MESSAGE}</p></html>").encode("utf-8")
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode("ascii"))]})
    await send({"type": "http.response.body", "body": body})
