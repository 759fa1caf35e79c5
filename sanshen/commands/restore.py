"""sanshen restore DRAFT|PATH|all: write the signed version of tampered published files back."""

from __future__ import annotations

import typer

from sanshen.commands._common import acting_user, app_context, json_option, print_json, token_option


def restore(
    target: str = typer.Argument(..., metavar="DRAFT|PATH|all",
                                 help="稿件号（其页面与附件）、站点路径（如 index.html）或 all（全部问题）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """恢复签发版本（管理员）：改动或删除的文件写回发布时的内容，非 sanshen 写出的文件移除，记入审计。"""
    from sanshen.service import integrity as service

    with app_context() as ctx:
        done = service.restore(ctx, acting_user(ctx, token), target)
    if as_json:
        print_json(done)
        return
    for path in done.rewritten:
        typer.echo(f"已恢复\t{path}")
    for path in done.removed:
        typer.echo(f"已移除\t{path}")
    for draft_id in done.manifest_fixed:
        typer.echo(f"已修正清单\t稿件 {draft_id}")


def register(app: typer.Typer) -> None:
    app.command("restore")(restore)
