"""Jinja2 set-up and the one function every page renders through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, timedelta
from pathlib import Path
from typing import Any, Iterable

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from sanshen.service import notifications
from sanshen.web.auth import ROLE_LABELS

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
CHINA = timezone(timedelta(hours=8), "北京时间")

STAGE_STATUS_LABELS = {
    "open": "进行中",
    "done": "已完成",
    "returned": "已退回",
    "voided": "已作废",
    "pending": "未开始",
    "signed": "已签",
}
SEVERITY_LABELS = {"error": "严重", "warning": "提示", "info": "信息"}

FLASH = {
    "signed": "已签批。",
    "returned": "已退回。",
    "waived": "已豁免该问题。",
    "revised": "已提交修改稿，流程从第一道人工环节重新开始。",
    "submitted": "稿件已提交。",
    "withdrawn": "已撤稿。",
    "user_added": "用户已创建。",
    "roles_set": "角色已更新。",
    "password_set": "密码已设置。",
    "deactivated": "用户已停用，其登录会话已失效。",
    "activated": "用户已启用。",
    "lexicon_added": "词条已添加。",
    "lexicon_disabled": "词条已停用。",
    "lexicon_imported": "词表已导入。",
    "read": "已标为已读。",
    "requeued": "已重新排队，运行中的流程调度器将再次执行。",
}

NAV = (
    ("/queue", "我的待办", None),
    ("/drafts/new", "新建稿件", "editor"),
    ("/drafts/mine", "我的稿件", "editor"),
    ("/admin/users", "用户与角色", "admin"),
    ("/admin/lexicon", "词库", "admin"),
    ("/admin/audit", "审计记录", "admin"),
    ("/admin/stats", "统计", "admin"),
    ("/admin/outbox", "后台任务", "admin"),
)


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    current: bool


def fmt_time(value: datetime | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def role_labels(roles: Iterable[str]) -> str:
    return "、".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "无角色"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.filters.update(
        time=fmt_time,
        filesize=file_size,
        role_labels=role_labels,
        status_label=DraftStatus.label_of,
        stage_status=lambda s: STAGE_STATUS_LABELS.get(s, s),
        severity=lambda s: SEVERITY_LABELS.get(str(s), str(s)),
        kind_label=DraftKind.label_of,
    )
    env.globals.update(ROLE_LABELS=ROLE_LABELS, Disclosure=Disclosure, DraftKind=DraftKind, DraftStatus=DraftStatus)
    return templates


def page(request: Request, template: str, title: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    web = request.app.state.web
    me = getattr(request.state, "user", None)
    path = request.url.path
    nav = [
        NavItem(href, label, path == href or (href != "/queue" and path.startswith(href + "/")))
        for href, label, role in NAV
        if me is not None and (role is None or role in me.roles)
    ]
    unread = notifications.unread_count(web.ctx, me) if me is not None else 0
    session = getattr(request.state, "session", None)
    return web.templates.TemplateResponse(
        request,
        template,
        {
            "page_title": title,
            "me": me,
            "csrf": session.csrf if session else "",
            "unread": unread,
            "nav_items": nav,
            "flash": FLASH.get(request.query_params.get("done", "")),
            **context,
        },
        status_code=status_code,
    )
