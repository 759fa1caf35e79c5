"""Many web processes: two `serve --no-worker` processes behind one address share the database
(PostgreSQL in the second pass) and the signing key. A session made on one is valid on the other;
signing out or disabling the user on one ends the session on the other (the session names the
user's epoch, which lives in the database)."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from sanshen.service import users
from sanshen.web.security import SESSION_COOKIE
from sanshen.web.server import free_port
from tests.processes import SANSHEN, sanshen_env, stop_with_sigterm
from tests.team import Team, open_context
from tests.web_support import PASSWORD, csrf_of

pytestmark = pytest.mark.db
SECRET = "fleet-test-signing-key"


def start(home, db_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([SANSHEN, "serve", "--no-worker", "--port", str(port)],
                            env=sanshen_env(home, SANSHEN_DB=db_url, SANSHEN_SECRET_KEY=SECRET),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen, base: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.3)
    raise AssertionError(f"{base} not ready within {timeout} s")


def sign_in(base: str, name: str) -> str:
    """Sign in through the form on ``base``; the session cookie's value."""
    with httpx.Client(base_url=base, timeout=20) as web:
        form = web.get("/login")
        r = web.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf_of(form.text),
                                     "next": "/queue"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return web.cookies[SESSION_COOKIE]


def on(base: str, cookie: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=20, cookies={SESSION_COOKIE: cookie})


def test_two_web_processes_share_sessions_sign_out_and_disable(tmp_path, db_url, default_checker, clock):
    ctx = open_context(tmp_path / "setup", db_url, checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    for name in ("bian", "guan"):
        users.set_password(ctx, None, name, PASSWORD, now=clock())
    ctx.close()
    (a, base_a), (b, base_b) = start(tmp_path / "a", db_url), start(tmp_path / "b", db_url)
    try:
        wait_ready(a, base_a)
        wait_ready(b, base_b)
        cookie = sign_in(base_a, "bian")
        with on(base_b, cookie) as web_b:
            assert web_b.get("/notifications", follow_redirects=False).status_code == 200  # made on A, valid on B
            page = web_b.get("/notifications")
            assert web_b.post("/logout", data={"csrf_token": csrf_of(page.text)},
                              follow_redirects=False).status_code == 303  # signed out on B
        with on(base_a, cookie) as web_a:
            assert web_a.get("/notifications", follow_redirects=False).headers["location"].startswith("/login")

        again = sign_in(base_b, "bian")
        with on(base_a, again) as web_a:
            assert web_a.get("/notifications", follow_redirects=False).status_code == 200
        admin = sign_in(base_b, "guan")
        with on(base_b, admin) as web_b:
            page = web_b.get("/admin/users")
            r = web_b.post("/admin/users/bian/active", data={"active": "0", "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)
            assert r.status_code == 303  # disabled on B
        with on(base_a, again) as web_a:
            assert web_a.get("/notifications", follow_redirects=False).headers["location"].startswith("/login")
        assert team.people["bian"].name == "bian"
    finally:
        outputs = [stop_with_sigterm(proc)[1] for proc in (a, b)]
    for out in outputs:
        assert "Traceback" not in out, out


def test_the_check_rate_limit_counts_requests_made_on_either_process(tmp_path, db_url, default_checker, clock):
    """Half the allowance spent on A, half on B: the next check is refused on both."""
    from sanshen.service import check_pass

    ctx = open_context(tmp_path / "setup", db_url, checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    ctx.close()
    (a, base_a), (b, base_b) = start(tmp_path / "a", db_url), start(tmp_path / "b", db_url)
    auth = {"Authorization": f"Bearer {team.tokens['shen1']}"}
    try:
        wait_ready(a, base_a)
        wait_ready(b, base_b)
        half = check_pass.API_RATE // 2
        for base, times in ((base_a, half), (base_b, check_pass.API_RATE - half)):
            for _ in range(times):
                assert httpx.post(f"{base}/api/v1/check", headers=auth, json={"text": "好。"}, timeout=60).status_code == 200
        for base in (base_a, base_b):
            refused = httpx.post(f"{base}/api/v1/check", headers=auth, json={"text": "好。"}, timeout=60)
            assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    finally:
        outputs = [stop_with_sigterm(proc)[1] for proc in (a, b)]
    for out in outputs:
        assert "Traceback" not in out, out
