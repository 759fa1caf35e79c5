"""Jinja2 set-up and the one function every page renders through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Iterable

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from disclosure.terms import WithholdGround
from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from sanshen.service import claims, notifications
from sanshen.web.auth import ROLE_LABELS
from storage.localtime import DEFAULT_ZONE, local_text, zone, zone_label

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
CHINA = timezone(timedelta(hours=8), "北京时间")  # the default zone; pages use the configured one (local_zone)

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
    "request_registered": "申请已登记。", "request_assigned": "已分办。", "request_correction": "已告知补正，计时中止。",
    "request_resumed": "已登记补正，重新计时。", "request_extension_asked": "已申请延期，待领导批准。",
    "request_extended": "已批准延期。", "request_replied": "答复书已进入审签流程。", "request_sent": "答复已送达。",
    "request_archived": "已归档。", "annual_saved": "年报填报内容已保存。",
    "disclosure_changed": "公开属性已改变，生成新版本，重新进入审核。",
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
    "column_added": "栏目已登记。",
    "column_updated": "栏目已修改。",
    "sweep_requested": "已开始全站复查，进度见下。",
    "claimed": "已认领，同事的“下一篇”将跳过这项任务。",
    "unclaimed": "已放弃认领。",
    "queue_empty": "待办已全部处理完。",
    "unlocked": "账户已解锁。",
    "allowed": "已加入白名单；本稿及审核中的稿件将重新检查。",
    "commented": "意见已发表。",
    "suggested": "修改建议已提出，等待作者处理。",
    "suggestion_accepted": "已采纳修改建议，生成了新版本。",
    "suggestion_rejected": "已不采纳该修改建议。",
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
    ("/requests", "依申请公开", "foia"),
    ("/admin/annual-report", "信息公开年报", "admin"),
    ("/admin/columns", "栏目", "admin"),
    ("/admin/freshness", "栏目更新", "admin"),
    ("/admin/sweeps", "站点巡检", "admin"),
    ("/drafts", "全部稿件", None),
    ("/handled", "已办", None),
    ("/published", "已发布", None),
    ("/admin/outbox", "后台任务", "admin"),
)
# Nav entries whose sub-paths belong to other entries: current only on the exact path.
EXACT_NAV = frozenset({"/queue", "/drafts"})


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    current: bool


def fmt_time(value: datetime | str | None, zone_name: str = DEFAULT_ZONE) -> str:
    return local_text(value, zone_name)


def local_zone(request: Request) -> tzinfo:
    """The zone the pages show times in (SANSHEN_TIME_ZONE)."""
    return zone(request.app.state.web.ctx.settings.time_zone)


def waited(since: datetime | None, now: datetime) -> str:
    """How long since ``since``, in the largest whole units a person reads: 3 天 2 小时, 45 分钟."""
    if since is None:
        return "—"
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {mins} 分钟"
    return f"{mins} 分钟"


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def role_labels(roles: Iterable[str]) -> str:
    return "、".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "无角色"


def make_templates(zone_name: str = DEFAULT_ZONE) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.filters.update(
        time=lambda value: fmt_time(value, zone_name),
        filesize=file_size,
        waited=waited,
        role_labels=role_labels,
        status_label=DraftStatus.label_of,
        stage_status=lambda s: STAGE_STATUS_LABELS.get(s, s),
        severity=lambda s: SEVERITY_LABELS.get(str(s), str(s)),
        kind_label=DraftKind.label_of,
    )
    env.globals.update(zone_label=zone_label(zone_name), ROLE_LABELS=ROLE_LABELS, Disclosure=Disclosure, DraftKind=DraftKind, DraftStatus=DraftStatus)
    env.globals.update(WithholdGround=WithholdGround)
    return templates


def page(request: Request, template: str, title: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    web = request.app.state.web
    me = getattr(request.state, "user", None)
    path = request.url.path
    nav = [
        NavItem(href, label, path == href or (href not in EXACT_NAV and path.startswith(href + "/")))
        for href, label, role in NAV
        if me is not None and (role is None or role in me.roles)
    ]
    unread = notifications.unread_count(web.ctx, me) if me is not None else 0
    alerts = context.pop("urgent_alerts", None)  # a page that has read the queue passes its urgent items
    if alerts is None:
        alerts = claims.urgent_waiting(web.ctx, me, now=web.clock()) if me is not None else []
    session = getattr(request.state, "session", None)
    return web.templates.TemplateResponse(
        request,
        template,
        {
            "page_title": title,
            "me": me,
            "csrf": session.csrf if session else "",
            "unread": unread,
            "urgent_alerts": alerts,
            "nav_items": nav,
            "flash": FLASH.get(request.query_params.get("done", "")),
            **context,
        },
        status_code=status_code,
    )
