"""依申请公开 through the command line and the REST API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.service import users
from tests.foia_support import REPLY_BODY, WITHHELD_WHY

pytestmark = pytest.mark.db


@pytest.fixture
def staffed(cli):
    for name, role in (("gong1", "foia"), ("gong2", "foia"), ("fa", "legal")):
        cli.tokens[name] = cli.json("user", "add", name, "--role", role)["token"]
    return cli


def test_a_request_from_add_to_archive_on_the_command_line(staffed):
    cli = staffed
    bad_kind = cli("request", "add", "--channel", "信函", "--applicant-kind", "法人或其他组织", "--org-kind", "律师事务所",
                   "--name", "某律师事务所", "--description", "某项目环评批复", who="gong1", code=2)
    assert "法律服务机构" in bad_kind.stderr
    added = cli.json("request", "add", "--channel", "信函", "--applicant-kind", "法人或其他组织",
                     "--org-kind", "法律服务机构", "--name", "某律师事务所", "--description", "某项目环评批复",
                     "--received-on", "2025-09-26", who="gong1")  # the CLI acts on the real clock: a day long past
    # received the Friday before 国庆 2025 (1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked)
    assert added["due_on"] == "2025-10-30" and added["overdue"] and added["applicant"] == "某律师事务所"
    rid = str(added["id"])
    cli("request", "add", "--channel", "网络", "--applicant-kind", "自然人", "--name", "王五",
        "--description", "x", who="bian", code=1)  # an editor does not register requests
    assert cli.json("request", "assign", rid, "--office", "生态环境科", who="gong1")["status"] == "assigned"
    refused = cli("request", "reply", rid, cli.file("r.txt", REPLY_BODY), "--kind", "不予公开",
                  "--explanation", WITHHELD_WHY, who="gong1", code=2)
    assert "属于国家秘密" in refused.stderr  # the list to choose from
    cli("request", "reply", rid, cli.file("r.txt", REPLY_BODY), "--kind", "不予公开", "--ground", "third_party",
        "--explanation", "无", who="gong1", code=2)
    replied = cli.json("request", "reply", rid, cli.file("r.txt", REPLY_BODY), "--kind", "不予公开",
                       "--ground", "保护第三方合法权益", "--explanation", WITHHELD_WHY, who="gong1")
    draft = str(replied["reply_draft"])
    cli("request", "send", rid, who="gong1", code=1)
    for stage, who in (("承办", "gong2"), ("法律审核", "fa"), ("领导签发", "ling")):
        cli("sign", draft, "--stage", stage, who=who)
    assert cli.json("request", "send", rid, "--note", "挂号信", who="gong1")["status"] == "sent"
    archived = cli.json("request", "archive", rid, who="gong1")
    assert archived["status"] == "archived" and archived["archive_digest"]
    listed = cli("request", "list", who="ling").stdout
    assert "已归档" in listed and "某律师事务所" in listed
    shown = cli("request", "show", rid, who="gong1").stdout
    assert "保护第三方合法权益" in shown and "归档" in shown
    assert "属于四类过程性信息" in cli("request", "grounds").stdout
    assert "request.archived" in cli("audit", "export", "--format", "jsonl").stdout


def test_the_rest_api_runs_the_same_steps(team, app):
    ctx = team.ctx
    tokens = {}
    for name, role in (("gong1", "foia"), ("gong2", "foia"), ("fa", "legal")):
        _, tokens[name] = users.add_user(ctx, None, name, [role], now=ctx.clock())
    tokens["ling"] = team.tokens["ling"]
    client = TestClient(app)

    def call(method, path, who, **kw):
        return client.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)

    made = call("POST", "/requests", "gong1", json={
        "channel": "当面", "applicant_kind": "自然人", "applicant_name": "李小四", "applicant_id_number": "11010519491231002X",
        "description": "本街道2026年低保名单的公示情况", "received_on": "2026-11-24", "office": "民政科"})
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert made.json()["due_on"] == "2026-12-22"
    listed = call("GET", "/requests", "ling").json()
    assert listed[0]["applicant"] == "李**" and "applicant_id_number" not in listed[0]
    assert call("GET", f"/requests/{rid}", "ling").json()["applicant_id_number"] == "110105********002X"
    assert call("POST", f"/requests/{rid}/correction", "gong1", json={"note": "请说明所指街道"}).json()["clock_stopped"]
    assert call("POST", f"/requests/{rid}/resume", "gong1", json={}).json()["due_on"] == "2026-12-22"
    assert call("POST", f"/requests/{rid}/extension", "gong1", json={"reason": "需调取档案"}).status_code == 200
    assert call("POST", f"/requests/{rid}/extension/approve", "gong1", json={}).status_code == 403
    bad = call("POST", f"/requests/{rid}/reply", "gong1", json={"kind": "不予公开", "body": REPLY_BODY,
                                                                "explanation": WITHHELD_WHY})
    assert bad.status_code == 422 and bad.json()["code"] == "ground_required"
    ok = call("POST", f"/requests/{rid}/reply", "gong1", json={"kind": "部分公开", "ground": "third_party",
                                                               "explanation": WITHHELD_WHY, "body": REPLY_BODY})
    assert ok.status_code == 200 and ok.json()["reply_kind_label"] == "部分公开"
    assert call("POST", f"/requests/{rid}/send", "gong1", json={}).status_code == 409
    assert call("GET", "/requests/999", "gong1").status_code == 404
