"""sanshen serve: the web app and the REST API, with the flow dispatcher as a child process.

The dispatcher is `sanshen worker` run, watched (restarted if it dies) and stopped by this
process (``worker_child.py``): this process's GIL serves only requests. With SANSHEN_SMTP_HOST
set, a thread e-mails notifications. All state lives under SANSHEN_HOME.
"""

from __future__ import annotations

import signal
import sys
import threading

import typer

from sanshen.commands._common import app_context

GRACEFUL_SECONDS = 2  # open connections get this long after SIGTERM before they are closed


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    no_worker: bool = typer.Option(False, "--no-worker", help="不启动流程调度器子进程（另有 sanshen worker 时）"),
    inline: bool = typer.Option(False, "--inline", help="调度器不经 Prefect，直接在其进程内运行各流程"),
) -> None:
    """启动网页端、REST API（/api/v1）与流程调度器。"""
    import uvicorn

    from sanshen import logs
    from sanshen.commands.worker_child import WorkerChild, worker_command
    from sanshen.web import mail
    from sanshen.web.app import create_app

    with app_context(upgrade=True) as ctx:
        if ctx.settings.json_logs:
            logs.configure(json_logs=True)
        typer.echo("正在加载词库与机器预审……")
        ctx.checker  # noqa: B018  (built now, not on the first submission)
        app = create_app(ctx)
        stop = threading.Event()
        threads = []
        child = None
        if not no_worker:
            typer.echo("正在启动流程调度器（子进程）……")
            child = WorkerChild(worker_command(inline=inline))
            threads.append(threading.Thread(target=child.run, name="sanshen-dispatcher-child"))
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
        # works and then waits to get it back behind whichever thread holds it (another request):
        # ~20 statements per sign-off, so that wait adds up under load.
        sys.setswitchinterval(ctx.settings.switch_interval_ms / 1000)
        typer.echo(f"sanshen 已启动：http://{host}:{port}/ （数据目录 {ctx.settings.home}；Ctrl+C 停止）")
        try:
            uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True,
                        timeout_graceful_shutdown=GRACEFUL_SECONDS,
                        **({"log_config": logs.uvicorn_log_config(True)} if ctx.settings.json_logs else {}))
        finally:
            stop.set()
            if child is not None:
                child.stop()
            for thread in threads:
                thread.join()
            typer.echo("sanshen 已停止（流程调度器已结束当前任务）")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
