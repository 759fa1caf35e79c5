"""sanshen serve: the web app, the REST API and the flow dispatcher in one process.

The dispatcher runs in a background thread (flows against Prefect's embedded API);
with SANSHEN_SMTP_HOST set, a second thread e-mails notifications. All state lives
under SANSHEN_HOME.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import ExitStack

import typer

from sanshen.commands._common import app_context

GRACEFUL_SECONDS = 2  # open connections get this long after SIGTERM before they are closed


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    no_worker: bool = typer.Option(False, "--no-worker", help="不在本进程运行流程调度器（另有 sanshen worker 时）"),
    inline: bool = typer.Option(False, "--inline", help="调度器不经 Prefect，直接在本进程内运行各流程"),
) -> None:
    """启动网页端、REST API（/api/v1）与流程调度器。"""
    import uvicorn

    from sanshen import logs
    from sanshen.commands.worker import running_dispatcher
    from sanshen.service.draft_pass import CheckPool
    from sanshen.service.site_sweep import lexicon_pass
    from sanshen.web import mail
    from sanshen.web.app import create_app

    with app_context(upgrade=True) as ctx, ExitStack() as stack:
        if ctx.settings.json_logs:
            logs.configure(json_logs=True)
        typer.echo("正在加载词库与机器预审……")
        ctx.checker  # noqa: B018  (built now, not on the first submission)
        app = create_app(ctx)
        stop = threading.Event()
        threads = []
        if not no_worker:
            typer.echo("正在启动流程调度器……")
            pool = CheckPool()  # the automated pass of submissions: off the request thread and this process's GIL
            stack.callback(pool.close)
            pool.warm(lexicon_pass(ctx))
            dispatcher = stack.enter_context(running_dispatcher(ctx, inline=inline, pool=pool))
            threads.append(threading.Thread(target=dispatcher.run_forever, args=(stop,), name="sanshen-dispatcher"))
        smtp = mail.SmtpConfig.from_settings(ctx.settings)
        if smtp is not None:
            threads.append(threading.Thread(target=mail.run_forever, args=(ctx.engine, smtp, stop),
                                            kwargs={"clock": ctx.clock}, name="sanshen-mail"))
        for thread in threads:
            thread.start()
        # uvicorn re-raises SIGTERM after its graceful shutdown; make that an exit that runs `finally`.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        # How long a thread may hold the GIL while another waits for it (SANSHEN_SWITCH_INTERVAL_MS;
        # Python's default 5 ms). Every SQL statement of a request gives the GIL up while the database
        # works and then waits to get it back behind whichever thread holds it (another request, the
        # dispatcher): ~20 statements per sign-off, so that wait adds up under load.
        sys.setswitchinterval(ctx.settings.switch_interval_ms / 1000)
        typer.echo(f"sanshen 已启动：http://{host}:{port}/ （数据目录 {ctx.settings.home}；Ctrl+C 停止）")
        try:
            uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True,
                        timeout_graceful_shutdown=GRACEFUL_SECONDS,
                        **({"log_config": logs.uvicorn_log_config(True)} if ctx.settings.json_logs else {}))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            typer.echo("sanshen 已停止（流程调度器已结束当前任务）")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
