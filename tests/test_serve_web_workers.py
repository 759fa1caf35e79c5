"""`sanshen serve --web-workers 2`: two web processes accept on one port, the dispatcher is started
once; the REST check's rate limit holds across them (the window is in the database, PostgreSQL in
the second pass); a killed web process is restarted while the other keeps answering; SIGTERM stops
all of them cleanly (exit 0, nothing left running)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sanshen.service import check_pass
from sanshen.web.server import free_port
from tests.processes import (
    SANSHEN,
    assert_clean_stop,
    children_of,
    kill_if_running,
    processes_with,
    sanshen_env,
    stop_with_sigterm,
    wait_for_line,
    wait_until,
)
from tests.team import Team, open_context

pytestmark = pytest.mark.db
WEB = "sanshen.web.worker_process"
DISPATCHER = "sanshen.cli worker"


def test_two_web_processes_on_one_port_share_the_rate_limit_and_stop_on_sigterm(tmp_path, db_url,
                                                                                 default_checker, clock):
    home = tmp_path / "home"
    ctx = open_context(home, db_url, checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    ctx.close()
    port = free_port()
    server = subprocess.Popen([SANSHEN, "serve", "--inline", "--web-workers", "2", "--port", str(port)],
                              env=sanshen_env(home, SANSHEN_DB=db_url),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_line(server, "sanshen 已启动", timeout=180)
        web = wait_until(lambda: (found := children_of(server.pid, WEB)) and len(found) == 2 and found,
                         timeout=60, what="two web processes")
        # the dispatcher once, not per web process (until its exec, a forked child still reads as serve)
        wait_until(lambda: children_of(server.pid, DISPATCHER), timeout=60, what="the dispatcher")
        assert len(children_of(server.pid, DISPATCHER)) == 1

        def ready() -> bool:
            try:
                return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout=240, what="the web processes to answer")

        def check(_: int) -> int:  # a new connection each: the kernel hands it to either process
            r = httpx.post(f"{base}/api/v1/check", headers={"Authorization": f"Bearer {team.tokens['shen1']}"},
                           json={"text": "区政府召开常务会议。"}, timeout=60)
            return r.status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(check, range(check_pass.API_RATE + 6)))
        assert statuses.count(200) == check_pass.API_RATE and statuses.count(429) == 6, statuses

        os.kill(web[0], signal.SIGKILL)
        wait_for_line(server, "网页进程子进程", timeout=60)  # the warning: ended, restarting
        assert ready()  # the other one answers meanwhile
        wait_until(lambda: len([p for p in children_of(server.pid, WEB) if p != web[0]]) == 2,
                   timeout=60, what="the restarted web process")
        took, out = stop_with_sigterm(server)
    finally:
        kill_if_running(server)
    assert_clean_stop(server, out, took)
    assert "sanshen 已停止" in out
    assert processes_with(f"SANSHEN_HOME={home}") == []


def test_a_web_process_ends_through_its_finally_on_sigterm(tmp_path, db_url, clock):
    """uvicorn re-raises SIGTERM after its graceful shutdown; the web process turns it into an exit
    that closes its context (writing the passes it timed and kept), exit status 0."""
    home = tmp_path / "home"
    open_context(home, db_url, checker=None, clock=clock).close()
    port = free_port()
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(16)
    sock.set_inheritable(True)
    proc = subprocess.Popen([sys.executable, "-m", WEB, "--fd", str(sock.fileno())], pass_fds=(sock.fileno(),),
                            env=sanshen_env(home, SANSHEN_DB=db_url), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        def ready() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return proc.poll() is not None  # ended: the assertions below say how

        wait_until(ready, timeout=240, what="the web process to answer")
        took, out = stop_with_sigterm(proc)
    finally:
        kill_if_running(proc)
        sock.close()
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "Finished server process" in out, out
