"""sanshen outbox list | requeue: the background work not done yet, and dead items put back in the queue."""

from __future__ import annotations

import typer

from sanshen.commands._common import acting_user, app_context, json_option, print_json, token_option

outbox_app = typer.Typer(help="后台任务（发件箱）：查看未完成与已放弃的任务，把已放弃的任务重新排队（管理员）。",
                         no_args_is_help=True)

@outbox_app.command("list")
def list_(
    dead: bool = typer.Option(False, "--dead", help="只列已放弃的任务（多次失败后停止重试的）"),
    all_: bool = typer.Option(False, "--all", help="也列已完成的任务"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """列出未完成的后台任务（最新的在前，最多 500 项）。"""
    from sanshen.service import outbox
    from sanshen.service.outbox import STATE_LABELS

    with app_context() as ctx:
        actor = acting_user(ctx, token) if (token or ctx.settings.token) else None
        items = outbox.list_items(ctx, actor, state="dead" if dead else "all" if all_ else "open")
    if as_json:
        print_json(items)
        return
    if not items:
        typer.echo("没有已放弃的后台任务" if dead else "没有未完成的后台任务")
    for i in items:
        error = f"\t{i.last_error}" if i.last_error else ""
        typer.echo(f"{i.id}\t{i.kind}\t{i.key}\t{STATE_LABELS[i.state]}\t尝试 {i.attempts} 次{error}")


@outbox_app.command("requeue")
def requeue(
    item_id: int = typer.Argument(..., help="任务编号（见 sanshen outbox list --dead）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """把一项已放弃的后台任务重新排队（尝试次数从零计，记入审计）。"""
    from sanshen.service import outbox

    with app_context() as ctx:
        actor = acting_user(ctx, token) if (token or ctx.settings.token) else None
        view = outbox.requeue(ctx, actor, item_id, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已重新排队：{view.kind}（{view.key}），由运行中的流程调度器执行")


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
