"""Asynchronous link liveness: extraction, probing a real local server, stored findings."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from flows.links import LinkPolicy, check_revision_links, extract_links, probe
from storage.db import transaction
from storage.models import AuditEvent, CheckReport, FindingRow
from tests.flows_support import add_draft, add_user, engine, server  # noqa: F401 (fixtures)

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def test_extract_links_stops_at_chinese_text_and_punctuation():
    text = "详见http://www.gov.cn/zhengce/a.html。另见（https://example.org/x?y=1），以及 ftp://no"
    spans = extract_links(text)
    assert [s.url for s in spans] == ["http://www.gov.cn/zhengce/a.html", "https://example.org/x?y=1"]
    for s in spans:
        assert text[s.start:s.end] == s.url


def test_probe_uses_head_then_get(server):
    with httpx.Client(timeout=2) as client:
        assert probe(client, server.url + "/ok") is None
        assert probe(client, server.url + "/nohead") is None
        assert probe(client, server.url + "/missing") == "HTTP 404"


def test_probe_reports_unreachable_hosts(server):
    url = server.url
    server.stop()
    with httpx.Client(timeout=2) as client:
        assert "无法连接" in probe(client, url + "/ok")
    server.start()


@pytest.mark.db
def test_dead_links_become_link_warnings_and_rerun_supersedes(engine, server):
    body = f"正常链接 {server.url}/ok 。失效链接 {server.url}/missing 。"
    with transaction(engine) as s:
        author = add_user(s, "editor", "editor", NOW)
        draft, _ = add_draft(s, author, title="链接测试", body=body, now=NOW)
        draft_id = draft.id
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW) == 1
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW) == 1
    with transaction(engine, readonly=True) as s:
        rows = s.scalars(select(FindingRow).where(FindingRow.draft_id == draft_id)).all()
        reports = s.scalars(select(CheckReport)).all()
        audit = s.scalars(select(AuditEvent.action)).all()
    live = [r for r in rows if not r.superseded]
    assert len(live) == 1 and len(rows) == 1  # the identical finding kept its row
    (f,) = live
    assert (f.category, f.severity, f.rule) == ("link", "warning", "link.dead")
    assert body[f.start:f.end] == f.text == f"{server.url}/missing"
    assert "HTTP 404" in f.message
    assert [r.source for r in reports] == ["links", "links"]
    assert audit == ["check.links", "check.links"]


@pytest.mark.db
def test_link_count_is_limited(engine, server):
    body = " ".join(f"{server.url}/missing?n={i}" for i in range(5))
    with transaction(engine) as s:
        author = add_user(s, "editor", "editor", NOW)
        draft, _ = add_draft(s, author, title="多链接", body=body, now=NOW)
    assert check_revision_links(engine, draft_id=draft.id, revision=1, now=NOW,
                                policy=LinkPolicy(max_links=3, timeout=2)) == 3
