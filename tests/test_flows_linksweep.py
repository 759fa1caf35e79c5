"""The site-wide link sweep: every link of every published page (old ones included) probed again,
dead and moved links recorded per page and reported per column; a local server on 127.0.0.1 only,
reached because the test enables private targets through the existing setting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from flows.dispatcher import Dispatcher
from flows.links import LinkPolicy
from flows.linksweep import classify, scheduled_period, sweep_links
from review.workflow import default_workflow
from sanshen.cli import app
from sanshen.commands.worker import dispatcher_config
from sanshen.settings import Settings
from storage.clock import ManualClock
from storage.db import make_engine, transaction
from storage.models import LinkSweep, Notification, PageLink
from tests.flows_support import add_draft, add_user

LONG_AGO = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LOCAL = LinkPolicy(allow_private=True, timeout=2)


def old_pages(engine, url: str) -> tuple[int, int, int]:
    """An old published page with a dead, a moved and a live link; one in another column whose link
    lives; one still in review (not on the site) with a dead link. Returns their ids."""
    with transaction(engine) as s:
        author = add_user(s, "bian", "editor", LONG_AGO)
        add_user(s, "admin", "admin", LONG_AGO)
        old, _ = add_draft(s, author, title="关于2024年春季防汛工作的通知", column="通知公告", status="published",
                           now=LONG_AGO, body=f"详见{url}/missing 。新地址{url}/redirect?to=/ok 。另见{url}/ok 。")
        old.published_at = LONG_AGO
        other, _ = add_draft(s, author, title="要闻一则", column="要闻", status="published", now=LONG_AGO,
                             body=f"原文见{url}/ok 。")
        other.published_at = LONG_AGO
        pending, _ = add_draft(s, author, title="审核中", body=f"见{url}/missing 。", now=NOW)
        return old.id, other.id, pending.id


def test_classify_tells_dead_moved_and_alive_apart(server):
    import httpx

    with httpx.Client(timeout=2) as client:
        assert classify(client, server.url + "/ok", LOCAL).state == "alive"
        assert classify(client, server.url + "/missing", LOCAL).reason == "HTTP 404"
        moved = classify(client, server.url + "/redirect?to=/ok", LOCAL)
        assert (moved.state, moved.final_url) == ("moved", server.url + "/ok")
        assert "临时重定向（302）" in moved.reason
        gone = classify(client, server.url + "/redirect?to=/missing", LOCAL)
        assert (gone.state, gone.reason) == ("dead", "HTTP 404")
    guarded = LinkPolicy(timeout=2)  # the default guard: the local server is not probed at all
    before = len(server.seen)
    with httpx.Client(timeout=2) as client:
        assert classify(client, server.url + "/missing", guarded).state == "skipped"
    assert len(server.seen) == before


@pytest.mark.db
def test_a_dead_link_on_an_old_published_page_is_found(engine, server):
    old, other, pending = old_pages(engine, server.url)
    summary = sweep_links(engine, now=NOW, policy=LOCAL, max_dead=0)
    assert (summary.pages, summary.links, summary.dead, summary.moved) == (2, 3, 1, 1)
    assert summary.over_threshold
    with transaction(engine, readonly=True) as s:
        rows = {(r.draft_id, r.url.removeprefix(server.url), r.state) for r in s.scalars(select(PageLink))}
        notes = s.scalars(select(Notification.message).where(Notification.kind == "links_dead")).all()
    assert rows == {(old, "/missing", "dead"), (old, "/redirect?to=/ok", "moved"), (old, "/ok", "alive"),
                    (other, "/ok", "alive")}
    assert len(notes) == 1 and "1 处死链" in notes[0]
    assert ("HEAD", "/ok") in server.seen and server.seen.count(("HEAD", "/ok")) == 2  # probed once, and once more where /redirect leads
    # the page in review is not on the site: its link was never probed by the sweep
    assert all(pending != r[0] for r in rows)


@pytest.mark.db
def test_the_guard_holds_in_the_sweep_without_the_private_setting(engine, server):
    old_pages(engine, server.url)
    summary = sweep_links(engine, now=NOW, policy=LinkPolicy(timeout=2))
    assert (summary.dead, summary.moved, summary.skipped) == (0, 0, 4)
    assert server.seen == []


@pytest.mark.db
def test_the_dispatcher_schedules_one_sweep_per_period_across_workers(engine, server, tmp_path):
    old_pages(engine, server.url)
    settings = Settings.from_env({"SANSHEN_HOME": str(tmp_path), "SANSHEN_LINK_CHECK_PRIVATE": "1",
                                  "SANSHEN_LINK_SWEEP_HOURS": "24"})
    config = dispatcher_config(settings)
    assert config.link_sweep_every == timedelta(hours=24) and config.link_policy.allow_private
    clock = ManualClock(NOW)

    def worker(name: str) -> Dispatcher:
        return Dispatcher(engine=engine, workflow=default_workflow(), site_dir=tmp_path / "site",
                          checker_factory=lambda: None, use_prefect=False, config=config, worker=name, clock=clock)

    first, second = worker("w1"), worker("w2")
    first.run_once()
    second.run_once()
    clock.advance(timedelta(hours=1))
    first.run_once()
    with transaction(engine, readonly=True) as s:
        sweeps = s.scalars(select(LinkSweep)).all()
        dead = s.scalar(select(func.count()).select_from(PageLink).where(PageLink.state == "dead"))
    assert [sw.period for sw in sweeps] == [scheduled_period(NOW, timedelta(hours=24))] and dead == 1
    clock.advance(timedelta(days=1))
    second.run_once()
    with transaction(engine, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(LinkSweep)) == 2
        assert s.scalar(select(func.count()).select_from(PageLink)) == 4  # the second sweep replaced the first's


@pytest.mark.db
def test_cli_monitor_links_reports_per_column_and_exits_1_over_the_threshold(tmp_path, db_url, server):
    runner = CliRunner()
    env = {"SANSHEN_HOME": str(tmp_path / "home"), "SANSHEN_DB": db_url, "SANSHEN_LINK_CHECK_PRIVATE": "1",
           "SANSHEN_LINK_CHECK": "on"}  # the suite turns probing off by default
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    engine = make_engine(db_url)
    try:
        old, other, _ = old_pages(engine, server.url)
    finally:
        engine.dispose()
    result = runner.invoke(app, ["monitor", "links", "--json"], env=env)
    assert result.exit_code == 1 and "超过阈值 0" in result.stderr, (result.stdout, result.stderr)
    report = json.loads(result.stdout)
    assert (report["pages"], report["dead"], report["moved"], report["over_threshold"]) == (2, 1, 1, True)
    assert {c["column"]: (c["pages"], c["links"], c["dead"], c["moved"]) for c in report["columns"]} == {
        "通知公告": (1, 3, 1, 1), "要闻": (1, 1, 0, 0)}
    dead = report["problems"][0]
    assert (dead["draft_id"], dead["state"], dead["url"]) == (old, "dead", server.url + "/missing")
    calm = runner.invoke(app, ["monitor", "links", "--last"], env={**env, "SANSHEN_LINK_SWEEP_MAX_DEAD": "1"})
    assert calm.exit_code == 0, calm.stderr
    assert "死链 1 处" in calm.stdout and "栏目“通知公告”" in calm.stdout and "已跳转" in calm.stdout
    off = runner.invoke(app, ["monitor", "links"], env={**env, "SANSHEN_LINK_CHECK": "off"})
    assert off.exit_code == 2 and "链接检查已关闭" in off.stderr
