"""What the web app holds for its lifetime, built once in create_app and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from fastapi.templating import Jinja2Templates

from sanshen.service.context import AppContext
from sanshen.web.security import SessionCodec
from storage.clock import Clock


@dataclass(frozen=True)
class WebState:
    ctx: AppContext
    codec: SessionCodec
    templates: Jinja2Templates
    clock: Clock
    secure_cookies: bool = False


def web_state(request: Request) -> WebState:
    return request.app.state.web


def app_ctx(request: Request) -> AppContext:
    return request.app.state.web.ctx


def now(request: Request) -> datetime:
    return request.app.state.web.clock()
