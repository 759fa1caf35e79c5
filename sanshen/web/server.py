"""Running the app under uvicorn: in the foreground (`sanshen serve`, each of its web processes) or in
a thread (tests, bench)."""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import anyio.to_thread
import uvicorn
from fastapi import FastAPI

from sanshen import logs
from sanshen.settings import Settings

GRACEFUL_SECONDS = 2  # open connections get this long after SIGTERM before they are closed
STARTUP_FAILURE = 3  # exit status when uvicorn could not start (uvicorn.run's)


def production_config(app: FastAPI, settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> uvicorn.Config:
    """uvicorn's options for `sanshen serve`, the same in its own process and in each of its web
    processes (``sanshen/web/worker_process.py``, where host and port are the inherited socket's)."""
    return uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=True,
                          timeout_graceful_shutdown=GRACEFUL_SECONDS,
                          **({"log_config": logs.uvicorn_log_config(True)} if settings.json_logs else {}))


def serve_in_foreground(app: FastAPI, settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
                        sockets: list[socket.socket] | None = None) -> None:
    """Serve ``app`` in this thread until SIGTERM or Ctrl+C (uvicorn's graceful shutdown), on
    ``host:port`` or on ``sockets`` already bound. SIGTERM then ends this process with SystemExit(0)
    (uvicorn re-raises the signal after its shutdown), so the caller's ``finally`` runs (closing its
    context flushes what it buffers); a server that could not start exits with STARTUP_FAILURE."""
    # How long a thread may hold the GIL while another waits for it (SANSHEN_SWITCH_INTERVAL_MS;
    # Python's default 5 ms). Every SQL statement of a request gives the GIL up while the database
    # works and then waits to get it back behind whichever thread holds it (another request):
    # ~20 statements per sign-off, so that wait adds up under load.
    sys.setswitchinterval(settings.switch_interval_ms / 1000)
    app.router.on_startup.append(partial(limit_threads, settings.web_threads))
    server = uvicorn.Server(production_config(app, settings, host=host, port=port))
    stopped: list[int] = []

    def stop_serving(signum: int, frame: object) -> None:
        # Only asks uvicorn to stop. uvicorn re-raises the SIGTERM it caught from inside its still
        # running event loop, where an exception raised by this handler broke the loop's own closing.
        stopped.append(signum)
        server.should_exit = True

    signal.signal(signal.SIGTERM, stop_serving)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:  # Ctrl+C re-raised after the graceful shutdown (as uvicorn.run)
        pass
    if stopped:
        raise SystemExit(0)
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)


async def limit_threads(threads: int) -> None:
    """Let at most ``threads`` requests run at once in this process's thread pool (anyio's default
    40), the rest waiting their turn: every running thread competes for the one GIL, and a sign-off
    holding SQLite's write gate waits for it behind all of them (bench/bench_load.py, SQLite, 2 cores,
    16 users: sign p95 299 ms on average with 40, 221 ms with 4; no change on PostgreSQL). Runs in
    the event loop, whose limiter it sets."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def exit_on_signal(signum: int, frame: object) -> None:
    """A SIGTERM handler: an exit that runs ``finally`` blocks."""
    raise SystemExit(0)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def serving_in_thread(app: FastAPI, *, host: str = "127.0.0.1", port: int | None = None,
                      startup_timeout: float = 30.0) -> Iterator[str]:
    """Serve `app` on a loopback port in a daemon thread; yields the base URL; stops on exit."""
    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"web server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
