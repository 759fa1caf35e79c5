"""The automated pass off the request path: a submitted or revised draft is 检查中 (checking) until its
``check`` outbox item has run; nobody signs, returns or waives it before; the pass runs exactly once,
also after a crash; the outbox hands out publication before everything else."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from flows.draftcheck import SUPERSEDED, run_check
from review.refusals import Conflict
from sanshen.service import drafts
from sanshen.service.context import AppContext
from sanshen.service.draft_pass import DraftPass
from sanshen.settings import Settings
from storage import outbox
from storage.db import transaction
from storage.models import CheckReport, Outbox, Revision
from tests.team import CLEAN_BODY, ID_NUMBER, Team, run_checks
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db

BODY = CLEAN_BODY + f"联系人身份证号 {ID_NUMBER}。\n"


def items(team, kind):
    return team.rows(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id))


def test_a_submitted_draft_is_checking_and_nobody_can_act_on_it_before_the_pass(team):
    view = team.submit(BODY, checked=False)
    assert view.status == "checking" and view.findings == ()
    assert [i.payload for i in items(team, "check")] == [{"draft_id": view.id, "revision": 1}]
    assert items(team, "route") == []  # nobody is told before there is something to sign
    assert drafts.queue(team.ctx, team["jiao1"], now=team.clock()) == []
    for act in (lambda: team.sign("jiao1", view.id),
                lambda: drafts.return_draft(team.ctx, team["jiao1"], view.id, comment="请修改", now=team.clock()),
                lambda: drafts.waive(team.ctx, team["shen1"], view.id, 1, reason="同意", now=team.clock())):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "checking" and "检查中" in refused.value.message
    shown = drafts.show(team.ctx, team["jiao1"], view.id)
    assert shown.status == "checking" and not shown.can_sign

    assert team.settle() == 1
    shown = drafts.show(team.ctx, team["jiao1"], view.id)
    assert shown.status == "in_review" and any(f.text == ID_NUMBER for f in shown.findings)
    assert [(s.name, s.status) for s in shown.stages][:2] == [("机器预审", "done"), ("一校", "open")]
    assert len(items(team, "route")) == 1
    assert team.sign("jiao1", view.id).status == "in_review"
    trail = [e.action for e in drafts_audit(team, view.id)]
    assert trail.index("check.queued") < trail.index("check.completed") < trail.index("stage.opened")


def drafts_audit(team, draft_id):
    from sanshen.service import audit

    return audit.for_draft(team.ctx, team["guan"], draft_id)


def test_the_pass_runs_once_and_a_later_revision_supersedes_a_pending_one(team):
    view = team.submit(checked=False)
    revised = drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY + "补充一句。\n", now=team.clock())
    assert revised.status == "checking" and revised.revision == 2
    checker = DraftPass(team.ctx.checker)
    assert run_check(team.ctx.engine, lambda: checker, team.ctx.workflows, draft_id=view.id, revision=1,
                     now=team.clock(), link_check=False) == SUPERSEDED
    assert team.settle() == 2  # both items end; only revision 2 was checked
    assert run_check(team.ctx.engine, lambda: checker, team.ctx.workflows, draft_id=view.id, revision=2,
                     now=team.clock(), link_check=False) == SUPERSEDED  # done already: exactly once
    reports = team.rows(select(Revision.number).join(CheckReport, CheckReport.revision_id == Revision.id)
                        .where(Revision.draft_id == view.id, CheckReport.source == "submit"))
    assert reports == [2]
    assert drafts.show(team.ctx, team["bian"], view.id).status == "in_review"


def test_a_draft_left_checking_by_a_killed_process_is_checked_after_a_restart(team):
    from sanshen.commands.worker import build_dispatcher

    view = team.submit(BODY, checked=False)
    dead = f"{socket.gethostname()}:{2 ** 22 + 12345}"  # a pid that is not running on this host
    assert not os.path.exists(f"/proc/{2 ** 22 + 12345}")
    claimed = outbox.claim(team.ctx.engine, worker=dead, now=team.clock(), lease=timedelta(hours=1), kind="check")
    assert [c.key for c in claimed] == [f"check:{view.id}:1"]  # it died holding the pass
    assert run_checks(team.ctx) == 0  # the lease still stands: nobody else takes it
    dispatcher = build_dispatcher(team.ctx, use_prefect=False)
    assert dispatcher.release_dead_local_claims() == [dead]  # what a restarted serve or worker does at start
    dispatcher.drain(max_wait=5)
    shown = drafts.show(team.ctx, team["jiao1"], view.id)
    assert shown.status == "in_review" and any(f.text == ID_NUMBER for f in shown.findings)


def test_web_and_cli_refuse_to_sign_a_draft_that_is_checking(team, app):
    view = team.submit(checked=False)
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{view.id}")
    assert "检查中，请稍候" in page.text and 'http-equiv="refresh"' in page.text
    r = c.post(f"/drafts/{view.id}/sign", data={"stage": "一校", "comment": "同意", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 409 and "检查中" in r.text
    from typer.testing import CliRunner

    from sanshen.cli import app as cli_app

    env = {"SANSHEN_HOME": str(team.ctx.settings.home), "SANSHEN_DB": team.ctx.settings.db_url,
           "SANSHEN_TOKEN": team.tokens["jiao1"], "SANSHEN_SIGN_REQUIRES_HASH": "0", "SANSHEN_LINK_CHECK": "off"}
    refused = CliRunner().invoke(cli_app, ["sign", str(view.id), "--stage", "一校"], env=env)
    assert refused.exit_code == 1 and "检查中" in refused.output
    run_checks(team.ctx)
    signed = CliRunner().invoke(cli_app, ["sign", str(view.id), "--stage", "一校"], env=env)
    assert signed.exit_code == 0, signed.output


def test_the_cli_runs_the_pass_itself_or_leaves_it_to_the_worker(cli):
    waited = cli.submit()
    assert waited["status"] == "in_review"
    left = cli.submit(CLEAN_BODY + "另一篇。\n", "--no-wait")
    assert left["status"] == "checking" and left["findings"] == []
    assert cli.queue("jiao1") == [(waited["id"], "一校")]
    cli.drain()
    assert sorted(cli.queue("jiao1")) == [(waited["id"], "一校"), (left["id"], "一校")]


def test_link_items_are_queued_after_the_pass_only_when_link_checking_is_on_and_there_is_a_link(
        tmp_path, db_url, default_checker, clock):
    ctx = AppContext.open(Settings(home=tmp_path / "home", db_url=db_url, link_check=True, sign_requires_hash=False),
                          checker=default_checker, clock=clock)
    try:
        team = Team.gather(ctx)
        view = team.submit(CLEAN_BODY + "详见 https://www.gov.cn/ 。\n")
        team.submit(CLEAN_BODY + "没有链接的另一篇。\n")  # nothing to probe: no item (and no Prefect slot taken for it)
        assert [i.payload for i in items(team, "links")] == [{"draft_id": view.id, "revision": 1}]
    finally:
        ctx.close()


def test_publication_is_claimed_before_notifications_links_and_rechecks(engine, clock):
    now = clock()
    with transaction(engine) as s:
        for n, kind in enumerate(("links", "route", "recheck", "sitesweep", "check", "withdraw", "publish")):
            outbox.enqueue(s, kind=kind, key=f"{kind}:{n}", payload={}, now=now + timedelta(seconds=n))
    later = now + timedelta(minutes=1)
    assert [i.key for i in outbox.ready(engine, now=later, limit=10)][:2] == ["withdraw:5", "publish:6"]
    order = []
    while claimed := outbox.claim(engine, worker="w:1", now=later, lease=timedelta(minutes=1), limit=1):
        order.append(claimed[0].kind)
    assert order == ["withdraw", "publish", "check", "route", "links", "recheck", "sitesweep"]



def test_a_restarted_worker_publishes_at_once_what_a_killed_one_held(team, tmp_path):
    """``serve`` killed while holding a publication and started again: the new process hands the
    dead one's claims back at start, so the publication does not wait for the lease to run out."""
    from sanshen.commands.worker import build_dispatcher

    view = team.submit()
    team.walk(view.id)
    [item] = items(team, "publish")
    dead = f"{socket.gethostname()}:{2 ** 22 + 54321}"
    assert not os.path.exists(f"/proc/{2 ** 22 + 54321}")
    assert outbox.claim(team.ctx.engine, worker=dead, now=team.clock(), lease=timedelta(hours=1),
                        key=item.key)  # it was killed holding the publication, the lease an hour long
    dispatcher = build_dispatcher(team.ctx, use_prefect=False)
    assert dispatcher.release_dead_local_claims() == [dead]
    dispatcher.drain(max_wait=0)  # no waiting: the clock has not moved
    assert drafts.show(team.ctx, team["bian"], view.id).status == "published"


@pytest.mark.db
def test_the_pool_runs_the_same_pass_in_another_process(default_checker):
    """``sanshen serve``'s pass: in a process of its own (the web process's GIL stays free), with the
    same findings as in this process."""
    from checking.context import DraftMeta
    from sanshen.service.draft_pass import CheckPool, LexiconPass, PooledPass, StoredFile

    meta = DraftMeta(disclosure="主动公开", disclosure_reason=None, kind="news", has_interpretation=False)
    files = (StoredFile("名单.txt", f"张三 {ID_NUMBER}\n".encode()),)
    pool = CheckPool()
    try:
        pooled = PooledPass(pool, LexiconPass(())).check_revision("会议通知", BODY, files, meta=meta)
        assert pool.run(os.getpid) != os.getpid()
    finally:
        pool.close()
    here = DraftPass(default_checker).check_revision("会议通知", BODY, files, meta=meta)
    assert pooled == here and sum(1 for lf in here.findings if lf.finding.text == ID_NUMBER) == 2
