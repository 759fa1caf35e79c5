"""sanshen sweep: the site-wide re-check (存量信息排查) of every published page, with a progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from sanshen.commands._common import app_context, fail, json_option, print_json


@contextmanager
def progress_bar(shown: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (stdout stays for the report), fed (done, total)."""
    if not shown:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("复查已发布页面"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task("sweep", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def sweep(
    column: str | None = typer.Option(None, "--column", help="只复查这个栏目的已发布页面"),
    as_json: bool = json_option(),
    inline: bool = typer.Option(False, "--inline", help="不经 Prefect 与 Dask，在本进程内逐篇复查"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
) -> None:
    """全站复查（存量信息排查）：用当前词库重新检查全部已发布页面，按栏目列出现有“错误”级问题的页面；有则退出码为 1。"""
    from sanshen.service.site_sweep import run_site_sweep

    with app_context() as ctx, progress_bar(not quiet) as progress:
        view = run_site_sweep(ctx, column=column, inline=inline, progress=progress)
    if as_json:
        print_json(view)
    else:
        scope = f"栏目“{view.column}”" if view.column else "全站"
        typer.echo(f"全站复查 #{view.id}：{scope} {view.total} 个已发布页面，{view.pages_with_errors} 个有“错误”级问题"
                   f"（词库版本 {view.lexicon_version[:12]}）")
        for c in view.columns:
            typer.echo(f"  栏目“{c.column or '（未填）'}”：{c.pages_with_errors} 个页面，{c.errors} 处问题")
        for p in view.pages:
            typer.echo(f"  稿件 {p.draft_id}《{p.title}》（{p.column or '未填栏目'}，第 {p.revision} 稿）：")
            for f in p.findings:
                typer.echo(f"    {f.location}“{f.text}”：{f.message}")
    if view.pages_with_errors:
        raise fail(f"{view.pages_with_errors} 个已发布页面有“错误”级问题，请核实并更正", 1)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
