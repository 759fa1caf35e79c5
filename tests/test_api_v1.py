"""The REST API under /api/v1: bearer tokens, JSON errors, every route of docs/architecture.md §7."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.web.app import create_app
from tests.cast import SIGNERS
from tests.team import ID_NUMBER, run_checks

pytestmark = pytest.mark.db

DRAFT = {"title": "关于做好防汛工作的通知", "body": f"联系人身份证号 {ID_NUMBER}。", "column": "通知公告",
         "kind": "notice", "disclosure": "主动公开"}
ERROR_STATUSES = ("401", "403", "404", "409", "413", "422")



@pytest.fixture
def api(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))

    def call(method: str, path: str, who: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if who:
            headers["Authorization"] = f"Bearer {team.tokens[who]}"
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    call.settle = lambda: run_checks(team.ctx)  # the worker's automated pass, run now
    return call


def test_a_token_is_required(api):
    r = api("GET", "/queue")
    assert r.status_code == 401 and r.json()["code"] == "no_token" and r.json()["message"]
    r = api("GET", "/queue", headers={"Authorization": "Bearer ss_not-a-token"})
    assert r.status_code == 401 and r.json()["code"] == "bad_token"


def test_submit_is_idempotent_by_key_and_returns_findings(api):
    r1 = api("POST", "/drafts", "bian", json=DRAFT, headers={"Idempotency-Key": "cms-42"})
    r2 = api("POST", "/drafts", "bian", json=DRAFT, headers={"Idempotency-Key": "cms-42"})
    assert r1.status_code == 201 and r2.status_code == 201
    body = r1.json()
    assert r2.json()["id"] == body["id"]
    assert {"id", "revision", "content_hash", "status", "findings"} <= body.keys()
    assert body["status"] == "checking" and body["findings"] == []  # stored; the automated pass runs off the request
    assert api.settle() == 1
    shown = api("GET", f"/drafts/{body['id']}", "bian").json()
    assert shown["status"] == "in_review"
    assert any(f["category"] == "pii" and f["text"] == ID_NUMBER for f in shown["findings"])
    r3 = api("POST", "/drafts", "bian", json=DRAFT, headers={"Idempotency-Key": "cms-43"})
    assert r3.json()["id"] != body["id"]


def test_bad_input_and_refusals_are_json_errors(api):
    r = api("POST", "/drafts", "bian", json={**DRAFT, "body": ""})
    assert r.status_code == 422 and r.json()["code"] == "empty_body"
    r = api("POST", "/drafts", "bian", json={"title": "缺正文"})
    assert r.status_code == 422 and r.json()["code"] == "bad_request"
    r = api("POST", "/drafts", "shen1", json=DRAFT)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert api("GET", "/drafts/999", "bian").status_code == 404


def test_a_draft_is_checking_until_its_pass_is_done_and_cannot_be_signed_before(api):
    draft = api("POST", "/drafts", "bian", json=DRAFT).json()
    draft_id = draft["id"]
    assert draft["status"] == "checking"
    assert api("GET", f"/drafts/{draft_id}", "jiao1").json()["status"] == "checking"
    assert api("GET", "/queue", "jiao1").json() == []
    for action, body in (("sign", {"stage": "一校", "expect_hash": draft["content_hash"]}),
                         ("return", {"comment": "请修改"})):
        r = api("POST", f"/drafts/{draft_id}/{action}", "jiao1", json=body)
        assert r.status_code == 409 and r.json()["code"] == "checking" and "检查中" in r.json()["message"]
    api.settle()
    shown = api("GET", f"/drafts/{draft_id}", "jiao1").json()
    assert shown["status"] == "in_review" and any(f["category"] == "pii" for f in shown["findings"])
    r = api("POST", f"/drafts/{draft_id}/sign", "jiao1", json={"stage": "一校", "expect_hash": draft["content_hash"]})
    assert r.status_code == 200 and r.json()["status"] == "in_review"


def test_a_draft_goes_through_every_stage_by_api(api):
    api("POST", "/drafts", "bian", json=DRAFT)
    api.settle()
    draft = api("GET", "/drafts/1", "bian").json()
    draft_id = draft["id"]
    assert [i["id"] for i in api("GET", "/queue", "jiao1").json()] == [draft_id]
    assert api("GET", "/queue", "shen1").json() == []
    r = api("POST", f"/drafts/{draft_id}/sign", "shen1", json={"stage": "一校"})
    assert r.status_code in (403, 409)
    r = api("POST", f"/drafts/{draft_id}/sign", "jiao1", json={"stage": "一校", "expect_hash": "0" * 64})
    assert r.status_code == 409 and r.json()["message"]
    pii = next(f for f in draft["findings"] if f["category"] == "pii")
    for stage, who in SIGNERS:
        if stage == "初审":
            r = api("POST", f"/drafts/{draft_id}/waive", who, json={"finding_id": pii["id"], "reason": "本人同意公开"})
            assert r.status_code == 200, r.json()
        r = api("POST", f"/drafts/{draft_id}/sign", who,
                json={"stage": stage, "comment": "同意", "expect_hash": draft["content_hash"]})
        assert r.status_code == 200, (stage, r.json())
    shown = api("GET", f"/drafts/{draft_id}", "guan").json()
    assert shown["title"] == DRAFT["title"] and shown["status"] in ("approved", "published")
    assert all(s["status"] == "done" for s in shown["stages"])
    trail = api("GET", f"/drafts/{draft_id}/audit", "guan").json()
    actions = [e["action"] for e in trail]
    assert "finding.waived" in actions and actions.count("stage.signed") >= len(SIGNERS)
    assert api("GET", "/audit/verify", "guan").json()["ok"] is True
    r = api("POST", f"/drafts/{draft_id}/withdraw", "ling", json={"reason": "x"})
    assert r.status_code == 409  # not published yet (no dispatcher in this test)


def test_return_and_revision(api):
    draft = api("POST", "/drafts", "bian", json=DRAFT).json()
    draft_id = draft["id"]
    api.settle()
    r = api("POST", f"/drafts/{draft_id}/return", "jiao1", json={"comment": ""})
    assert r.status_code == 422
    r = api("POST", f"/drafts/{draft_id}/return", "jiao1", json={"comment": "请删去身份证号"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = api("POST", f"/drafts/{draft_id}/revisions", "bian", json={"body": "联系人：张三。", "comment": "已删去"})
    assert r.status_code == 201
    body = r.json()
    assert body["revision"] == 2 and body["status"] == "checking"
    api.settle()
    body = api("GET", f"/drafts/{draft_id}", "bian").json()
    assert body["revision"] == 2 and body["status"] == "in_review"
    assert not any(f["category"] == "pii" for f in body["findings"])


def test_check_runs_the_automated_pass_without_storing(api):
    r = api("POST", "/check", "shen1", json={"text": f"身份证号 {ID_NUMBER}，北朝鲜"})
    assert r.status_code == 200
    report = r.json()
    categories = {f["category"] for f in report["findings"]}
    assert {"pii", "banned"} <= categories and report["lexicon_version"]
    assert api("GET", "/queue", "jiao1").json() == []


def test_openapi_schema_lists_the_routes(api):
    schema = api("GET", "/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/drafts", "/api/v1/drafts/{draft_id}/revisions", "/api/v1/drafts/{draft_id}",
                 "/api/v1/queue", "/api/v1/drafts/{draft_id}/sign", "/api/v1/drafts/{draft_id}/return",
                 "/api/v1/drafts/{draft_id}/waive", "/api/v1/drafts/{draft_id}/withdraw",
                 "/api/v1/drafts/{draft_id}/audit", "/api/v1/audit/verify", "/api/v1/check"):
        assert path in paths, path
    assert not any(p.startswith("/admin") or p == "/queue" for p in paths)  # pages are not API
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_openapi_describes_every_answer_of_every_route(app):
    schema = app.openapi()
    models = schema["components"]["schemas"]
    operations = [(path, op) for path, ops in schema["paths"].items() if path.startswith("/api/v1/")
                  for op in ops.values()]
    assert len(operations) >= 11  # the routes of docs/architecture.md §7, and any added since
    for path, op in operations:
        [ok] = [status for status in op["responses"] if status.startswith("2")]
        answer = op["responses"][ok]["content"]["application/json"]["schema"]
        model = answer["items"] if answer.get("type") == "array" else answer
        assert models[model["$ref"].rsplit("/", 1)[1]]["properties"], (path, ok)
        for status in ERROR_STATUSES:
            error = "AuditChainView" if (path, status) == ("/api/v1/audit/verify", "409") else "ErrorBody"
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == f"#/components/schemas/{error}", (path, status)
    assert set(models["ErrorBody"]["properties"]) == {"code", "message"}
