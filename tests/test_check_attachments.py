"""`sanshen check --attach/--title` and `POST /api/v1/check` with a title and attachments: findings
located in the attachment (name + page or sheet); the REST check's size cap (413) and per-user rate
limit (429), refused in Chinese."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sanshen.cli import app
from sanshen.service import check_pass
from sanshen.web.app import create_app
from tests.attachment_files import docx_file, pdf_file, xlsx_file

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def runner(monkeypatch, default_checker) -> CliRunner:
    monkeypatch.setattr("sanshen.checker.load_default_checker", lambda allowed_domains=(): default_checker)
    return CliRunner()


@pytest.fixture
def files(tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("会议按时召开。\n", encoding="utf-8")
    pdf = tmp_path / "名单.pdf"
    pdf.write_bytes(pdf_file("第一页没有问题。", f"联系人身份证号{ID_NUMBER}。"))
    docx = tmp_path / "说明.docx"
    docx.write_bytes(docx_file("本件为机密★10年。"))
    return body, pdf, docx


def test_cli_attach_locates_findings_in_the_attachment(runner, files):
    body, pdf, docx = files
    result = runner.invoke(app, ["check", str(body), "--attach", str(pdf), "--attach", str(docx)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("附件“名单.pdf”第 2 页:1:8: 错误 [pii/") for line in lines), lines
    assert any(line.startswith("附件“说明.docx”:1:4: 错误 [secrecy/") for line in lines), lines
    assert not any(line.startswith(str(body)) for line in lines)


def test_cli_attach_json_uses_the_rest_view(runner, files):
    body, pdf, _ = files
    result = runner.invoke(app, ["check", str(body), "--attach", str(pdf), "--title", "关于北朝鲜的通知", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["blocking"] is True and report["findings"] == []  # nothing in the body itself
    where = {(f["location"]["label"], f["category"]) for f in report["located"]}
    assert ("附件“名单.pdf”第 2 页", "pii") in where
    assert ("标题", "banned") in where


def test_cli_attach_clean_exits_zero(runner, tmp_path, files):
    body, _, _ = files
    sheet = tmp_path / "统计.xlsx"
    sheet.write_bytes(xlsx_file({"汇总": [["项目", "数量"], ["会议", 3]]}))
    result = runner.invoke(app, ["check", str(body), "--attach", str(sheet)])
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--attach", "/nonexistent/a.pdf"], "找不到文件：/nonexistent/a.pdf"),
    (["--batch", "x.jsonl", "--attach", "a.pdf"], "不能与 --batch 一起使用"),
])
def test_cli_attach_bad_input(runner, files, args, message):
    body, _, _ = files
    argv = ["check", *args] if "--batch" in args else ["check", str(body), *args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_attach_refuses_an_unreadable_type(runner, tmp_path, files):
    body, _, _ = files
    old = tmp_path / "旧格式.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = runner.invoke(app, ["check", str(body), "--attach", str(old)])
    assert result.exit_code == 2
    assert "附件“旧格式.doc” 的格式无法检查其中文字" in result.stderr


@pytest.fixture
def api(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))

    def call(who: str, payload: dict):
        return client.post("/api/v1/check", json=payload, headers={"Authorization": f"Bearer {team.tokens[who]}"})

    return call


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.mark.db
def test_rest_check_with_title_and_attachments(api):
    payload = {"text": "会议按时召开。", "title": "关于北朝鲜的通知",
               "attachments": [{"name": "名单.pdf", "content_base64": _b64(pdf_file("无", f"身份证号{ID_NUMBER}"))}]}
    r = api("shen1", payload)
    assert r.status_code == 200
    report = r.json()
    assert report["blocking"] is True and report["findings"] == []
    pii = [f for f in report["located"] if f["category"] == "pii"]
    assert [(f["location"]["attachment"], f["location"]["page"], f["text"]) for f in pii] == [("名单.pdf", 2, ID_NUMBER)]
    assert any(f["location"]["part"] == "title" and f["category"] == "banned" for f in report["located"])


@pytest.mark.db
def test_rest_check_without_attachments_answers_as_before(api):
    r = api("shen1", {"text": f"身份证号 {ID_NUMBER}"})
    assert r.status_code == 200
    assert r.json()["located"] == [] and r.json()["findings"][0]["category"] == "pii"


@pytest.mark.db
@pytest.mark.parametrize(("attachment", "status", "code"), [
    ({"name": "a.pdf", "content_base64": "不是base64"}, 422, "bad_base64"),
    ({"name": "a.doc", "content_base64": _b64(b"\xd0\xcf\x11\xe0")}, 422, "bad_attachment_type"),
])
def test_rest_check_bad_attachments(api, attachment, status, code):
    r = api("shen1", {"text": "好。", "attachments": [attachment]})
    assert r.status_code == status
    assert r.json()["code"] == code and r.json()["message"]


@pytest.mark.db
def test_rest_check_over_the_cap_is_413_in_chinese(api):
    big = "会议按时召开。" * (check_pass.API_MAX_CHARS // 7 + 1)
    r = api("shen1", {"text": big})
    assert r.status_code == 413
    assert r.json()["code"] == "check_too_large" and "超过单次检查上限" in r.json()["message"]
    # attachment text counts too
    r = api("shen1", {"text": "好。", "attachments": [{"name": "a.txt", "content_base64": _b64(big.encode())}]})
    assert r.status_code == 413


@pytest.mark.db
def test_rest_check_rate_limit_per_user(api, team):
    for _ in range(check_pass.API_RATE):
        assert api("shen1", {"text": "好。"}).status_code == 200
    r = api("shen1", {"text": "好。"})
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited" and "检查过于频繁" in r.json()["message"]
    assert api("jiao1", {"text": "好。"}).status_code == 200  # another user is not held back
    team.ctx.clock.advance(timedelta(seconds=check_pass.API_RATE_WINDOW + 1))
    assert api("shen1", {"text": "好。"}).status_code == 200
