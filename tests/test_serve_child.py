"""`sanshen serve` runs its flow dispatcher as a child process (`sanshen worker`): killed with
kill -9, the child is restarted with a warning and publishes again; SIGTERM to serve stops both
cleanly (the dispatcher's goodbye, exit 0, nothing left running)."""

from __future__ import annotations

import os
import signal
import subprocess

import httpx

from sanshen.web.server import free_port
from storage import check_timing
from tests.cast import SIGNERS
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

WORKER = "sanshen.cli worker"


def test_a_killed_dispatcher_child_is_restarted_and_sigterm_stops_both(tmp_path, default_checker, clock):
    home = tmp_path / "home"
    ctx = open_context(home, f"sqlite:///{home / 'sanshen.db'}", checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    ctx.close()
    port = free_port()
    server = subprocess.Popen([SANSHEN, "serve", "--inline", "--port", str(port)], env=sanshen_env(home),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_line(server, "sanshen 已启动", timeout=180)
        first = wait_until(lambda: children_of(server.pid, WORKER), timeout=60, what="the dispatcher child")
        assert len(first) == 1
        os.kill(first[0], signal.SIGKILL)
        wait_for_line(server, "流程调度器子进程", timeout=60)  # the warning: ended, restarting
        second = wait_until(lambda: [p for p in children_of(server.pid, WORKER) if p != first[0]],
                            timeout=60, what="the restarted dispatcher child")
        assert len(second) == 1 and first[0] not in children_of(server.pid, WORKER)

        auth = lambda who: {"Authorization": f"Bearer {team.tokens[who]}"}  # noqa: E731
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=30) as api:
            draft = api.post("/drafts", headers=auth("bian"), json={
                "title": "调度器重启后发布", "body": "区政府召开常务会议，研究部署冬季安全生产工作。",
                "column": "要闻", "disclosure": "主动公开"}).json()
            status = lambda: api.get(f"/drafts/{draft['id']}", headers=auth("bian")).json()["status"]  # noqa: E731
            wait_until(lambda: status() == "in_review", timeout=300, what="the restarted child's automated pass")
            for stage, who in SIGNERS:
                r = api.post(f"/drafts/{draft['id']}/sign", headers=auth(who),
                             json={"stage": stage, "expect_hash": draft["content_hash"]})
                assert r.status_code == 200, r.json()
            wait_until(lambda: status() == "published", timeout=120, what="the restarted child to publish")
        took, out = stop_with_sigterm(server)
    finally:
        kill_if_running(server)
    assert_clean_stop(server, out, took)
    # the restarted child timed the draft's pass and wrote it when it stopped (its context closed)
    ctx = open_context(home, f"sqlite:///{home / 'sanshen.db'}", checker=None, clock=clock)
    try:
        assert check_timing.read(ctx.engine).count == 1
    finally:
        ctx.close()
    assert "sanshen 已停止" in out
    assert processes_with(f"SANSHEN_HOME={home}") == []
