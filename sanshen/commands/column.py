"""sanshen column list | add | update: the column registry (栏目, 主动公开目录), admins only to change."""

from __future__ import annotations

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    json_option,
    print_json,
    token_option,
)

column_app = typer.Typer(help="栏目管理：登记网站栏目及其更新要求（修改须管理员，记入审计）。", no_args_is_help=True)

KIND_HELP = "栏目类型：home（首页）news（动态要闻）notice（通知公告）policy（政策文件）personnel（人事信息）plan（规划计划）other"


def _line(v) -> str:
    parent = f"（上级：{v.parent}）" if v.parent else ""
    state = "" if v.active else "（已停用）"
    return f"{v.name}\t{v.slug}\t{v.kind_label}\t每 {v.update_days} 天{parent}{state}"


@column_app.command("list")
def list_(as_json: bool = json_option()) -> None:
    """列出已登记的栏目及其更新要求。"""
    from sanshen.service import columns

    with app_context() as ctx:
        views = columns.list_columns(ctx)
    if as_json:
        print_json(views)
        return
    if not views:
        typer.echo("尚未登记任何栏目")
    for v in views:
        typer.echo(_line(v))


@column_app.command("add")
def add(
    name: str = typer.Argument(..., help="栏目名称（登记后不可改名）"),
    slug: str = typer.Option(..., "--path", help="栏目在网站上的路径：小写字母、数字、连字符"),
    kind: str = typer.Option("other", "--kind", help=KIND_HELP),
    days: int | None = typer.Option(None, "--days", help="更新要求：至少每多少天发布一次（默认随栏目类型）"),
    parent: str | None = typer.Option(None, "--parent", help="上级栏目名称"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """登记一个栏目。"""
    from sanshen.service import columns

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        view = columns.add_column(ctx, actor, columns.ColumnInput(
            name=name, slug=slug, kind=kind, update_days=days, parent=parent), now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已登记栏目：{_line(view)}")


@column_app.command("update")
def update(
    name: str = typer.Argument(..., help="栏目名称"),
    slug: str | None = typer.Option(None, "--path", help="新的路径"),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    days: int | None = typer.Option(None, "--days", help="新的更新要求（天）"),
    parent: str | None = typer.Option(None, "--parent", help="新的上级栏目；空字符串表示顶级栏目"),
    active: bool | None = typer.Option(None, "--active/--inactive", help="启用或停用（停用后不能再在其下提交稿件）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """修改栏目的路径、类型、更新要求、上级栏目或启用状态。"""
    from sanshen.service import columns

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        view = columns.update_column(ctx, actor, name, slug=slug, kind=kind, update_days=days,
                                     parent=columns.UNCHANGED if parent is None else parent,
                                     active=active, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已修改栏目：{_line(view)}")


def register(app: typer.Typer) -> None:
    app.add_typer(column_app, name="column")
