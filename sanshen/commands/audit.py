"""sanshen audit DRAFT | audit verify | audit export --format csv|jsonl."""

from __future__ import annotations

import json
import sys

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    fail,
    json_option,
    print_json,
    token_option,
)


def audit(
    target: str = typer.Argument(..., metavar="DRAFT|verify|export",
                                 help="稿件号：列出其审计记录；verify：校验审计链；export：导出审计链"),
    fmt: str | None = typer.Option(None, "--format", help="export 的格式：csv | jsonl"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """审计：sanshen audit DRAFT | sanshen audit verify | sanshen audit export --format csv|jsonl"""
    if target == "verify":
        _verify(as_json)
    elif target == "export":
        _export(fmt)
    elif target.isdigit():
        _for_draft(int(target), token, as_json)
    else:
        raise fail(f"无法识别“{target}”：应为稿件号、verify 或 export", 2)


def _verify(as_json: bool) -> None:
    from sanshen.service import audit as audit_service

    with app_context() as ctx:
        report = audit_service.verify(ctx)
    if as_json:
        print_json(report)
    elif report.ok:
        typer.echo(f"审计链完好：共校验 {report.checked} 条记录")
    if not report.ok:
        raise fail(f"审计链在第 {report.first_broken_seq} 条记录处断裂：{report.reason}", 1)


def _export(fmt: str | None) -> None:
    from sanshen.service import audit as audit_service
    from sanshen.service.audit import EXPORT_FORMATS

    if fmt not in EXPORT_FORMATS:
        raise fail(f"请用 --format 指定导出格式：{' | '.join(EXPORT_FORMATS)}", 2)
    with app_context() as ctx:
        count = audit_service.export(ctx, fmt, sys.stdout)
    typer.echo(f"已导出 {count} 条审计记录", err=True)


def _for_draft(draft_id: int, token: str | None, as_json: bool) -> None:
    from sanshen.service import audit as audit_service
    from storage.localtime import local_text

    with app_context() as ctx:
        events = audit_service.for_draft(ctx, acting_user(ctx, token), draft_id)
        zone = ctx.settings.time_zone
    if as_json:
        print_json(events)
        return
    for e in events:
        payload = json.dumps(e.payload, ensure_ascii=False, sort_keys=True)
        typer.echo(f"{e.seq}\t{local_text(e.at, zone, '%Y-%m-%d %H:%M:%S')}\t{e.actor or '-'}\t{e.action}\t{payload}")


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
