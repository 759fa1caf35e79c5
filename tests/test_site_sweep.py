"""The site-wide re-check (存量信息排查): every published page checked again under today's lexicon,
the pages that now have errors listed per column; after a lexicon change the workers do it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from review.refusals import InvalidInput, NotPermitted
from sanshen.cli import app
from sanshen.commands.worker import build_dispatcher
from sanshen.service import drafts, lexicon
from sanshen.service.lexicon import LexiconInput
from sanshen.service.site_sweep import request_site_sweep, run_site_sweep, sweep_view
from storage.models import AuditEvent, Outbox, SiteSweep
from tests.team import ID_NUMBER

NEW_TERM = "灰犀牛式整改"
OLD_NEWS = "区政府召开会议，部署灰犀牛式整改工作。\n会议要求各部门压实责任。\n"


def publish(team, body: str, *, title: str, column: str, waive_pii: bool = False) -> int:
    view = team.submit(body, title=title, column=column)
    if waive_pii:
        team.sign("jiao1", view.id)
        for f in view.findings:
            if f.category == "pii" and f.severity == "error":
                drafts.waive(team.ctx, team["shen1"], view.id, f.id, reason="当事人同意公开", now=team.clock())
    stages_done = {"一校"} if waive_pii else set()
    for stage, who in _signers(team):
        if stage not in stages_done:
            team.sign(who, view.id, stage=stage)
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    assert drafts.show(team.ctx, team["bian"], view.id).status == "published"
    return view.id


def _signers(team):
    from tests.cast import signers

    return signers(team.ctx.workflow)


@pytest.fixture
def site(team):
    """Three published pages (one with a waived error) and one draft still in review."""
    news = publish(team, OLD_NEWS, title="区政府召开安全生产会议", column="要闻")
    notice = publish(team, "关于开展冬季安全检查的通知。\n请各单位按时完成。\n", title="冬季安全检查通知", column="通知公告")
    waived = publish(team, f"经核实，申请人张三（身份证号 {ID_NUMBER}）已办结。\n", title="办结公示",
                     column="通知公告", waive_pii=True)
    team.submit(f"审核中的稿件也提到{NEW_TERM}。\n", title="审核中", column="要闻")
    return {"news": news, "notice": notice, "waived": waived}


@pytest.mark.db
def test_a_lexicon_change_makes_the_workers_list_the_published_pages_that_now_have_errors(team, site):
    first = run_site_sweep(team.ctx, inline=True)
    assert (first.state, first.total, first.done, first.pages_with_errors) == ("done", 3, 3, 0)  # the waiver holds
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=NEW_TERM, correct="彻底整改"),
                      now=team.clock())
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term="某某乱象", correct="某某问题"),
                      now=team.clock())
    assert len(team.rows(select(Outbox).where(Outbox.kind == "sitesweep"))) == 2
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    runs = team.rows(select(SiteSweep).where(SiteSweep.trigger == "lexicon"))
    assert len(runs) == 1  # the first change's sweep was superseded by the second's
    view = sweep_view(team.ctx, runs[0].id)
    assert (view.state, view.total, view.pages_with_errors) == ("done", 3, 1)
    assert [(c.column, c.pages_with_errors) for c in view.columns] == [("要闻", 1)]
    page = view.pages[0]
    assert (page.draft_id, page.column) == (site["news"], "要闻")
    assert [(f.category, f.text, f.location) for f in page.findings] == [("banned", NEW_TERM, "正文")]
    swept = team.rows(select(AuditEvent).where(AuditEvent.action == "site.swept").order_by(AuditEvent.id))
    assert swept[-1].payload["pages_with_errors"] == 1 and swept[-1].payload["trigger"] == "lexicon"
    only_notices = run_site_sweep(team.ctx, inline=True, column="通知公告")
    assert (only_notices.total, only_notices.pages_with_errors) == (2, 0)
    with pytest.raises(InvalidInput):
        run_site_sweep(team.ctx, inline=True, column="不存在的栏目")


@pytest.mark.db
def test_an_admin_asks_the_workers_for_a_sweep_and_watches_its_progress(team, site):
    with pytest.raises(NotPermitted):
        request_site_sweep(team.ctx, team["bian"])
    queued = request_site_sweep(team.ctx, team["guan"], column="要闻")
    assert (queued.state, queued.column, queued.actor) == ("queued", "要闻", "guan")
    assert team.rows(select(AuditEvent.action).where(AuditEvent.action == "site.sweep_requested")) == [
        "site.sweep_requested"]
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    done = sweep_view(team.ctx, queued.id)
    assert (done.state, done.total, done.done, done.pages_with_errors) == ("done", 1, 1, 0)


@pytest.mark.db
def test_cli_sweep_exits_1_and_lists_the_pages_per_column(team, site):
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=NEW_TERM, correct="彻底整改"),
                      now=team.clock())
    env = {"SANSHEN_HOME": str(team.ctx.settings.home), "SANSHEN_DB": team.ctx.settings.db_url}
    runner = CliRunner()
    result = runner.invoke(app, ["sweep", "--inline", "--json"], env=env)
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["total"], report["pages_with_errors"]) == (3, 1)
    assert report["pages"][0]["draft_id"] == site["news"] and "3/3" in result.stderr  # the progress bar
    text = runner.invoke(app, ["sweep", "--inline", "-q"], env=env)
    assert text.exit_code == 1 and "栏目“要闻”：1 个页面" in text.stdout and "1 个已发布页面有" in text.stderr
    calm = runner.invoke(app, ["sweep", "--inline", "--column", "通知公告", "-q"], env=env)
    assert calm.exit_code == 0 and "2 个已发布页面，0 个有" in calm.stdout


@pytest.mark.db
@pytest.mark.prefect
def test_cli_sweep_fans_out_over_a_local_dask_cluster_through_prefect(team, site):
    """The default: an embedded Prefect API and a LocalCluster of two worker processes, each building
    its own checker from the lexicon edits it was sent; the same pages found as inline."""
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=NEW_TERM, correct="彻底整改"),
                      now=team.clock())
    env = {"SANSHEN_HOME": str(team.ctx.settings.home), "SANSHEN_DB": team.ctx.settings.db_url,
           "SANSHEN_DASK_WORKERS": "2"}
    result = CliRunner().invoke(app, ["sweep", "--json", "-q"], env=env)
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["state"], report["total"], report["done"], report["pages_with_errors"]) == ("done", 3, 3, 1)
    assert [(p["draft_id"], p["findings"][0]["text"]) for p in report["pages"]] == [(site["news"], NEW_TERM)]
    assert report["lexicon_version"] == team.ctx.checker.version


@pytest.mark.db
def test_the_admin_page_starts_a_sweep_and_shows_its_progress_and_the_pages(team, site):
    from sanshen.web.app import create_app
    from tests.web_support import csrf_of, signed_in

    app = create_app(team.ctx, secret=b"test-secret")
    assert signed_in(app, "bian").get("/admin/sweeps").status_code == 403
    admin = signed_in(app, "guan")
    empty = admin.get("/admin/sweeps")
    assert empty.status_code == 200 and "尚未进行过链接巡检" in empty.text and 'for="column"' in empty.text
    refused = admin.post("/admin/sweeps", data={"column": ""})
    assert refused.status_code == 403  # no CSRF token
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=NEW_TERM, correct="彻底整改"),
                      now=team.clock())
    posted = admin.post("/admin/sweeps", data={"column": "", "csrf_token": csrf_of(empty.text)},
                        follow_redirects=False)
    assert posted.status_code == 303
    queued = admin.get(posted.headers["location"])
    assert "已开始全站复查" in queued.text and "排队中" in queued.text
    assert '<meta http-equiv="refresh"' in queued.text  # the page follows the run without script
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    done = admin.get(posted.headers["location"])
    assert '<meta http-equiv="refresh"' not in done.text
    assert 'value="3"' in done.text and "已复查 3 / 3 个已发布页面，1 个有" in done.text
    assert f'<a href="/drafts/{site["news"]}">区政府召开安全生产会议</a>' in done.text and NEW_TERM in done.text


@pytest.mark.db
def test_rest_api_requests_and_reads_sweeps_for_admins_only(team, site):
    from fastapi.testclient import TestClient

    from sanshen.web.app import create_app

    api = TestClient(create_app(team.ctx, secret=b"test-secret"))
    auth = lambda who: {"Authorization": f"Bearer {team.tokens[who]}"}  # noqa: E731
    assert api.get("/api/v1/sweeps/latest", headers=auth("guan")).status_code == 404
    assert api.get("/api/v1/links", headers=auth("guan")).json()["code"] == "no_link_sweep"
    assert api.post("/api/v1/sweeps", headers=auth("bian"), json={}).status_code == 403
    queued = api.post("/api/v1/sweeps", headers=auth("guan"), json={"column": "通知公告"})
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    done = api.get(f"/api/v1/sweeps/{queued.json()['id']}", headers=auth("guan")).json()
    assert (done["state"], done["column"], done["total"], done["pages_with_errors"]) == ("done", "通知公告", 2, 0)
    assert api.get("/api/v1/sweeps/latest", headers=auth("guan")).json()["id"] == done["id"]
    assert api.get("/api/v1/sweeps/latest", headers=auth("bian")).status_code == 403
