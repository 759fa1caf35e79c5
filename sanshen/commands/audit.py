"""sanshen audit DRAFT | audit verify | audit export --format csv|jsonl | audit key | audit checkpoint."""

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
    target: str = typer.Argument(..., metavar="DRAFT|verify|export|key|checkpoint",
                                 help="稿件号：列出其审计记录；verify：校验审计链及其签名检查点；export：导出审计链；"
                                      "key：显示检查点的公钥；checkpoint：立即签发一个检查点"),
    fmt: str | None = typer.Option(None, "--format", help="export 的格式：csv | jsonl"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """审计：sanshen audit DRAFT | verify | export --format csv|jsonl | key | checkpoint"""
    if target == "verify":
        _verify(as_json)
    elif target == "export":
        _export(fmt)
    elif target == "key":
        _key(as_json)
    elif target == "checkpoint":
        _checkpoint(as_json)
    elif target.isdigit():
        _for_draft(int(target), token, as_json)
    else:
        raise fail(f"无法识别“{target}”：应为稿件号、verify、export、key 或 checkpoint", 2)


def _verify(as_json: bool) -> None:
    from sanshen.service import audit as audit_service

    with app_context() as ctx:
        report = audit_service.verify(ctx)
    if as_json:
        print_json(report)
    elif report.ok:
        typer.echo(report.summary)
    if not report.ok:
        raise fail(report.summary, 1)


def _key(as_json: bool) -> None:
    from sanshen.service import audit as audit_service

    with app_context() as ctx:
        view = audit_service.key(ctx)
    if as_json:
        print_json(view)
        return
    typer.echo(f"审计检查点公钥（key id {view.key_id}）：{view.public_key}")
    typer.echo(view.public_key_pem.rstrip())
    typer.echo(f"私钥文件：{view.key_file}（请与数据库分开备份，勿外传）", err=True)


def _checkpoint(as_json: bool) -> None:
    from sanshen.service import audit as audit_service
    from storage.localtime import local_text

    with app_context() as ctx:
        view = audit_service.checkpoint_now(ctx)
        zone = ctx.settings.time_zone
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已签发检查点 #{view.seq}（时间 {local_text(view.at, zone, '%Y-%m-%d %H:%M:%S')}，"
                   f"key id {view.key_id}）")


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
