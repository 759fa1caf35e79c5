"""sanshen serve: the web app and the REST API, with the flow dispatcher as a child process.

The dispatcher is `sanshen worker` run, watched (restarted if it dies) and stopped by this
process (``worker_child.py``): this process's GIL serves only requests. With ``--web-workers N``
(N > 1) this process binds the port and runs N web processes on it the same way
(``sanshen/web/worker_process.py``), each with its own GIL; the dispatcher is still started once.
With SANSHEN_SMTP_HOST set, a thread e-mails notifications. All state lives under SANSHEN_HOME.
"""

from __future__ import annotations

import signal
import socket
import threading

import typer

from sanshen.commands._common import app_context


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    no_worker: bool = typer.Option(False, "--no-worker", help="不启动流程调度器子进程（另有 sanshen worker 时）"),
    inline: bool = typer.Option(False, "--inline", help="调度器不经 Prefect，直接在其进程内运行各流程"),
    web_workers: int | None = typer.Option(None, "--web-workers", min=1,
                                           help="同一端口上的网页进程数（默认取 SANSHEN_WEB_WORKERS，即 1）"),
) -> None:
    """启动网页端、REST API（/api/v1）与流程调度器。"""
    from sanshen import logs
    from sanshen.commands.worker_child import WorkerChild, worker_command
    from sanshen.web import mail
    from sanshen.web.app import create_app
    from sanshen.web.security import load_or_create_secret
    from sanshen.web.server import exit_on_signal, serve_in_foreground

    with app_context(upgrade=True) as ctx:
        if ctx.settings.json_logs:
            logs.configure(json_logs=True)
        workers = web_workers or ctx.settings.web_workers
        if workers == 1:
            typer.echo("正在加载词库与机器预审……")
            ctx.checker  # noqa: B018  (built now, not on the first submission)
            app = create_app(ctx)
        else:  # the web processes read the signing key this process makes now (not each its own)
            load_or_create_secret(ctx.settings.home, ctx.settings.secret_key)
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
        signal.signal(signal.SIGTERM, exit_on_signal)
        typer.echo(f"sanshen 已启动：http://{host}:{port}/ （数据目录 {ctx.settings.home}；Ctrl+C 停止）")
        try:
            if workers == 1:
                serve_in_foreground(app, ctx.settings, host=host, port=port)
            else:
                _run_web_processes(host, port, workers)
        finally:
            stop.set()
            if child is not None:
                child.stop()
            for thread in threads:
                thread.join()
            typer.echo("sanshen 已停止（流程调度器已结束当前任务）")


def _run_web_processes(host: str, port: int, workers: int) -> None:
    """Bind ``host:port`` and serve it with ``workers`` web processes until SIGTERM or Ctrl+C; then
    each finishes its open requests (uvicorn's graceful shutdown) and this returns."""
    from sanshen.commands.worker_child import WorkerChild
    from sanshen.web import worker_process
    from storage.clock import pause

    try:
        sock = _listening_socket(host, port)
    except OSError as exc:
        typer.echo(f"无法在 {host}:{port} 上监听：{exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    children = [WorkerChild(worker_process.command(sock.fileno()), pass_fds=(sock.fileno(),),
                            name="网页进程", label="web") for _ in range(workers)]
    watchers = [threading.Thread(target=c.run, name=f"sanshen-web-child-{i}") for i, c in enumerate(children)]
    typer.echo(f"正在启动 {workers} 个网页进程（各自加载词库与机器预审）……")
    for watcher in watchers:
        watcher.start()
    try:
        while not pause(threading.Event(), 3600):  # until a signal ends the wait
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stoppers = [threading.Thread(target=c.stop) for c in children]  # all at once: each waits its grace
        for stopper in stoppers:
            stopper.start()
        for thread in (*stoppers, *watchers):
            thread.join()
        sock.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    """The port every web process accepts on (inherited by them as a descriptor)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
