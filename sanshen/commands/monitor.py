"""sanshen monitor integrity [--json]: the after-publication monitors, run now (exit 1 when something is wrong)."""

from __future__ import annotations

import typer

from sanshen.commands._common import app_context, fail, json_option, print_json

monitor_app = typer.Typer(help="发布后的监测：发现问题时以退出码 1 结束。", no_args_is_help=True)


@monitor_app.command("integrity")
def integrity(as_json: bool = json_option()) -> None:
    """防篡改监测：逐个读取已发布的文件（设置 SANSHEN_SITE_URL 时另经 HTTP），与发布时记录的哈希核对。"""
    from sanshen.service import integrity as service

    with app_context() as ctx:
        report = service.monitor(ctx)
    if as_json:
        print_json(report)
    else:
        for p in report.problems:
            typer.echo(f"{p.label}\t{p.path}" + (f"\t稿件 {p.draft_id}" if p.draft_id is not None else ""))
            if p.diff:
                typer.echo(p.diff.rstrip("\n"))
        if report.ok:
            typer.echo(f"防篡改监测：{report.checked} 个已发布文件与签发版本一致"
                       + ("（含对外网站）" if report.over_http else ""))
    if not report.ok:
        raise fail(f"{len(report.problems)} 处与签发版本不符，已通知管理员；用 sanshen restore 稿件号|路径|all 恢复", 1)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
