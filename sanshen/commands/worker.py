"""sanshen worker: the flow dispatcher alone (publication, routing, link checks, re-checks, sweeps)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

import typer

from sanshen.commands._common import app_context, fail
from sanshen.settings import Settings

T = TypeVar("T")
log = logging.getLogger("sanshen.flows")

if TYPE_CHECKING:
    from flows.dispatcher import Dispatcher, DispatcherConfig
    from flows.webhook import WebhookConfig
    from sanshen.service.context import AppContext
    from sanshen.service.draft_pass import CheckPool


def webhook_config(ctx: AppContext) -> WebhookConfig | None:
    from flows.webhook import WebhookConfig

    s = ctx.settings
    if not s.webhook_url:
        return None
    return WebhookConfig(url=s.webhook_url, secret=s.webhook_secret or "")


def _pause_hook(seconds: float) -> Callable[[], None] | None:
    return (lambda: time.sleep(seconds)) if seconds > 0 else None


FRESHNESS_EVERY = timedelta(hours=1)  # how often serve and worker check the columns' freshness


def dispatcher_config(settings: Settings, *, lease: timedelta | None = None) -> DispatcherConfig:
    """The dispatcher's configuration under these settings (the link checker's guard included);
    without ``lease``, the dispatcher's default lease."""
    from flows.dispatcher import DispatcherConfig
    from flows.links import LinkPolicy
    from flows.sitesweep import DaskOptions
    from review.freshness import FreshnessPolicy
    from sanshen.service.requests import work_calendar

    policy = LinkPolicy(enabled=settings.link_check, allow_private=settings.link_check_private)
    freshness = FreshnessPolicy(warn_days=settings.freshness_warn_days, blank_limit=settings.blank_column_limit)
    every = timedelta(minutes=settings.integrity_minutes) if settings.integrity_minutes > 0 else None
    return DispatcherConfig(lease=DispatcherConfig.lease if lease is None else lease, link_policy=policy,
                            calendar=work_calendar(settings), freshness=freshness, freshness_every=FRESHNESS_EVERY,
                            integrity_every=every, public_site_url=settings.site_url,
                            link_sweep_every=timedelta(hours=settings.link_sweep_hours),
                            link_sweep_max_dead=settings.link_sweep_max_dead,
                            dask=DaskOptions(address=settings.dask_address, workers=settings.dask_workers),
                            time_zone=settings.time_zone, prefect_name=settings.prefect_name,
                            draft_slots=settings.prefect_draft_slots,
                            slot_wait=timedelta(seconds=settings.prefect_slot_wait),
                            pending_grace=timedelta(seconds=settings.prefect_pending_grace),
                            checkpoint_every=timedelta(minutes=settings.audit_checkpoint_minutes)
                            if settings.audit_checkpoint_minutes > 0 else None)


def build_dispatcher(ctx: AppContext, *, use_prefect: bool = True, prefect_api_url: str | None = None,
                     config: DispatcherConfig | None = None, server_schedules: bool = False,
                     pool: CheckPool | None = None) -> Dispatcher:
    """The dispatcher for this data directory; without ``config``, the one :func:`dispatcher_config`
    makes of the context's settings. With ``use_prefect``, run it inside :func:`running_dispatcher`;
    ``server_schedules``: Prefect is a configured server, whose scheduler runs the sweep and monitors.
    With ``pool``, drafts' automated passes run in that process pool (``sanshen serve``)."""
    from flows.dispatcher import Dispatcher
    from sanshen.service.audit import anchor_of
    from sanshen.service.draft_pass import PooledPass, TimedPass, current_pass
    from sanshen.service.site import site_of
    from sanshen.service.site_sweep import lexicon_pass

    def draft_checker() -> TimedPass:
        if pool is not None:
            return TimedPass(PooledPass(pool, lexicon_pass(ctx)), ctx.observe_check)
        return TimedPass(current_pass(ctx), ctx.observe_check)

    return Dispatcher(
        engine=ctx.engine, workflow=ctx.workflow, workflows=ctx.workflows, site=site_of(ctx.settings),
        checker_factory=lambda: current_pass(ctx), webhook=webhook_config(ctx),
        use_prefect=use_prefect, config=config or dispatcher_config(ctx.settings),
        after_site_write=_pause_hook(ctx.settings.fault_publish_pause), clock=ctx.clock,
        prefect_api_url=prefect_api_url, sweep_recipe=lambda: lexicon_pass(ctx), anchor=anchor_of(ctx.settings),
        server_schedules=server_schedules, draft_checker=draft_checker,
    )


@contextmanager
def running_dispatcher(ctx: AppContext, *, inline: bool = False, config: DispatcherConfig | None = None,
                       pool: CheckPool | None = None) -> Iterator[Dispatcher]:
    """The dispatcher (also used by ``sanshen serve``, with a ``pool`` for the automated pass) with
    its Prefect API up for the block and stopped after it (none when ``inline``). Enter it before
    starting other threads."""
    from flows.prefect_runtime import prefect_api

    if inline:
        dispatcher = build_dispatcher(ctx, use_prefect=False, config=config, pool=pool)
        dispatcher.release_dead_local_claims()
        yield dispatcher
        return
    with ExitStack() as stack:
        try:
            api_url = stack.enter_context(prefect_api(ctx.settings.prefect_home))
            # no embedded API started: PREFECT_API_URL names a server, whose scheduler runs the interval jobs
            dispatcher = build_dispatcher(ctx, prefect_api_url=api_url, config=config, server_schedules=api_url is None,
                                          pool=pool)
            dispatcher.prepare()
        except Exception as exc:  # Prefect's API did not come up or does not answer: publication must not wait
            stack.close()
            log.warning("Prefect API unavailable, running the flows inline: %s", exc)
            typer.echo(f"警告：Prefect API 不可用（{exc}），本次改为不经 Prefect 直接执行后台任务", err=True)
            dispatcher = build_dispatcher(ctx, use_prefect=False, config=config, pool=pool)
        dispatcher.release_dead_local_claims()
        yield dispatcher


def _check_pool(ctx: AppContext, stack: ExitStack) -> CheckPool:
    """The process that runs drafts' automated passes (closed with ``stack``), its checker built now:
    serve's dispatcher child keeps the pass off the GIL of the thread that publishes."""
    from sanshen.service.draft_pass import CheckPool
    from sanshen.service.site_sweep import lexicon_pass

    pool = CheckPool()
    stack.callback(pool.close)
    pool.warm(lexicon_pass(ctx))
    return pool


def in_thread(target: Callable[[], T]) -> T:
    """Run ``target`` in a thread while this (main) thread only waits and takes signals: Prefect's
    flow engine, run in the main thread, would put its own SIGTERM handler in place of ours and
    end the run as CRASHED instead of letting the item in hand finish."""
    outcome: dict[str, object] = {}

    def body() -> None:
        try:
            outcome["value"] = target()
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=body, name="sanshen-dispatcher")
    thread.start()
    while thread.is_alive():
        time.sleep(0.05)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def worker(
    drain: bool = typer.Option(False, "--drain", help="处理完待办队列后退出"),
    inline: bool = typer.Option(False, "--inline", help="不经 Prefect，直接在本进程内运行各流程"),
    max_wait: float = typer.Option(120.0, "--max-wait", help="--drain 时等待重试的最长秒数"),
    lease: float = typer.Option(60.0, "--lease", min=1.0,
                                help="领取一项待办后独占的秒数（运行中每隔三分之一续期）；进程崩溃后，过期的待办由其他进程接手"),
    check_pool: bool = typer.Option(False, "--check-pool", hidden=True,
                                     help="机器预审在单独的进程中运行（sanshen serve 启动的调度器子进程）"),
) -> None:
    """运行流程调度器：发布、通知、链接检查、词库变更后的复查与超时督办。"""
    from sanshen import logs
    from storage.outbox import dead_since, pending_count

    with app_context() as ctx:
        if ctx.settings.json_logs:
            logs.configure(json_logs=True)
        if not ctx.settings.link_check:
            typer.echo("链接可达性检查已关闭（SANSHEN_LINK_CHECK=off）")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        config = dispatcher_config(ctx.settings, lease=timedelta(seconds=lease))
        with ExitStack() as stack:
            pool = _check_pool(ctx, stack) if check_pool else None
            dispatcher = stack.enter_context(running_dispatcher(ctx, inline=inline, config=config, pool=pool))
            if drain:
                started = ctx.clock()
                ran = in_thread(lambda: dispatcher.drain(max_wait=max_wait, stop=stop))
            else:
                typer.echo("流程调度器已启动（Ctrl+C 停止）")
                in_thread(lambda: dispatcher.run_forever(stop))
        if not drain:
            typer.echo("流程调度器已停止")
            return
        dead = dead_since(ctx.engine, started)
        left = pending_count(ctx.engine)
    typer.echo(f"已处理 {ran} 项待办，剩余 {left} 项，放弃 {len(dead)} 项")
    for item in dead:
        typer.echo(f"已放弃：{item.kind}（{item.key}），尝试 {item.attempts} 次：{item.last_error}", err=True)
    if dead:
        raise fail(f"{len(dead)} 项待办多次失败，已停止重试并通知管理员", 1)
    if left:
        raise fail(f"仍有 {left} 项待办未完成（稍后重试，或查看日志中的失败原因）", 1)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
