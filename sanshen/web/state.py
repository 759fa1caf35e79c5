"""What the web app holds for its lifetime, built once in create_app and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from fastapi import Request
from fastapi.templating import Jinja2Templates

from sanshen.service.context import AppContext
from sanshen.web.security import SessionCodec


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class WebState:
    ctx: AppContext
    codec: SessionCodec
    templates: Jinja2Templates
    clock: Callable[[], datetime] = utcnow
    secure_cookies: bool = False


def web_state(request: Request) -> WebState:
    return request.app.state.web


def app_ctx(request: Request) -> AppContext:
    return request.app.state.web.ctx


def now(request: Request) -> datetime:
    return request.app.state.web.clock()
