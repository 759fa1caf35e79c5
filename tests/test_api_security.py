"""The REST API's edges: idempotency keys reused for other content, who may read a draft,
the error shape of an unexpected failure."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.service import drafts, users
from sanshen.web.app import create_app

pytestmark = pytest.mark.db

DRAFT = {"title": "关于做好防汛工作的通知", "body": "各单位：请做好防汛准备。", "column": "通知公告",
         "kind": "notice", "disclosure": "主动公开"}


@pytest.fixture
def client(team) -> TestClient:
    return TestClient(create_app(team.ctx, secret=b"test-secret"), raise_server_exceptions=False)


def call(client: TestClient, team, method: str, path: str, who: str, **kwargs):
    headers = {"Authorization": f"Bearer {team.tokens[who]}", **kwargs.pop("headers", {})}
    return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)


@pytest.mark.parametrize("change", [
    {"body": "各单位：请做好抗旱准备。"},
    {"title": "关于做好抗旱工作的通知"},
    {"disclosure": "不予公开", "disclosure_reason": "涉及个人隐私", "disclosure_ground": "third_party"},
    {"urgent": True},
])
def test_an_idempotency_key_reused_for_other_content_is_refused(client, team, change):
    first = call(client, team, "POST", "/drafts", "bian", json=DRAFT, headers={"Idempotency-Key": "cms-7"})
    assert first.status_code == 201
    again = call(client, team, "POST", "/drafts", "bian", json={**DRAFT, **change},
                 headers={"Idempotency-Key": "cms-7"})
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_conflict" and "幂等键" in again.json()["message"]
    assert [d.id for d in drafts.my_drafts(team.ctx, team["bian"])] == [first.json()["id"]]
    same = call(client, team, "POST", "/drafts", "bian", json=DRAFT, headers={"Idempotency-Key": "cms-7"})
    assert same.status_code == 201 and same.json()["id"] == first.json()["id"]


def test_an_editor_reads_only_their_own_unpublished_drafts(client, team):
    _, token = users.add_user(team.ctx, None, "bian3", ["editor"], now=team.clock())
    team.tokens["bian3"] = token
    draft_id = call(client, team, "POST", "/drafts", "bian", json=DRAFT).json()["id"]
    r = call(client, team, "GET", f"/drafts/{draft_id}", "bian3")
    assert r.status_code == 403 and r.json()["code"] == "forbidden" and DRAFT["body"] not in r.text
    assert call(client, team, "GET", f"/drafts/{draft_id}", "bian").status_code == 200
    assert call(client, team, "GET", f"/drafts/{draft_id}", "jiao1").status_code == 200


def test_an_unexpected_failure_is_a_json_error(client, team, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(drafts, "queue", broken)
    r = call(client, team, "GET", "/queue", "jiao1")
    assert r.status_code == 500
    assert r.json() == {"code": "internal_error", "message": r.json()["message"]} and "服务器内部错误" in r.json()["message"]
    assert "boom" not in r.text
