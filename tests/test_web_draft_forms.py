"""The draft page offers only the forms the review rules allow, lists the attachments, and the
server still refuses the rest."""

from __future__ import annotations

import pytest

from sanshen.service import drafts
from sanshen.service.drafts import AttachmentInput
from tests.team import ID_NUMBER
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def _forms(html: str, draft_id: int) -> set[str]:
    return {what for what in ("sign", "return", "waive", "revise", "withdraw")
            if f'action="/drafts/{draft_id}/{what}"' in html}


def test_each_person_sees_only_the_forms_they_may_use(app, team):
    draft_id = team.submit(body=f"申请人身份证号 {ID_NUMBER}，请核实。").id
    assert _forms(signed_in(app, "jiao1").get(f"/drafts/{draft_id}").text, draft_id) == {"sign", "return"}
    assert _forms(signed_in(app, "bian").get(f"/drafts/{draft_id}").text, draft_id) == {"revise"}
    assert _forms(signed_in(app, "shen1").get(f"/drafts/{draft_id}").text, draft_id) == set()
    team.sign("jiao1", draft_id, stage="一校")
    assert _forms(signed_in(app, "shen1").get(f"/drafts/{draft_id}").text, draft_id) == {"sign", "return", "waive"}


def test_a_proofreader_who_signed_the_first_pass_is_not_offered_the_second_and_is_refused(app, team):
    draft_id = team.submit().id
    team.walk(draft_id, through="初审")
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{draft_id}").text
    assert _forms(page, draft_id) == set()
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "二校", "csrf_token": csrf_of(page)})
    assert r.status_code == 403 and "一校" in r.text  # separation of duties, with the reason
    other = signed_in(app, "jiao2").get(f"/drafts/{draft_id}").text
    assert _forms(other, draft_id) == {"sign", "return"} and '<option value="二校">' in other
    assert all(s.signoffs == () for s in drafts.show(team.ctx, team["jiao1"], draft_id).stages if s.name == "二校")


def test_attachments_are_listed_and_downloaded(app, team):
    data = b"<html><script>alert(1)</script></html>"
    draft_id = team.submit(attachments=(AttachmentInput("检查表.html", data, "text/html"),)).id
    [a] = drafts.show(team.ctx, team["jiao1"], draft_id).attachments
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{draft_id}").text
    assert f'href="/drafts/{draft_id}/attachments/{a.id}"' in page and "检查表.html" in page
    assert a.sha256[:16] in page
    r = c.get(f"/drafts/{draft_id}/attachments/{a.id}")
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-type"] == "application/octet-stream"
    assert c.get(f"/drafts/{draft_id}/attachments/{a.id + 1}").status_code == 404


def _submit_form(c, name: str, data: bytes):
    token = csrf_of(c.get("/drafts/new").text)
    form = {"title": "会议通知", "column": "要闻", "kind": "news", "disclosure": "主动公开",
            "body": "区政府召开会议。", "csrf_token": token}
    return c.post("/drafts", data=form, files=[("attachments", (name, data, "application/octet-stream"))],
                  follow_redirects=False)


def test_an_unreadable_attachment_is_accepted_by_the_form_and_reported_by_the_pass(app, team):
    c = signed_in(app, "bian")
    r = _submit_form(c, "坏.pdf", b"%PDF-1.7\ngarbage")
    assert r.status_code == 303  # stored without being read: the pass reads it, off the request
    [mine] = drafts.my_drafts(team.ctx, team["bian"])
    assert mine.status == "checking"
    team.settle()
    page = signed_in(app, "jiao1").get(f"/drafts/{mine.id}").text
    assert "附件无法读取：附件“坏.pdf” 不是有效的 PDF 文件" in page


def test_an_attachment_of_an_unreadable_type_is_refused_by_the_form_in_chinese(app, team):
    r = _submit_form(signed_in(app, "bian"), "旧格式.doc", b"\xd0\xcf\x11\xe0")
    assert r.status_code == 422 and "附件“旧格式.doc” 的格式无法检查其中文字" in r.text
    assert drafts.my_drafts(team.ctx, team["bian"]) == []
