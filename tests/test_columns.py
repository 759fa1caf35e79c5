"""Columns as data: the registry (seeded, migrated from free text), its CLI and refusals, drafts
filed only under registered columns, and the freshness monitor (flow, notifications, CLI)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from flows.dispatcher import DispatcherConfig
from flows.freshness import check_freshness
from review.refusals import InvalidInput
from sanshen.commands.worker import build_dispatcher
from sanshen.service import columns
from storage.db import make_engine, upgrade
from storage.models import AuditEvent, Draft, Notification, SiteColumn
from tests.test_storage_db import migrated_to

pytestmark = pytest.mark.db
SEEDED = ["首页", "要闻", "工作动态", "通知公告", "政策文件", "政策解读", "人事信息", "规划计划"]


def test_the_migration_registers_every_free_text_column_already_on_record(db_url):
    engine = make_engine(db_url)
    at = "'2026-11-24 00:00:00'"
    try:
        with migrated_to(engine, "0004") as conn:
            conn.execute(sa.text(
                "INSERT INTO \"user\" (id, name, display, dept, roles, failed_logins, active, session_epoch,"
                f" created_at) VALUES (1, 'bian', '', '', 'editor', 0, true, 0, {at})"))
            for draft_id, column in enumerate(("要闻", "区县动态", "", "区县动态", "专题专栏"), start=1):
                conn.execute(sa.text(
                    "INSERT INTO draft (id, title, \"column\", kind, urgent, author_id, department, workflow_name,"
                    " workflow_version, status, current_revision, lock_version, submitted_at)"
                    f" VALUES (:id, 't', :column, 'news', false, 1, '', 'w', 'v', 'in_review', 1, 0, {at})"),
                    {"id": draft_id, "column": column})
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, kind, update_days, active FROM sitecolumn ORDER BY id")).all()
            drafts = conn.execute(sa.text('SELECT "column" FROM draft ORDER BY id')).scalars().all()
        assert [r[0] for r in rows] == SEEDED + ["专题专栏", "区县动态"]
        assert rows[-1][1:] == ("other", 180, True)
        assert drafts == ["要闻", "区县动态", "", "区县动态", "专题专栏"]  # each draft still names its column
    finally:
        engine.dispose()


def test_admins_add_list_and_update_columns_each_change_audited(cli):
    listed = cli.json("column", "list")
    assert [c["name"] for c in listed] == SEEDED
    assert listed[1] == {"name": "要闻", "slug": "yaowen", "parent": None, "kind": "news", "kind_label": "动态要闻",
                         "update_days": 14, "active": True}
    added = cli.json("column", "add", "财政预决算", "--path", "czyjs", "--parent", "政策文件", who="guan")
    assert (added["parent"], added["kind"], added["update_days"]) == ("政策文件", "other", 180)
    changed = cli.json("column", "update", "财政预决算", "--days", "365", "--kind", "plan", who="guan")
    assert (changed["update_days"], changed["kind_label"]) == (365, "规划计划")
    assert cli.json("column", "update", "财政预决算", "--parent", "", who="guan")["parent"] is None
    engine = make_engine(cli.db_url)
    try:
        with engine.connect() as conn:
            actions = conn.execute(sa.text("SELECT action, actor FROM auditevent WHERE action LIKE 'column.%'"
                                           " ORDER BY seq")).all()
    finally:
        engine.dispose()
    assert actions == [("column.added", "guan"), ("column.updated", "guan"), ("column.updated", "guan")]


def test_column_changes_are_refused_clearly_and_write_nothing(cli):
    assert "管理员" in cli("column", "add", "专栏", "--path", "zl", who="bian", code=1).stderr
    assert "已存在" in cli("column", "add", "要闻", "--path", "yw2", who="guan", code=1).stderr
    assert "已被其他栏目使用" in cli("column", "add", "新栏目", "--path", "yaowen", who="guan", code=1).stderr
    assert "小写字母" in cli("column", "add", "新栏目", "--path", "Xin Lan", who="guan", code=2).stderr
    assert "1 到 3650" in cli("column", "add", "新栏目", "--path", "xl", "--days", "0", who="guan", code=2).stderr
    assert "未知的栏目类型" in cli("column", "add", "新栏目", "--path", "xl", "--kind", "blog", who="guan",
                                 code=2).stderr
    assert "不存在" in cli("column", "update", "没有的栏目", "--days", "3", who="guan", code=2).stderr
    cli("column", "add", "机构", "--path", "jg", who="guan")
    cli("column", "add", "领导", "--path", "ld", "--parent", "机构", who="guan")
    assert "下级栏目" in cli("column", "update", "机构", "--parent", "领导", who="guan", code=2).stderr
    assert "没有需要修改" in cli("column", "update", "机构", "--days", "180", who="guan", code=2).stderr
    assert [c["name"] for c in cli.json("column", "list")] == SEEDED + ["机构", "领导"]


def test_a_draft_is_filed_only_under_a_registered_active_column(cli):
    refused = cli("submit", cli.file("d.txt", "各单位：请做好准备。"), "--title", "通知", "--disclosure", "主动公开",
                  "--column", "小道消息", who="bian", code=2)
    assert "栏目“小道消息”未登记" in refused.stderr and "已登记的栏目：首页、要闻、工作动态" in refused.stderr
    cli("column", "update", "工作动态", "--inactive", who="guan")
    assert "已停用" in cli("submit", cli.file("d.txt", "各单位：请做好准备。"), "--title", "通知",
                        "--disclosure", "主动公开", "--column", "工作动态", who="bian", code=2).stderr
    filed = cli.submit("各单位：请做好准备。", "--column", "通知公告")
    assert filed["id"] == 1  # the refusals wrote no draft


def test_the_service_refuses_an_unknown_column_before_storing_anything(team):
    with pytest.raises(InvalidInput, match="未登记"):
        team.submit(column="不存在的栏目")
    assert team.count(Draft) == 0


def _publish(team, column: str) -> int:
    draft = team.submit(column=column)
    team.walk(draft.id)
    build_dispatcher(team.ctx, use_prefect=False, config=DispatcherConfig()).drain(max_wait=0)  # no freshness run
    assert team.rows(select(Draft.status).where(Draft.id == draft.id)) == ["published"]
    return draft.id


def _alerts(team) -> list[tuple[str, str]]:
    return [(n.kind, n.message) for n in team.rows(
        select(Notification).where(Notification.kind.like("column_%")).order_by(Notification.id))
        if n.user_id == team["guan"].id]


def test_the_freshness_flow_warns_before_the_limit_then_when_past_it_each_once(team):
    for name in SEEDED:  # only 要闻 (14 days) is watched here
        if name != "要闻":
            columns.update_column(team.ctx, team["guan"], name, active=False, now=team.clock())
    published_at = team.clock()
    _publish(team, "要闻")
    policy = team.ctx.freshness_policy
    assert check_freshness(team.ctx.engine, now=team.clock(), policy=policy).alerted == ()
    team.clock.advance(timedelta(days=10))
    assert check_freshness(team.ctx.engine, now=team.clock(), policy=policy).alerted == ()
    team.clock.advance(timedelta(days=1, hours=12))  # 2.5 days before the limit: warned (3 days ahead)
    assert check_freshness(team.ctx.engine, now=team.clock(), policy=policy).alerted == ("要闻",)
    assert check_freshness(team.ctx.engine, now=team.clock(), policy=policy).alerted == ()  # told once
    view = columns.freshness(team.ctx, now=team.clock())
    assert [(c.name, c.status, c.blank) for c in view.columns] == [("要闻", "due_soon", False)]
    team.clock.advance(timedelta(days=3))
    outcome = check_freshness(team.ctx.engine, now=team.clock(), policy=policy)
    assert (outcome.alerted, outcome.overdue, outcome.blank) == (("要闻",), 1, 1)
    alerts = _alerts(team)
    assert [kind for kind, _ in alerts] == ["column_due_soon", "column_overdue"]
    assert "须在" in alerts[0][1] and "已超期" in alerts[1][1]
    trail = team.rows(select(AuditEvent).where(AuditEvent.action == "column.freshness_alert").order_by(AuditEvent.seq))
    assert [(e.actor, e.payload["column"], e.payload["status"]) for e in trail] == [
        ("system", "要闻", "due_soon"), ("system", "要闻", "overdue")]
    assert trail[0].payload["last_published_at"].startswith(published_at.date().isoformat())
    # publishing again makes it green, silently; the level is remembered for the next round
    _publish(team, "要闻")
    assert check_freshness(team.ctx.engine, now=team.clock(), policy=policy).alerted == ()
    assert team.rows(select(SiteColumn.alert_level).where(SiteColumn.name == "要闻")) == ["green"]


def test_the_dispatcher_runs_the_freshness_check_on_its_interval(team):
    dispatcher = build_dispatcher(team.ctx, use_prefect=False)
    dispatcher.run_once()
    assert _alerts(team) == []  # not at start: a worker stopped at once stops quickly
    team.clock.advance(timedelta(minutes=1))
    dispatcher.run_once()
    assert {kind for kind, _ in _alerts(team)} == {"column_overdue"}  # a fresh site: every column blank
    first = len(_alerts(team))
    team.clock.advance(timedelta(minutes=30))
    dispatcher.run_once()
    assert len(_alerts(team)) == first


def test_monitor_freshness_exits_1_when_a_column_is_overdue(cli):
    report = cli.json("monitor", "freshness", code=1)
    assert (report["overdue"], report["blank_count"], report["vetoed"]) == (8, 7, True)
    assert {c["status"] for c in report["columns"]} == {"overdue"}
    text = cli("monitor", "freshness", code=1)
    assert "空白栏目 7 个" in text.stdout and "单项否决" in text.stderr
    for name in SEEDED:
        cli("column", "update", name, "--inactive", who="guan")
    assert cli.json("monitor", "freshness")["columns"] == []
