"""sanshen monitor freshness|integrity|links …: checks of the live site after publication; each exits 1 when something is wrong."""

from __future__ import annotations

import typer

from sanshen.commands._common import app_context, cli_errors, fail, json_option, print_json

monitor_app = typer.Typer(help="发布后监测：发现问题时退出码为 1。", no_args_is_help=True)

STATUS_MARK = {"green": "正常", "due_soon": "即将超期", "overdue": "已超期"}


@monitor_app.command("freshness")
def freshness(as_json: bool = json_option()) -> None:
    """栏目更新监测：每个栏目距最近一次发布的天数与其更新要求；有栏目超期时退出码为 1。"""
    from sanshen.service import columns

    with app_context() as ctx:
        view = columns.freshness(ctx, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        for c in view.columns:
            since = "从未发布" if c.days_since is None else f"{c.days_since:.1f} 天前发布"
            blank = "（空白栏目）" if c.blank else ""
            typer.echo(f"{c.status_label}\t{c.name}\t{since}，要求每 {c.update_days} 天{blank}")
        typer.echo(f"超期 {view.overdue} 个，即将超期 {view.due_soon} 个，空白栏目 {view.blank_count} 个"
                   f"（达到 {view.blank_limit} 个即单项否决）")
    if view.overdue:
        late = "、".join(c.name for c in view.columns if c.status == "overdue")
        veto = "；按检查指标，网站将被单项否决（首页超期未更新或空白栏目达到上限）" if view.vetoed else ""
        typer.echo(f"错误：{view.overdue} 个栏目超过更新要求未发布：{late}{veto}", err=True)
        raise typer.Exit(1)


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
