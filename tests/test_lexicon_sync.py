"""A lexicon change reaches every process at once: before each check a process compares the count of
lexicon changes its checker was built at with the database's, and recompiles the matchers when it
changed. End to end: a term added from the CLI is found by a running `sanshen serve` at the next
submission through the REST API."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from sanshen.service import drafts, lexicon
from sanshen.web.server import free_port
from storage import lexicon_revision
from tests.processes import SANSHEN, sanshen_env, stop_with_sigterm
from tests.team import Team, open_context, settle

pytestmark = pytest.mark.db

TERM = "灰犀牛式整改"


def banned(view) -> list[tuple[str, str]]:
    return [(f.location.part, f.text) for f in view.findings if f.category == "banned"]


def test_a_change_made_by_another_process_reaches_the_next_check(tmp_path, db_url, default_checker, clock):
    server = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(server)
    other = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)  # a CLI process
    try:
        built = server.checker
        assert server.checker is built  # nothing changed: nothing rebuilt
        entries = lexicon.parse_entries(f"banned\t{TERM}\t彻底整改\nbanned\t甲错词\n", source="a.tsv", fmt="tsv")
        lexicon.import_entries(other, team["guan"], entries, source="a.tsv", now=other.clock())
        assert lexicon_revision.current(server.engine) == 1  # one change, however many entries
        data = drafts.SubmitInput(title=f"杜绝{TERM}", body=f"要坚决杜绝{TERM}。", disclosure="主动公开")
        view = settle(server, drafts.submit(server, team["bian"], data, now=server.clock()))
        assert banned(view) == [("title", TERM), ("body", TERM)]
        assert server.checker.typo_model is built.typo_model  # only the matchers were compiled again
    finally:
        other.close()
        server.close()


def test_a_term_added_from_the_cli_is_found_by_a_running_server(tmp_path, db_url, default_checker, clock):
    home = tmp_path / "home"
    ctx = open_context(home, db_url, checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    ctx.close()
    env = sanshen_env(home, SANSHEN_DB=db_url)
    port = free_port()
    server = subprocess.Popen([SANSHEN, "serve", "--inline", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=30,
                          headers={"Authorization": f"Bearer {team.tokens['bian']}"}) as api:
            _wait_until_up(api, server)

            def submit() -> dict:
                r = api.post("/drafts", json={"title": f"杜绝{TERM}", "body": f"要坚决杜绝{TERM}。",
                                              "disclosure": "主动公开"})
                assert r.status_code == 201, r.text
                assert r.json()["status"] == "checking"  # the server's pass runs off the request, in its pool
                return _checked(api, server, r.json()["id"])

            assert [f for f in submit()["findings"] if f["text"] == TERM] == []
            added = subprocess.run([SANSHEN, "lexicon", "add", "banned", TERM, "--correct", "彻底整改"],
                                   env=dict(env, SANSHEN_TOKEN=team.tokens["guan"]), capture_output=True,
                                   text=True, timeout=120)
            assert added.returncode == 0, added.stderr
            found = [(f["location"]["label"], f["suggestion"]) for f in submit()["findings"] if f["text"] == TERM]
            assert found == [("标题", "彻底整改"), ("正文", "彻底整改")]
    finally:
        _, out = stop_with_sigterm(server)
    assert "Traceback" not in out, out


def _checked(api: httpx.Client, server: subprocess.Popen, draft_id: int) -> dict:
    """The draft once the server's automated pass is done (its first pass builds the checker)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        shown = api.get(f"/drafts/{draft_id}").json()
        if shown["status"] != "checking":
            return shown
        assert server.poll() is None, server.stdout.read()
        time.sleep(0.2)
    raise AssertionError(f"draft {draft_id} is still checking")


def _wait_until_up(api: httpx.Client, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            api.get("/queue")
            return
        except httpx.HTTPError:
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.2)
    raise AssertionError("the server did not start")
