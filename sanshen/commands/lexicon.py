"""sanshen lexicon list | add | disable | import | export (admin edits, each audited)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    json_option,
    print_json,
    read_text_file,
    token_option,
)

lexicon_app = typer.Typer(help="词库管理（管理员）：修改记入审计，并触发对审核中稿件的重新检查。",
                          no_args_is_help=True)

KIND_HELP = "类型：banned formulation typo context secrecy allow"


@lexicon_app.command("list")
def list_(
    all_: bool = typer.Option(False, "--all", help="包括已停用的词条"),
    as_json: bool = json_option(),
) -> None:
    """列出管理员维护的词条（合并在词库文件之上）。"""
    from sanshen.service import lexicon as lexicon_service

    with app_context() as ctx:
        entries = lexicon_service.list_entries(ctx, include_disabled=all_)
    if as_json:
        print_json(entries)
        return
    if not entries:
        typer.echo("没有管理员维护的词条")
    for e in entries:
        state = "" if e.enabled else "（已停用）"
        typer.echo(f"{e.id}\t{e.kind}\t{e.term}\t{e.correct or '-'}\t{e.category}\t{e.severity}{state}")


@lexicon_app.command("add")
def add(
    kind: str = typer.Argument(..., help=KIND_HELP),
    term: str = typer.Argument(..., help="词条"),
    correct: str | None = typer.Option(None, "--correct", help="正确写法"),
    category: str | None = typer.Option(None, "--category", help="问题类别（默认随类型）"),
    severity: str = typer.Option("error", "--severity", help="error | warning | info"),
    note: str = typer.Option("", "--note", help="备注"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """添加或替换一个词条。"""
    from sanshen.service import lexicon as lexicon_service
    from sanshen.service.lexicon import LexiconInput

    with app_context() as ctx:
        view = lexicon_service.add_entry(ctx, acting_user(ctx, token), LexiconInput(
            kind=kind, term=term, correct=correct, category=category, severity=severity, note=note), now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已添加词条 {view.id}：{view.kind} {view.term}")


@lexicon_app.command("disable")
def disable(
    kind: str = typer.Argument(..., help=KIND_HELP),
    term: str = typer.Argument(..., help="词条"),
    note: str = typer.Option("", "--note", help="停用原因"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """停用一个词条（无论来自词库文件还是管理员添加）。"""
    from sanshen.service import lexicon as lexicon_service

    with app_context() as ctx:
        view = lexicon_service.disable_entry(ctx, acting_user(ctx, token), kind, term, note=note, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已停用词条：{view.kind} {view.term}")


@lexicon_app.command("import")
def import_(
    file: str = typer.Argument(..., help="TSV（kind term correct category severity note）或 .jsonl 文件"),
    token: str | None = token_option(),
) -> None:
    """批量导入词条：任何一行有误则全部不导入。"""
    fmt = "jsonl" if Path(file).suffix.lower() in (".jsonl", ".json") else "tsv"
    from sanshen.service import lexicon as lexicon_service

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        entries = lexicon_service.parse_entries(read_text_file(file), source=file, fmt=fmt)
        count = lexicon_service.import_entries(ctx, actor, entries, source=file, now=ctx.clock())
    typer.echo(f"已导入 {count} 个词条")


@lexicon_app.command("export")
def export(fmt: str = typer.Option("tsv", "--format", help="tsv | jsonl")) -> None:
    """把管理员维护的词条导出到标准输出。"""
    from sanshen.service import lexicon as lexicon_service

    with app_context() as ctx:
        lexicon_service.export_entries(ctx, sys.stdout, fmt=fmt)


def register(app: typer.Typer) -> None:
    app.add_typer(lexicon_app, name="lexicon")
