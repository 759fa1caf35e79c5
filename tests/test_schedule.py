"""Scheduled publication (定时发布) and expiry (到期下线): a scheduled draft goes out when due and not
before, only if every gate still holds; an expiring page is taken down at its time with a record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flows.dispatcher import DispatcherConfig
from flows.site import item_path
from review.refusals import InvalidInput
from sanshen.commands.worker import build_dispatcher
from sanshen.service import audit, drafts
from sanshen.service.schedule import moment
from storage.chain import format_at
from storage.models import Draft
from tests.team import settle

pytestmark = pytest.mark.db


def _drain(team) -> None:
    build_dispatcher(team.ctx, use_prefect=False, config=DispatcherConfig()).drain(max_wait=0)


def _status(team, draft_id: int) -> str:
    return team.rows(select(Draft.status).where(Draft.id == draft_id))[0]


def _page(team, draft_id: int):
    return team.ctx.settings.site_dir / item_path(draft_id)


def test_a_scheduled_draft_is_published_when_due_and_not_before(team):
    due = team.clock() + timedelta(days=2)
    draft = team.submit(column="要闻", publish_at=due)
    assert drafts.show(team.ctx, team["bian"], draft.id).publish_at == due
    team.walk(draft.id)
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("approved", False)
    team.clock.advance(due - team.clock() - timedelta(seconds=1))
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("approved", False)
    team.clock.advance(timedelta(seconds=1))
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("published", True)
    assert team.rows(select(Draft.published_at).where(Draft.id == draft.id)) == [due]
    [scheduled] = [e for e in audit.for_draft(team.ctx, team["guan"], draft.id) if e.action == "draft.scheduled"]
    assert (scheduled.actor, scheduled.payload) == ("bian", {"publish_at": format_at(due), "expires_at": None})


def test_a_scheduled_draft_changed_before_its_time_is_not_published_then(team):
    due = team.clock() + timedelta(hours=6)
    draft = team.submit(column="要闻", publish_at=due)
    team.walk(draft.id)
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft.id, "区政府召开会议，研究部署冬季工作。\n", comment="改写",
                  now=team.clock.advance(timedelta(hours=1))))
    team.clock.advance(timedelta(hours=6))
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("in_review", False)
    refused = [e for e in audit.for_draft(team.ctx, team["guan"], draft.id) if e.action == "publish.refused"]
    assert refused and "审核中" in refused[0].payload["reasons"][0]


def test_an_expiring_page_is_taken_down_at_its_time_with_a_record(team):
    ends = team.clock() + timedelta(days=3)
    draft = team.submit(column="通知公告", expires_at=ends)
    team.walk(draft.id)
    _drain(team)
    assert _page(team, draft.id).exists()
    team.clock.advance(ends - team.clock() - timedelta(minutes=1))
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("published", True)
    team.clock.advance(timedelta(minutes=1))
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("withdrawn", False)
    trail = [e for e in audit.for_draft(team.ctx, team["guan"], draft.id)
             if e.action in ("draft.withdrawn", "site.withdrawn")]
    assert [(e.action, e.actor) for e in trail] == [("draft.withdrawn", "system"), ("site.withdrawn", "system")]
    assert trail[0].payload["reason"].startswith("到期下线") and trail[0].at == ends


def test_a_schedule_must_lie_ahead_and_expire_after_publication(team):
    now = team.clock()
    with pytest.raises(InvalidInput, match="定时发布时间须晚于现在"):
        team.submit(column="要闻", publish_at=now - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="下线时间须晚于"):
        team.submit(column="要闻", publish_at=now + timedelta(days=2), expires_at=now + timedelta(days=1))
    assert team.count(Draft) == 0


def test_a_time_without_a_zone_is_beijing_time():
    assert moment("2026-12-01T09:00", what="定时发布时间") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert moment("2026-12-01T09:00Z", what="定时发布时间") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert moment("", what="定时发布时间") is None
    with pytest.raises(InvalidInput, match="不是有效的时间"):
        moment("下周一", what="定时发布时间")


def test_the_cli_takes_a_schedule_and_refuses_a_bad_time(cli):
    made = cli.submit("各单位：请做好准备。\n", "--column", "通知公告", "--publish-at", "2099-01-01T09:00",
                      "--expires-at", "2099-06-30T18:00+08:00")
    shown = cli.json("show", str(made["id"]), who="bian")
    assert (shown["publish_at"], shown["expires_at"]) == ("2099-01-01T01:00:00+00:00", "2099-06-30T10:00:00+00:00")
    assert "不是有效的时间" in cli("submit", cli.file("d.txt", "各单位：请做好准备。"), "--title", "通知",
                                "--disclosure", "主动公开", "--publish-at", "明天", who="bian", code=2).stderr


def test_the_new_draft_form_takes_a_schedule_in_beijing_time(app, team):
    from tests.web_support import csrf_of, signed_in

    editor = signed_in(app, "bian")
    form = editor.get("/drafts/new").text
    assert 'type="datetime-local"' in form and "定时发布" in form and "到期下线" in form
    done = editor.post("/drafts", data={"csrf_token": csrf_of(form), "title": "会议通知", "column": "要闻",
                                        "kind": "news", "disclosure": "主动公开", "body": "各单位：请参会。",
                                        "idempotency_key": "k-sched", "publish_at": "2099-01-01T09:00",
                                        "expires_at": ""}, follow_redirects=False)
    assert done.status_code == 303
    assert team.rows(select(Draft.publish_at)) == [datetime(2099, 1, 1, 1, 0, tzinfo=UTC)]
    page = editor.get(done.headers["location"]).text
    assert "定时发布：" in page


def test_a_draft_approved_only_after_its_expiry_is_not_published(team):
    ends = team.clock() + timedelta(hours=2)
    draft = team.submit(column="通知公告", expires_at=ends)
    team.clock.advance(timedelta(hours=3))
    team.walk(draft.id)
    _drain(team)
    assert (_status(team, draft.id), _page(team, draft.id).exists()) == ("approved", False)
    refused = [e for e in audit.for_draft(team.ctx, team["guan"], draft.id) if e.action == "publish.refused"]
    assert "已过下线时间" in refused[0].payload["reasons"][0]
