"""Operations endpoints: /healthz, /readyz (database, schema at head, site store writable) and the
Prometheus metrics at /metrics; JSON log lines."""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text

from sanshen.commands.worker import build_dispatcher
from sanshen.logs import JsonFormatter
from sanshen.web.app import create_app
from storage.db import transaction
from storage.models import Outbox
from tests.team import ID_NUMBER, run_checks


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.mark.db
def test_health_and_readiness(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert [c["name"] for c in ready.json()["checks"]] == ["database", "migrations", "site"]
    site = team.ctx.settings.site_dir
    site.chmod(0o555)
    try:
        if os.access(site, os.W_OK):  # root writes anyway: make the site store a file instead
            site.chmod(0o755)
            site.rename(site.with_name("site-moved"))
            site.write_text("not a folder")
        blocked = client.get("/readyz")
    finally:
        if site.is_file():
            site.unlink()
            site.with_name("site-moved").rename(site)
        site.chmod(0o755)
    assert blocked.status_code == 503
    failed = {c["name"]: c for c in blocked.json()["checks"]}
    assert failed["site"]["ok"] is False and "不可写" in failed["site"]["detail"] and failed["database"]["ok"]
    with transaction(team.ctx.engine) as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    stale = client.get("/readyz").json()
    assert stale["ready"] is False and "sanshen init" in {c["name"]: c for c in stale["checks"]}["migrations"]["detail"]


@pytest.mark.db
def test_metrics_show_queue_depth_lag_dead_letters_publications_and_check_latency(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))
    view = team.submit()
    team.submit(f"申请人身份证号 {ID_NUMBER}。\n", title="含身份证号")
    team.walk(view.id)
    before = samples(client.get("/metrics").text)
    assert before[("sanshen_outbox_pending", (("kind", "publish"),))] == 1
    assert before[("sanshen_check_seconds_count", ())] == 2  # every pass this process's service ran
    team.clock.advance(timedelta(minutes=10))
    lagging = samples(client.get("/metrics").text)
    assert lagging[("sanshen_outbox_lag_seconds", ())] >= 600
    with transaction(team.ctx.engine) as s:
        item = s.scalars(select(Outbox).where(Outbox.kind == "route")).first()
        item.dead_at = item.done_at = team.clock()
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=0)
    after = samples(client.get("/metrics").text)
    assert after[("sanshen_publications", (("channel", "site"), ("status", "done")))] == 1
    assert after[("sanshen_drafts", (("status", "published"),))] == 1
    assert after[("sanshen_outbox_dead", (("kind", "route"),))] == 1
    assert after[("sanshen_outbox_lag_seconds", ())] == 0
    token = team.tokens["bian"]
    submitted = client.post("/api/v1/drafts", headers={"Authorization": f"Bearer {token}"},
                            json={"title": "经由网页端提交", "body": "区政府召开会议。\n", "disclosure": "主动公开"})
    assert submitted.status_code in (200, 201), submitted.text
    run_checks(team.ctx)  # the pass, off the request path, is timed where it runs
    timed = samples(client.get("/metrics").text)
    assert timed[("sanshen_check_seconds_count", ())] == 3 and timed[("sanshen_check_seconds_sum", ())] > 0


def test_json_log_lines_carry_level_logger_message_and_traceback():
    record = logging.LogRecord("sanshen.flows", logging.ERROR, __file__, 1, "outbox item %s failed", (7,), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "sanshen.flows", "outbox item 7 failed")
    try:
        raise ValueError("坏了")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert "ValueError: 坏了" in json.loads(JsonFormatter().format(record))["exception"]
