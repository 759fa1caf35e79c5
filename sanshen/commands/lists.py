"""sanshen drafts list | handled | published; sanshen claim | unclaim | next."""

from __future__ import annotations

import typer

from lexicon.vocabulary import DraftStatus
from sanshen.commands._common import acting_user, app_context, json_option, print_json, token_option

drafts_app = typer.Typer(help="稿件清单：全部稿件（可筛选、分页）、我的已办、已发布。", no_args_is_help=True)


def _local(value) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _print_page(result) -> None:
    if not result.items:
        typer.echo("没有符合条件的稿件")
    for r in result.items:
        flags = "【紧急】" if r.urgent else ""
        stages = "、".join(r.open_stages) or "-"
        typer.echo(f"{flags}{r.id}\t{DraftStatus.label_of(r.status)}\t{stages}\t错误 {r.errors}\t{r.author}\t"
                   f"{_local(r.submitted_at)}\t{r.title}")
    last = max(1, -(-result.total // result.per_page))
    typer.echo(f"共 {result.total} 篇，第 {result.page}/{last} 页")


@drafts_app.command("list")
def list_drafts(
    status: str | None = typer.Option(None, "--status", help="状态：in_review returned approved published withdrawn（或中文）"),
    column: str | None = typer.Option(None, "--column", help="栏目"),
    author: str | None = typer.Option(None, "--author", help="作者用户名"),
    stage: str | None = typer.Option(None, "--stage", help="正在进行的环节，如 一校"),
    since: str | None = typer.Option(None, "--since", help="提交日期从（YYYY-MM-DD，北京时间）"),
    until: str | None = typer.Option(None, "--until", help="提交日期到（YYYY-MM-DD，含当天）"),
    page: int = typer.Option(1, "--page", help="页码"),
    per_page: int = typer.Option(50, "--per-page", help="每页条数（1–200）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """全部稿件（我有权查看的），最新的在前。"""
    from sanshen.service import lists

    with app_context() as ctx:
        result = lists.all_drafts(ctx, acting_user(ctx, token), lists.DraftFilter(
            status=status, column=column, author=author, stage=stage,
            since=lists.parse_day(since, what="--since"), until=lists.parse_day(until, what="--until"),
            page=page, per_page=per_page))
    print_json(result) if as_json else _print_page(result)


@drafts_app.command("published")
def published(
    page: int = typer.Option(1, "--page", help="页码"),
    column: str | None = typer.Option(None, "--column", help="栏目"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """已发布的稿件，最近发布的在前（撤稿时用其编号）。"""
    from sanshen.service import lists

    with app_context() as ctx:
        result = lists.published(ctx, acting_user(ctx, token), page=page, column=column)
    print_json(result) if as_json else _print_page(result)


@drafts_app.command("handled")
def handled(
    page: int = typer.Option(1, "--page", help="页码"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """我的已办：我签批或退回过的稿件，最近的在前。"""
    from sanshen.service import lists

    with app_context() as ctx:
        items = lists.handled(ctx, acting_user(ctx, token), page=page)
    if as_json:
        print_json(items)
        return
    if not items:
        typer.echo("您还没有签批或退回过稿件")
    for h in items:
        what = "签批" if h.decision == "approve" else "退回"
        voided = "（已作废）" if h.voided else ""
        typer.echo(f"{h.draft_id}\t{h.stage}\t{what}{voided}\t第 {h.revision} 版\t{_local(h.at)}\t{h.title}")


def claim(
    draft: int = typer.Argument(..., help="稿件号"),
    stage: str | None = typer.Option(None, "--stage", help="环节（同时有多个可签环节时必填）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """认领一项待办（“我来处理”）：同事仍能看到它及认领人，但他们的“下一篇”会跳过它。"""
    from sanshen.service import claims

    with app_context() as ctx:
        view = claims.claim(ctx, acting_user(ctx, token), draft, stage=stage, now=ctx.clock())
    print_json(view) if as_json else typer.echo(f"已认领稿件 {view.draft_id} 的“{view.stage}”")


def unclaim(
    draft: int = typer.Argument(..., help="稿件号"),
    stage: str | None = typer.Option(None, "--stage", help="环节"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """放弃认领（管理员也可释放他人的认领）。"""
    from sanshen.service import claims

    with app_context() as ctx:
        view = claims.unclaim(ctx, acting_user(ctx, token), draft, stage=stage, now=ctx.clock())
    print_json(view) if as_json else typer.echo(f"已放弃 {view.user} 对稿件 {view.draft_id}“{view.stage}”的认领")


def next_(token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """下一篇：我的待办中最紧急、且没有被同事认领的一项（我认领的优先）。"""
    from sanshen.service import claims

    with app_context() as ctx:
        item = claims.next_item(ctx, acting_user(ctx, token), now=ctx.clock())
    if as_json:
        print_json(item)
    elif item is None:
        typer.echo("目前没有等待您处理的稿件")
    else:
        typer.echo(f"{item.id}\t{item.stage}\t截止 {_local(item.due_at)}\t{item.title}")


def register(app: typer.Typer) -> None:
    app.add_typer(drafts_app, name="drafts")
    app.command("claim")(claim)
    app.command("unclaim")(unclaim)
    app.command("next")(next_)
