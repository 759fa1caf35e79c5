"""Prefect's API for one sanshen process, started and stopped with it.

With ``PREFECT_API_URL`` set, flows report to that server. Otherwise an embedded API is
started here as a child process — not lazily inside the first flow run, where Prefect would
start one that can outlive the process — and stopped when the block ends, after Prefect's
log and event workers have sent what they hold. Its output goes to a log file under
``PREFECT_HOME`` (it never holds the caller's stdout open), and the kernel ends it if this
process dies. Prefect's server modules are never imported here: they take seconds to unload.
"""

from __future__ import annotations

import ctypes
import inspect
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

log = logging.getLogger("sanshen.flows")
STARTUP_TIMEOUT = 60  # seconds; the embedded API takes 6–14 s on this machine class
STOP_TIMEOUT = 3  # seconds the embedded API gets to shut down before it is killed
SERVER_LOG = "embedded-api.log"
PR_SET_PDEATHSIG = 1
# What Prefect sets for its own ephemeral server: no UI, and the server's ephemeral mode. Without a UI and
# with no automations, nothing reads the events it would store or the triggers it would evaluate: those two
# services are off (a sixth to a quarter of the embedded API's CPU under load, on the cores the web process needs).
# Flow and task runs are recorded as before. A Prefect server of one's own (PREFECT_API_URL) is not touched.
EMBEDDED_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
                "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
                "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false"}


def _prepare_env(prefect_home: Path) -> None:
    """Point Prefect at the data directory, quietly; call before prefect is first imported."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@contextmanager
def prefect_api(prefect_home: Path) -> Iterator[str | None]:
    """Run the block with a Prefect API: yields None when one is configured (``PREFECT_API_URL``),
    else the URL of an embedded one owned by this process. Call it from the main thread before
    starting others; flows then run under :func:`flow_settings` of that URL, in any thread."""
    _prepare_env(prefect_home)
    from prefect.settings import PREFECT_API_URL

    with ExitStack() as stack:
        url = None
        if not PREFECT_API_URL.value():
            url = stack.enter_context(_embedded_server(Path(os.environ["PREFECT_HOME"])))
        try:
            yield url
        finally:
            with flow_settings(url):  # outside it, Prefect would start another embedded API to drain to
                _drain_prefect_workers()


def flow_settings(api_url: str | None) -> AbstractContextManager:
    """Prefect settings for a flow run in the current thread (settings are per thread): the API at
    ``api_url`` if given, and no flow heartbeats (nothing here acts on them; each costs a join)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:
        updates[PREFECT_API_URL] = api_url
    return temporary_settings(updates)


@contextmanager
def _embedded_server(prefect_home: Path) -> Iterator[str]:
    """Prefect's API server as a child process (as Prefect runs its own ephemeral one, but owned
    here: its output in a log file, ended with this process even if this process is killed)."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    with open(prefect_home / SERVER_LOG, "ab") as log_file:
        for _ in range(3):  # the free port may be taken before the server binds it
            port = _free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
                env={**os.environ, **EMBEDDED_ENV}, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, preexec_fn=_end_with_parent)
            url = f"http://127.0.0.1:{port}/api"
            try:
                if _healthy(url, proc):
                    break
            except BaseException:
                _stop(proc)
                raise
        else:
            raise RuntimeError(f"Prefect 的内置 API 未能启动，详见 {prefect_home / SERVER_LOG}")
    try:
        yield url
    finally:
        _stop(proc)


def _healthy(url: str, proc: subprocess.Popen) -> bool:
    """Wait for the server to answer; False if it exited first (its port was taken)."""
    import httpx

    deadline = time.monotonic() + STARTUP_TIMEOUT
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"Prefect 的内置 API 在 {STARTUP_TIMEOUT} 秒内未就绪")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _end_with_parent() -> None:
    """In the child before it runs: have the kernel send it SIGTERM when its parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drain_prefect_workers() -> None:
    """Send the logs and events Prefect still holds while its API is up."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        for result in (_started_drain(APILogWorker), EventsWorker.drain_all()):
            if inspect.isawaitable(result):
                await result

    try:
        run_coro_as_sync(drain())
    except Exception:  # shutting down: what could not be sent is logged, not raised
        log.warning("Prefect's log and event workers could not be drained", exc_info=True)


def _started_drain(worker_class: type) -> object:
    try:
        return worker_class.instance().drain()
    except RuntimeError:  # never started
        return None


def crash_runs_tagged(api_url: str | None, tag: str, message: str) -> int:
    """End as CRASHED the flow runs carrying ``tag`` that Prefect still shows as pending or running
    (their process is gone); returns how many."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        FlowRunFilterTags,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    with flow_settings(api_url), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            tags=FlowRunFilterTags(all_=[tag]),
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING]))))
        from flows.engine import release_slots_of

        for run in runs:
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            release_slots_of(client, run)  # the draft slot it held, at once rather than after its lease
    if runs:
        log.warning("marked %s flow runs of %s crashed", len(runs), tag)
    return len(runs)
