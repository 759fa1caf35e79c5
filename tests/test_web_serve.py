"""`sanshen serve` as a person starts it: a real process serving pages and the API, its dispatcher publishing
through Prefect's embedded API, and stopping within 5 s of SIGTERM with nothing left running."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from flows.site import item_path
from sanshen.web.server import free_port
from tests.cast import SIGNERS
from tests.processes import (
    SANSHEN,
    STOP_SECONDS,
    processes_with,
    sanshen_env,
    stop_with_sigterm,
    wait_until,
)
from tests.team import Team, open_context

pytestmark = pytest.mark.prefect


def test_serve_answers_pages_and_api_and_its_dispatcher_publishes(tmp_path, default_checker, clock):
    home = tmp_path / "home"
    ctx = open_context(home, f"sqlite:///{home / 'sanshen.db'}", checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    ctx.close()
    port = free_port()
    server = subprocess.Popen([SANSHEN, "serve", "--port", str(port)], env=sanshen_env(home),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return httpx.get(f"{base}/login", timeout=2).status_code == 200
            except httpx.HTTPError:
                assert server.poll() is None, server.stdout.read()
                return False

        wait_until(up, timeout=180, what="the server to start")
        auth = lambda who: {"Authorization": f"Bearer {team.tokens[who]}"}  # noqa: E731
        with httpx.Client(base_url=f"{base}/api/v1", timeout=10) as api:
            draft = api.post("/drafts", headers=auth("bian"), json={
                "title": "服务进程冒烟测试", "body": "区政府召开常务会议，研究部署冬季安全生产工作。",
                "column": "要闻", "disclosure": "主动公开"}).json()
            assert draft["status"] == "checking"  # answered at once; the pass runs in the server's pool process
            wait_until(lambda: api.get(f"/drafts/{draft['id']}", headers=auth("bian")).json()["status"] == "in_review",
                       timeout=300, what="the automated pass")
            for stage, who in SIGNERS:
                r = api.post(f"/drafts/{draft['id']}/sign", headers=auth(who),
                             json={"stage": stage, "expect_hash": draft["content_hash"]})
                assert r.status_code == 200, r.json()
            wait_until(lambda: api.get(f"/drafts/{draft['id']}", headers=auth("bian")).json()["status"] == "published",
                       timeout=60, what="the dispatcher to publish")
        page = httpx.get(f"{base}/site/{item_path(draft['id'])}")
        assert page.status_code == 200 and "服务进程冒烟测试" in page.text
        assert httpx.get(f"{base}/queue", follow_redirects=False).status_code == 303  # pages need sign-in
    finally:
        took, out = stop_with_sigterm(server)
    assert "已停止" in out and "Traceback" not in out, out
    assert took < STOP_SECONDS, f"took {took:.1f} s to stop"
    assert processes_with(f"SANSHEN_HOME={home}") == []
