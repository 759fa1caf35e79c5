"""A lexicon change reaches every process at once: before each check a process compares the count of
lexicon changes its checker was built at with the database's, and recompiles the matchers when it
changed. End to end: a term added from the CLI is found by a running `sanshen serve` at the next
submission through the REST API."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from flows.dispatcher import Dispatcher
from flows.recheck import MAX_PASSES, LexiconMoving, recheck_drafts
from sanshen.commands.worker import dispatcher_config
from sanshen.service import drafts, lexicon
from sanshen.service.draft_pass import CheckPool, DraftPass, PooledPass, TimedPass, current_pass
from sanshen.service.site_sweep import lexicon_pass
from sanshen.web.server import free_port
from storage import lexicon_revision
from storage.db import transaction
from storage.models import CheckReport, Outbox
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


def test_a_pass_that_ran_under_a_lexicon_changed_meanwhile_runs_again(tmp_path, db_url, default_checker, clock):
    """More than one worker: this one's pass of a draft has read the old lexicon when another
    process imports a term, and another worker runs the re-check that import queued while the draft
    is still 检查中 (so it skips it). The pass compares the count of lexicon changes it ran under
    with the database's when it stores its findings, and runs again instead of storing stale ones."""
    server = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(server)
    other = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)  # CLI, 2nd worker
    passes = []

    def meanwhile(seconds: float) -> None:  # told after each pass has run, before its findings are stored
        passes.append(seconds)
        if len(passes) == 1:
            entries = lexicon.parse_entries(f"banned\t{TERM}\t彻底整改\n", source="a.tsv", fmt="tsv")
            lexicon.import_entries(other, team["guan"], entries, source="a.tsv", now=other.clock())
            [recheck] = other_items(other, "recheck")
            assert recheck_drafts(other.engine, lambda: DraftPass(other.checker), now=other.clock()) == 0  # 检查中: skipped

    dispatcher = dispatcher_timing_with(server, tmp_path, meanwhile)
    try:
        data = drafts.SubmitInput(title="整改通知", body=f"要坚决杜绝{TERM}。", disclosure="主动公开")
        view = drafts.submit(server, team["bian"], data, now=server.clock())
        assert dispatcher.run_once() >= 1 and len(passes) == 2  # run again under the new lexicon
        [check] = other_items(server, "check")
        assert check.done_at is not None and check.last_error is None and check.dead_at is None
        shown = drafts.show(server, team["jiao1"], view.id)
        assert shown.status == "in_review" and banned(shown) == [("body", TERM)]
        with transaction(server.engine, readonly=True) as s:
            [report] = s.scalars(select(CheckReport).where(CheckReport.source == "submit")).all()
        assert report.lexicon_version == server.checker.version  # the findings stored are the new lexicon's
    finally:
        other.close()
        server.close()


def test_a_pass_whose_lexicon_keeps_changing_goes_back_to_the_outbox(tmp_path, db_url, default_checker, clock):
    server = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(server)
    other = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    terms = [f"甲{n}错词" for n in range(MAX_PASSES)]

    def meanwhile(seconds: float) -> None:  # a change during each pass
        if terms:
            lexicon.add_entry(other, team["guan"], lexicon.LexiconInput(kind="banned", term=terms.pop()),
                              now=other.clock())

    dispatcher = dispatcher_timing_with(server, tmp_path, meanwhile)
    try:
        data = drafts.SubmitInput(title="整改通知", body="要坚决杜绝甲0错词。", disclosure="主动公开")
        view = drafts.submit(server, team["bian"], data, now=server.clock())
        dispatcher.run_once()
        [item] = other_items(server, "check")
        assert item.last_error.startswith(LexiconMoving.__name__)
        assert item.done_at is None and item.claimed_by is None and item.available_at > server.clock()
        assert drafts.show(server, team["jiao1"], view.id).status == "checking"  # nothing stale stored
        clock.advance(item.available_at - server.clock())
        dispatcher.run_once()  # the lexicon holds still now
        [item] = other_items(server, "check")
        assert item.done_at is not None
        assert banned(drafts.show(server, team["jiao1"], view.id)) == [("body", "甲0错词")]
    finally:
        other.close()
        server.close()


def dispatcher_timing_with(ctx, tmp_path, observe) -> Dispatcher:
    """The dispatcher as `sanshen worker --inline` builds it for ``ctx`` (flows/dispatcher.py), whose
    automated pass tells ``observe`` its seconds as serve's pass tells the histogram: after the pass
    has run, before its findings are stored (the moment another process's lexicon change is made here)."""
    return Dispatcher(engine=ctx.engine, workflow=ctx.workflow, workflows=ctx.workflows, site_dir=tmp_path / "site",
                      checker_factory=lambda: current_pass(ctx), use_prefect=False, clock=ctx.clock,
                      config=dispatcher_config(ctx.settings), worker="test",
                      draft_checker=lambda: TimedPass(current_pass(ctx), observe))


def other_items(ctx, kind: str) -> list[Outbox]:
    with transaction(ctx.engine, readonly=True) as s:
        return list(s.scalars(select(Outbox).where(Outbox.kind == kind)))


def test_the_pooled_pass_knows_the_lexicon_count_its_recipe_was_read_at(tmp_path, db_url, default_checker, clock):
    ctx = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(ctx)
    pool = CheckPool()  # never started: nothing runs in it here
    try:
        assert PooledPass(pool, lexicon_pass(ctx)).lexicon_revision == 0
        lexicon.add_entry(ctx, team["guan"], lexicon.LexiconInput(kind="banned", term=TERM), now=ctx.clock())
        recipe = lexicon_pass(ctx)
        assert recipe.revision == 1 and [o.term for o in recipe.overrides] == [TERM]
        assert TimedPass(PooledPass(pool, recipe), lambda seconds: None).lexicon_revision == 1
    finally:
        pool.close()
        ctx.close()


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


def test_a_lexicon_change_waits_for_a_pass_storing_under_the_count_it_read(engine):
    """The pass reads the count with the row held until it has stored its findings: a change
    cannot commit in between (else the re-check it queues might skip the draft still 检查中).
    On PostgreSQL a row lock (FOR SHARE); SQLite lets one writer in at a time anyway."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes write transactions: no row lock to see")
    with transaction(engine) as storing:
        assert lexicon_revision.held_in(storing) == 0
        with Session(engine) as changing, changing.begin():
            changing.execute(text("SET LOCAL lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                lexicon_revision.bump(changing)
    with transaction(engine) as changing:
        lexicon_revision.bump(changing)
    assert lexicon_revision.current(engine) == 1
