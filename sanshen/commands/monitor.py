"""sanshen monitor: checks of the live site after publication (exit 1 when something is wrong)."""

from __future__ import annotations

import typer

from sanshen.commands._common import app_context, cli_errors, fail, json_option, print_json

monitor_app = typer.Typer(help="发布后的站点巡检：链接等（发现问题时退出码为 1）。", no_args_is_help=True)


@monitor_app.command("links")
def links(
    as_json: bool = json_option(),
    last: bool = typer.Option(False, "--last", help="不重新巡检，只显示最近一次巡检的结果"),
) -> None:
    """全站链接巡检：探测全部已发布页面中的链接，按栏目列出死链与已跳转的链接；死链超过阈值时退出码为 1。"""
    from sanshen.service.site_links import link_report, run_link_sweep

    with app_context() as ctx, cli_errors():
        report = link_report(ctx) if last else run_link_sweep(ctx)
    if report is None:
        raise fail("尚未进行过链接巡检（去掉 --last 立即巡检）", 1)
    if as_json:
        print_json(report)
    else:
        typer.echo(f"链接巡检 #{report.sweep_id}：{report.pages} 个已发布页面，{report.links} 个不同链接；"
                   f"死链 {report.dead} 处，已跳转 {report.moved} 处，未检查（内网地址）{report.skipped} 处")
        for c in report.columns:
            typer.echo(f"  栏目“{c.column or '（未填）'}”：{c.pages} 个页面，{c.links} 个链接，"
                       f"死链 {c.dead}，已跳转 {c.moved}，未检查 {c.skipped}")
        for p in report.problems:
            where = f"稿件 {p.draft_id}《{p.title}》"
            if p.state == "dead":
                typer.echo(f"  死链：{where} {p.url}（{p.reason}）")
            else:
                typer.echo(f"  已跳转：{where} {p.url} → {p.final_url}")
    if report.over_threshold:
        raise fail(f"死链 {report.dead} 处，超过阈值 {report.max_dead}（SANSHEN_LINK_SWEEP_MAX_DEAD）", 1)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
