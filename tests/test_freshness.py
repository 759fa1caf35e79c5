"""The column-freshness rule: green, due soon, overdue; blank columns and the 5-blank-columns veto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from review.freshness import (
    ColumnRule,
    Freshness,
    FreshnessPolicy,
    assess,
    default_update_days,
)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
NEWS = ColumnRule("要闻", "news", 14)
NOTICE = ColumnRule("通知公告", "notice", 180)


def _one(rule: ColumnRule, days_ago: float | None, **policy):
    last = {} if days_ago is None else {rule.name: NOW - timedelta(days=days_ago)}
    return assess([rule], last, now=NOW, policy=FreshnessPolicy(**policy)).columns[0]


def test_a_column_within_its_rule_is_green_and_one_near_its_limit_is_due_soon():
    assert _one(NEWS, 5).status == Freshness.GREEN
    soon = _one(NEWS, 12)
    assert (soon.status, soon.blank, soon.due_at) == (Freshness.DUE_SOON, False, NOW + timedelta(days=2))
    assert _one(NEWS, 12, warn_days=1).status == Freshness.GREEN
    assert _one(NEWS, 14).status == Freshness.DUE_SOON  # exactly at the limit is not yet past it


def test_a_column_past_its_rule_is_overdue_and_counts_as_blank():
    late = _one(NEWS, 14.5)
    assert (late.status, late.blank, late.days_since) == (Freshness.OVERDUE, True, 14.5)
    assert _one(NOTICE, 100).status == Freshness.GREEN  # the same age is fine under a six-month rule


def test_a_column_never_published_is_blank_and_overdue():
    never = _one(NOTICE, None)
    assert (never.status, never.blank, never.last_published_at, never.due_at) == (Freshness.OVERDUE, True, None, None)


def test_five_blank_columns_fail_the_site_and_four_do_not():
    rules = [ColumnRule(f"栏目{i}", "notice", 180) for i in range(6)]
    fresh = {"栏目0": NOW - timedelta(days=1)}
    four_blank = assess(rules[:5], fresh, now=NOW)
    assert (four_blank.blank_count, four_blank.vetoed) == (4, False)
    five_blank = assess(rules, fresh, now=NOW)
    assert (five_blank.blank_count, five_blank.vetoed) == (5, True)
    assert assess(rules, fresh, now=NOW, policy=FreshnessPolicy(blank_limit=6)).vetoed is False


def test_the_home_page_counts_every_column_and_vetoes_when_overdue():
    home = ColumnRule("首页", "home", 14)
    recent = assess([home, NOTICE], {"通知公告": NOW - timedelta(days=3)}, now=NOW)
    assert recent.columns[0].status == Freshness.GREEN and not recent.vetoed
    stale = assess([home, NOTICE], {"通知公告": NOW - timedelta(days=30)}, now=NOW)
    assert stale.home_overdue and stale.vetoed
    assert stale.blank_count == 0  # the home page is not a column of the blank count; 通知公告 is within its rule


def test_a_parent_column_counts_its_sub_columns_and_inactive_columns_are_skipped():
    parent = ColumnRule("政务公开", "other", 30)
    child = ColumnRule("财政预决算", "other", 365, parent="政务公开")
    retired = ColumnRule("旧栏目", "news", 14, active=False)
    report = assess([parent, child, retired], {"财政预决算": NOW - timedelta(days=2)}, now=NOW)
    assert [(c.name, c.status) for c in report.columns] == [("政务公开", Freshness.GREEN),
                                                           ("财政预决算", Freshness.GREEN)]


def test_each_kind_has_its_default_rule():
    assert [default_update_days(k) for k in ("home", "news", "notice", "policy", "personnel", "plan", "??")] \
        == [14, 14, 180, 180, 365, 365, 180]
