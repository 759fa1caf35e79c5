"""sanshen worker --drain: a dead letter is reported and makes the run exit 1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sanshen.cli import app
from storage.clock import system_clock
from storage.db import make_engine, transaction
from storage.outbox import enqueue

pytestmark = pytest.mark.db


def test_drain_reports_dead_items_and_exits_1(tmp_path, db_url):
    env = {"SANSHEN_HOME": str(tmp_path / "home"), "SANSHEN_DB": db_url, "SANSHEN_TOKEN": ""}
    runner = CliRunner()
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    engine = make_engine(db_url)
    with transaction(engine) as s:
        enqueue(s, kind="fax", key="fax:7", payload={}, now=system_clock())  # the worker below reads the same clock
    engine.dispose()

    result = runner.invoke(app, ["worker", "--drain", "--inline"], env=env)
    assert result.exit_code == 1, result.output
    assert "链接可达性检查已关闭" in result.stdout  # the test suite runs with SANSHEN_LINK_CHECK=off
    assert "剩余 0 项，放弃 1 项" in result.stdout
    assert "已放弃：fax（fax:7）" in result.stderr and "unknown outbox kind: fax" in result.stderr
    assert "错误：1 项待办多次失败" in result.stderr

    again = runner.invoke(app, ["worker", "--drain", "--inline"], env=env)
    assert again.exit_code == 0 and "放弃 0 项" in again.stdout  # only this run's dead letters count
