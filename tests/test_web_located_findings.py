"""The draft page says where each finding is: a title finding is highlighted in the heading, an
attachment's finding names the file and its page, and the body marks only the body's findings."""

from __future__ import annotations

import re

import pytest

from tests.attachment_files import pdf_file
from tests.team import ID_NUMBER, run_checks
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db

MARK = "机密★1年"


def test_the_draft_page_lists_title_and_attachment_findings_where_they_are(app, team):
    c = signed_in(app, "bian")
    title = f"关于表彰张三（{ID_NUMBER}）的决定"
    data = {"title": title, "column": "通知公告", "kind": "notice", "disclosure": "主动公开",
            "body": "各单位：现将表彰决定印发给你们。", "csrf_token": csrf_of(c.get("/drafts/new").text),
            "idempotency_key": "located"}
    files = [("attachments", ("名单.pdf", pdf_file("获奖人员名单", f"{MARK}　张三"), "application/pdf"))]
    r = c.post("/drafts", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    run_checks(team.ctx)  # the automated pass, as the worker runs it after the form is answered
    page = c.get(r.headers["location"]).text
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert re.search(rf'<mark id="m-\d+" class="sev-error"[^>]*>{ID_NUMBER}</mark>', heading)
    body = re.search(r'<div class="draft-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "<mark" not in body  # the title's finding is not marked at its offsets in the body
    items = re.findall(r'<li id="f-\d+"[^>]*>(.*?)</li>', page, re.S)
    title_item = next(i for i in items if ID_NUMBER in i)
    attachment_item = next(i for i in items if MARK in i)
    assert '<span class="where">标题</span>' in title_item
    assert '<span class="where">附件“名单.pdf”第 2 页</span>' in attachment_item
    assert "第 1–5 字" in attachment_item and 'href="#m-' not in attachment_item
