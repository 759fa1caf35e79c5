"""意见, suggested edits with their preview, the revision preview and the 审签单 over REST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.web.app import create_app
from tests.team import CLEAN_BODY

pytestmark = pytest.mark.db


@pytest.fixture
def api(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))

    def call(method: str, path: str, who: str, **kwargs):
        return client.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {team.tokens[who]}"},
                              **kwargs)

    return call


def test_comment_suggest_preview_accept_and_sheet(api, team):
    did = team.submit().id
    team.walk(did, through="一校")
    r = api("POST", f"/drafts/{did}/comments", "shen1", json={"quote": "压实责任", "text": "请写明主体"})
    assert r.status_code == 201 and r.json()["passage"]["start"] == CLEAN_BODY.index("压实责任")
    r = api("POST", f"/drafts/{did}/comments", "shen1", json={"quote": "无此句", "text": "x"})
    assert r.status_code == 422 and "正文中没有" in r.json()["message"]
    s = api("POST", f"/drafts/{did}/suggestions", "shen1", json={"old_text": "压实责任", "new_text": "压紧压实责任"})
    assert s.status_code == 201
    sid = s.json()["id"]
    preview = api("GET", f"/drafts/{did}/suggestions/{sid}/preview", "bian").json()
    assert preview["change"] == "content" and [v["stage"] for v in preview["voided"]] == ["一校"]
    assert api("POST", f"/drafts/{did}/suggestions/{sid}/accept", "jiao1", json={}).status_code == 403
    r = api("POST", f"/drafts/{did}/suggestions/{sid}/accept", "bian", json={"expect_voided": []})
    assert r.status_code == 409 and r.json()["code"] == "voids_changed"
    r = api("POST", f"/drafts/{did}/suggestions/{sid}/accept", "bian", json={"expect_voided": ["一校:jiao1"]})
    assert r.status_code == 200 and r.json()["revision"] == 2
    assert api("GET", f"/drafts/{did}/suggestions", "bian").json()[0]["status"] == "accepted"
    rp = api("POST", f"/drafts/{did}/revisions/preview", "bian", json={"body": CLEAN_BODY.replace("压实", "压紧压实").replace("，", "、")})
    assert rp.status_code == 200 and rp.json()["change"] == "punctuation" and rp.json()["voided"] == []
    kinds = [o["kind"] for o in api("GET", f"/drafts/{did}/opinions", "bian").json()]
    assert kinds == ["submit", "sign", "comment", "suggest", "revise", "suggest_decided"]
    sheet = api("GET", f"/drafts/{did}/sheet", "guan").json()
    assert sheet["revision"] == 2 and len(sheet["opinions"]) == 6
