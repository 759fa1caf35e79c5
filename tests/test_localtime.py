"""Local time everywhere a person reads a time (SANSHEN_TIME_ZONE, default Asia/Shanghai), stored times
UTC; and task notifications marked read once the task is handled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.route import route_draft
from flows.site import SiteItem, render_item
from review.refusals import InvalidInput
from sanshen.commands.worker import build_dispatcher
from sanshen.service import notifications
from sanshen.settings import Settings
from sanshen.web.render import make_templates
from storage.localtime import local_text, zone_label

AT = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 01:30 next day in Beijing


def test_times_read_in_the_configured_zone_default_beijing():
    assert local_text(AT) == "2026-11-25 01:30"
    assert local_text(AT, "Europe/Berlin") == "2026-11-24 18:30"
    assert local_text(AT.replace(tzinfo=None)) == "2026-11-25 01:30"  # naive = UTC as stored
    assert local_text("2026-11-24T17:30:00+00:00") == "2026-11-25 01:30"
    assert zone_label() == "北京时间"


def test_the_setting_defaults_to_shanghai_and_refuses_an_unknown_zone():
    assert Settings.from_env({"SANSHEN_HOME": "/tmp/x"}).time_zone == "Asia/Shanghai"
    assert Settings.from_env({"SANSHEN_HOME": "/tmp/x", "SANSHEN_TIME_ZONE": "Asia/Urumqi"}).time_zone == "Asia/Urumqi"
    with pytest.raises(InvalidInput, match="SANSHEN_TIME_ZONE 应为 IANA 时区名称"):
        Settings.from_env({"SANSHEN_HOME": "/tmp/x", "SANSHEN_TIME_ZONE": "Mars/Olympus"})


def test_pages_and_the_public_site_show_local_time():
    assert make_templates().env.filters["time"](AT) == "2026-11-25 01:30"
    assert make_templates("UTC").env.filters["time"](AT) == "2026-11-24 17:30"
    item = SiteItem(draft_id=1, revision=1, title="标题", body="正文", column="通知公告", content_hash="ab",
                    published_at=AT.isoformat())
    assert "2026-11-25 01:30" in render_item(item)
    assert "2026-11-24 18:30" in render_item(item, "Europe/Berlin")


@pytest.mark.db
def test_notifications_give_local_times_and_are_read_once_the_task_is_handled(team):
    did = team.submit().id
    route_draft(team.ctx.engine, team.ctx.workflows, draft_id=did, now=team.clock())
    [opened] = notifications.for_user(team.ctx, team["jiao2"])
    # submitted 02:01 UTC, 一校 due 24 hours later: 10:01 in Beijing
    assert opened.message.endswith("截止 2026-11-25 10:01（北京时间）") and "UTC" not in opened.message
    team.sign("jiao1", did, stage="一校")  # the 一校 task is handled (by jiao1): nobody is still asked to do it
    assert notifications.unread_count(team.ctx, team["jiao1"]) == 0
    assert notifications.unread_count(team.ctx, team["jiao2"]) == 0
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=30)  # 初审 opened: reviewers told
    assert notifications.unread_count(team.ctx, team["shen1"]) == 1
