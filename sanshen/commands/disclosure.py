"""sanshen disclosure DRAFT 公开属性 --reason R: re-decide a draft's 公开属性 (audited; a new revision)."""

from __future__ import annotations

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    json_option,
    print_json,
    token_option,
)


def disclosure(
    draft: int = typer.Argument(..., help="稿件编号"),
    value: str = typer.Argument(..., help="新的公开属性：主动公开 | 依申请公开 | 不予公开"),
    reason: str = typer.Option(..., "--reason", help="改变的理由（记入审计，不能只写“无”）"),
    ground: str | None = typer.Option(None, "--ground", help="不予公开的法定依据（不予公开时必填）"),
    explanation: str | None = typer.Option(None, "--explanation", help="不予公开的理由说明（不予公开时必填）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """改变稿件的公开属性：生成新版本，从第一个人工环节重新审核，通过全部关口后才发布。"""
    from sanshen.service import checks, drafts

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        view = drafts.change_disclosure(ctx, actor, draft, disclosure=value, reason=reason,
                                        ground=ground, explanation=explanation, now=ctx.clock())
        checks.settle(ctx, view.id)  # the new revision's automated pass, here (a one-shot process)
        view = drafts.view(ctx, actor, view.id)
    if as_json:
        print_json(view)
        return
    typer.echo(f"稿件 {view.id} 的公开属性已改为“{view.disclosure}”，生成第 {view.revision} 版，重新进入审核")


def register(app: typer.Typer) -> None:
    app.command("disclosure")(disclosure)
