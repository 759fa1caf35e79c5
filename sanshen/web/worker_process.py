"""One web process of `sanshen serve --web-workers N` (N > 1): the app served on the listening socket
serve bound and passed down (descriptor ``--fd``), so N processes, each with its own GIL, accept on
one port (the kernel hands each connection to one of them). It opens its own context from the same
SANSHEN_* environment; whatever the processes must agree on (sessions, lockouts, the /check rate
limit, the metrics) is in the database. serve starts, watches and stops these like its dispatcher
child (``sanshen/commands/worker_child.py``); SIGTERM is uvicorn's graceful shutdown."""

from __future__ import annotations

import argparse
import socket
import sys


def command(fd: int) -> list[str]:
    """The command line of a web process serving on descriptor ``fd`` (inherited)."""
    return [sys.executable, "-m", "sanshen.web.worker_process", "--fd", str(fd)]


def main(argv: list[str] | None = None) -> None:
    from sanshen import logs
    from sanshen.service.context import AppContext
    from sanshen.settings import Settings
    from sanshen.web.app import create_app
    from sanshen.web.server import serve_in_foreground

    parser = argparse.ArgumentParser(prog="sanshen-web-process")
    parser.add_argument("--fd", type=int, required=True, help="the listening socket's descriptor")
    fd = parser.parse_args(argv).fd
    settings = Settings.from_env()
    if settings.json_logs:
        logs.configure(json_logs=True)
    ctx = AppContext.open(settings, upgrade=False)  # serve migrated before it started this process
    try:
        ctx.checker  # noqa: B018  (built now, not on the first /check)
        serve_in_foreground(create_app(ctx), settings, sockets=[socket.socket(fileno=fd)])
    finally:
        ctx.close()


if __name__ == "__main__":
    main()
