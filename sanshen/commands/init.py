"""sanshen init: create or upgrade the data directory and database (idempotent)."""

from __future__ import annotations

import typer

from sanshen.commands._common import app_context, json_option, print_json


def init(as_json: bool = json_option()) -> None:
    """创建或升级数据目录与数据库（可重复执行）。"""
    from casestore.apply import system_user_id
    from flows.integrity import adopt_published
    from sanshen.service.audit import anchor_of
    from sanshen.service.site import site_of
    from storage.db import transaction

    with app_context(upgrade=True) as ctx:
        site = site_of(ctx.settings)
        site.store.ensure()
        adopted = adopt_published(ctx.engine, site, now=ctx.clock())  # a site published before files were recorded
        with transaction(ctx.engine) as session:
            system_user_id(session, now=ctx.clock())
        anchor_of(ctx.settings).key()  # the audit checkpoints' key, made here on first use (back it up)
        info = {
            "home": str(ctx.settings.home),
            "database": ctx.engine.url.render_as_string(hide_password=True),
            "workflow": ctx.workflow.name,
            "workflow_version": ctx.workflow.version,
        }
    if as_json:
        print_json(info)
    else:
        typer.echo(f"数据目录已就绪：{info['home']}")
        typer.echo(f"数据库：{info['database']}（已升级到最新结构）")
        typer.echo(f"审核流程：{info['workflow']}（版本 {info['workflow_version']}）")
        if adopted:
            typer.echo(f"已按数据库中的签发内容记下此前发布的 {adopted} 个站点文件，供防篡改监测核对")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
