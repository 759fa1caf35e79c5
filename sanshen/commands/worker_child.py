"""`sanshen serve`'s flow dispatcher as a child process: `sanshen worker` started, watched and stopped
by the web process.

Why a child process: the dispatcher (publication, notifications, re-checks, Prefect's client with its
log and event threads) shares nothing with the requests but the database, yet in the web process it
took the GIL that sign-offs and queues wait for. Why `sanshen worker` as a plain subprocess (rather than
a multiprocessing spawn of the same function): it is exactly the process an operator runs beside
`serve --no-worker` (one dispatcher runner, one stop path: SIGTERM → the item in hand finishes →
"流程调度器已停止"); its exit code says how it ended; it writes to serve's own stdout/stderr, so
the logs stay in one place; and it needs nothing pickled. It runs in its own session, so a Ctrl+C at
the terminal reaches serve only, which then stops it (a child that ended by itself is always a
fault to restart, never mistaken for a stop); the kernel sends it SIGTERM if serve dies.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time

import typer

from flows.prefect_runtime import _end_with_parent
from storage.clock import PAUSE_STEP, pause

log = logging.getLogger("sanshen.flows")
RESTART_PAUSE = 1.0  # seconds before the first restart of a dead child
RESTART_PAUSE_MAX = 30.0  # a child that keeps dying is restarted at most this often
STEADY_SECONDS = 60.0  # a child that ran this long before dying restarts after RESTART_PAUSE again


def worker_command(*, inline: bool) -> list[str]:
    """The child's command line: `sanshen worker` of this interpreter, its pass in a process pool."""
    return [sys.executable, "-m", "sanshen.cli", "worker", "--check-pool", *(["--inline"] if inline else [])]


class WorkerChild:
    """Runs ``command`` as a child until :meth:`stop`; restarts it (with a warning) whenever it ends
    on its own. :meth:`run` is the body of a thread of serve; :meth:`stop` waits for the child's
    clean exit (the item it is running finishes first, as with `sanshen worker`). ``pass_fds``: open
    descriptors the child inherits (a web process's listening socket); ``name``: the child in the
    warning (Chinese), ``label`` in the log."""

    def __init__(self, command: list[str], *, pass_fds: tuple[int, ...] = (), name: str = "流程调度器",
                 label: str = "dispatcher") -> None:
        self._command = command
        self._pass_fds = pass_fds
        self._name = name  # in the warning to the operator
        self._label = label  # in the log
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    def run(self) -> None:
        wait = RESTART_PAUSE
        while not self._stopping.is_set():
            began = time.monotonic()
            try:
                with self._lock:
                    if self._stopping.is_set():
                        return
                    # inherits stdout/stderr and the SANSHEN_* environment; its own session (see above)
                    proc = self._proc = subprocess.Popen(self._command, stdin=subprocess.DEVNULL,
                                                         start_new_session=True, preexec_fn=_end_with_parent,
                                                         pass_fds=self._pass_fds)
            except OSError as exc:  # could not start it: try again, never leave serve without a dispatcher
                reason, ended = f"could not start ({exc})", f"未能启动（{exc}）"
            else:
                while proc.poll() is None and not self._stopping.is_set():
                    time.sleep(PAUSE_STEP)
                if self._stopping.is_set():
                    return  # stop() ends it
                reason = f"{proc.pid} ended (exit {proc.returncode})"
                ended = f"（{proc.pid}）意外退出（退出码 {proc.returncode}）"
            wait = RESTART_PAUSE if time.monotonic() - began >= STEADY_SECONDS else wait
            log.warning("the %s process %s; restarting it in %.0f s", self._label, reason, wait)
            typer.echo(f"警告：{self._name}子进程{ended}，{wait:.0f} 秒后重新启动", err=True)
            if pause(self._stopping, wait):
                return
            wait = min(wait * 2, RESTART_PAUSE_MAX)

    def stop(self) -> None:
        """No more restarts; SIGTERM to the child and wait for it to finish its item and exit."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
