"""A revision may keep, remove, add or replace attachments: the new bytes change the content hash (no
sign-off carries over to a changed file), they pass the submit checks (refused in Chinese, nothing
written), the automated pass reads them again, and the trail and the diff say what changed. Through
the service, the REST API, the command line and the web form."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review.refusals import Conflict, InvalidInput
from sanshen.service import drafts, revisions
from sanshen.service.drafts import AttachmentChange, AttachmentInput
from sanshen.web.app import create_app
from storage.models import Attachment, AuditEvent, Outbox, Revision
from tests.attachment_files import pdf_file
from tests.team import CLEAN_BODY, ID_NUMBER, run_checks, settle
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db

BROKEN = b"%PDF-1.7\ngarbage"
GOOD = pdf_file("会议议程", "一、听取汇报")


def errors(view) -> list:
    return [f for f in view.findings if f.severity == "error" and not f.waived]


def written(team) -> tuple[int, int, int, int]:
    return (team.count(Revision), team.count(Attachment), team.count(AuditEvent), team.count(Outbox))


def broken_draft(team):
    view = team.submit(attachments=(AttachmentInput("议程.pdf", BROKEN), AttachmentInput("说明.txt", "说明。".encode())))
    [unreadable] = errors(view)
    assert unreadable.message.startswith("附件无法读取：附件“议程.pdf”") and unreadable.location.attachment == "议程.pdf"
    return view


def test_a_revision_replacing_an_unreadable_pdf_clears_the_error_and_the_draft_goes_out(team):
    view = broken_draft(team)
    team.sign("jiao1", view.id, stage="一校")
    revised = settle(team.ctx, drafts.revise(
        team.ctx, team["bian"], view.id, CLEAN_BODY, comment="换成可读的 PDF", now=team.clock(),
        attachments=AttachmentChange(add=(AttachmentInput("议程.pdf", GOOD),))))
    assert revised.revision == 2 and revised.status == "in_review" and errors(revised) == []
    assert revised.content_hash != view.content_hash  # the new bytes are in the hash the signers bind to
    detail = drafts.show(team.ctx, team["jiao1"], view.id)
    assert [(a.name, a.size) for a in detail.attachments] == [("议程.pdf", len(GOOD)),  # in its old place
                                                              ("说明.txt", len("说明。".encode()))]
    assert all(so.content_hash == revised.content_hash for s in detail.stages for so in s.signoffs)
    assert [s.signoffs for s in detail.stages if s.name == "一校"] == [()]  # voided: it signed other bytes
    [trail] = team.rows(select(AuditEvent).where(AuditEvent.action == "revision.attachments"))
    assert trail.payload["revision"] == 2 and trail.actor == "bian"
    assert [a["name"] for a in trail.payload["added"]] == ["议程.pdf"]
    assert [(a["name"], a["size"]) for a in trail.payload["removed"]] == [("议程.pdf", len(BROKEN))]
    team.walk(view.id)
    assert drafts.show(team.ctx, team["ling"], view.id).status == "approved"
    assert [o.payload["draft_id"] for o in team.rows(select(Outbox).where(Outbox.kind == "publish"))] == [view.id]


def test_the_pass_reads_the_new_file_and_locates_its_findings_by_name_and_page(team):
    view = broken_draft(team)
    revised = settle(team.ctx, drafts.revise(
        team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock(),
        attachments=AttachmentChange(add=(AttachmentInput("名单.pdf", pdf_file("名单", f"张三 {ID_NUMBER}")),),
                                     remove=("议程.pdf",))))
    [pii] = errors(revised)
    assert (pii.text, pii.location.attachment, pii.location.page) == (ID_NUMBER, "名单.pdf", 2)
    assert pii.location.label == "附件“名单.pdf”第 2 页"
    diff = revisions.diff(team.ctx, team["jiao1"], view.id)
    assert [a.name for a in diff.attachments_added] == ["名单.pdf"]
    assert [a.name for a in diff.attachments_removed] == ["议程.pdf"]


def test_an_attachment_change_is_never_a_punctuation_only_change(team):
    view = team.submit(body="区政府召开会议，部署工作。\n", attachments=(AttachmentInput("表.txt", b"a"),))
    change = AttachmentChange(add=(AttachmentInput("表.txt", b"b"),))
    only_commas = drafts.revision_preview(team.ctx, team["bian"], view.id, "区政府召开会议；部署工作。\n")
    with_file = drafts.revision_preview(team.ctx, team["bian"], view.id, "区政府召开会议；部署工作。\n",
                                        attachments=change)
    assert (only_commas.change, with_file.change) == ("punctuation", "content")


def test_removing_the_only_attachment_is_a_new_revision_without_it(team):
    view = team.submit(attachments=(AttachmentInput("表.txt", b"a"),))
    revised = drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock(),
                            attachments=AttachmentChange(remove=("表.txt",)))
    assert revised.revision == 2 and drafts.show(team.ctx, team["bian"], view.id).attachments == ()
    assert [a.name for a in revisions.diff(team.ctx, team["bian"], view.id).attachments_removed] == ["表.txt"]


REFUSED = {
    "bad_attachment_type": AttachmentChange(add=(AttachmentInput("旧格式.doc", b"\xd0\xcf\x11\xe0"),)),
    "attachment_too_big": AttachmentChange(add=(AttachmentInput("大.pdf", b"%PDF" + bytes(drafts.MAX_ATTACHMENT_BYTES)),)),
    "no_such_attachment": AttachmentChange(remove=("没有这个.pdf",)),
    "duplicate_attachment": AttachmentChange(add=(AttachmentInput("议程.pdf", GOOD), AttachmentInput("议程.pdf", GOOD))),
}


@pytest.mark.parametrize("code", REFUSED)
def test_a_refused_attachment_change_writes_nothing(team, code):
    view = broken_draft(team)
    before = written(team)
    with pytest.raises(InvalidInput) as e:
        drafts.revise(team.ctx, team["bian"], view.id, "改过的正文。\n", now=team.clock(), attachments=REFUSED[code])
    assert e.value.code == code and "附件" in e.value.message
    assert written(team) == before
    assert drafts.show(team.ctx, team["bian"], view.id).revision == 1


def test_the_same_bytes_again_are_no_change(team):
    view = team.submit(attachments=(AttachmentInput("表.txt", b"a"),))
    with pytest.raises(Conflict) as e:
        drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock(),
                      attachments=AttachmentChange(add=(AttachmentInput("表.txt", b"a"),)))
    assert e.value.code == "no_change"


# --- REST ------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_rest_revision_replaces_and_removes_attachments(team):
    view = broken_draft(team)
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))
    auth = {"Authorization": f"Bearer {team.tokens['bian']}"}
    files = {"body": CLEAN_BODY, "attachments": [{"name": "议程.pdf", "content_base64": _b64(GOOD)}],
             "remove_attachments": ["说明.txt"]}
    preview = client.post(f"/api/v1/drafts/{view.id}/revisions/preview", headers=auth, json=files)
    assert preview.status_code == 200 and preview.json()["change"] == "content"
    r = client.post(f"/api/v1/drafts/{view.id}/revisions", headers=auth, json=files)
    assert r.status_code == 201 and r.json()["status"] == "checking"
    run_checks(team.ctx)
    shown = client.get(f"/api/v1/drafts/{view.id}", headers=auth).json()
    assert shown["revision"] == 2 and [a["name"] for a in shown["attachments"]] == ["议程.pdf"]
    assert not [f for f in shown["findings"] if f["severity"] == "error"]
    d = client.get(f"/api/v1/drafts/{view.id}/diff", headers=auth).json()
    assert [a["name"] for a in d["attachments_removed"]] == ["议程.pdf", "说明.txt"]
    assert [a["name"] for a in d["attachments_added"]] == ["议程.pdf"]


@pytest.mark.parametrize(("attachment", "code"), [
    ({"name": "旧格式.doc", "content_base64": _b64(b"\xd0\xcf")}, "bad_attachment_type"),
    ({"name": "议程.pdf", "content_base64": "不是base64"}, "bad_base64"),
])
def test_rest_refuses_a_bad_attachment_in_chinese_and_writes_nothing(team, attachment, code):
    view = broken_draft(team)
    before = written(team)
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))
    r = client.post(f"/api/v1/drafts/{view.id}/revisions", headers={"Authorization": f"Bearer {team.tokens['bian']}"},
                    json={"body": CLEAN_BODY, "attachments": [attachment]})
    assert r.status_code == 422 and r.json()["code"] == code and "附件" in r.json()["message"]
    assert written(team) == before


# --- command line ----------------------------------------------------------------------

def test_cli_revise_replaces_an_unreadable_attachment_without_a_new_body(cli):
    broken = cli.submit(CLEAN_BODY, "--attach", cli.file("议程.pdf", BROKEN), code=1)  # stored, blocked
    [unreadable] = [f for f in broken["findings"] if f["severity"] == "error"]
    assert unreadable["location"]["label"] == "附件“议程.pdf”" and unreadable["message"].startswith("附件无法读取：")
    good = cli.home.parent / "新" / "议程.pdf"
    good.parent.mkdir()
    good.write_bytes(GOOD)
    view = cli.json("revise", str(broken["id"]), "--attach", str(good), "--comment", "换成可读的 PDF", who="bian")
    assert view["revision"] == 2 and view["status"] == "in_review" and view["findings"] == []
    assert view["content_hash"] != broken["content_hash"]
    shown = cli.json("show", str(broken["id"]), who="jiao1")
    assert [(a["name"], a["size"]) for a in shown["attachments"]] == [("议程.pdf", len(GOOD))]
    out = cli("diff", str(broken["id"]), who="jiao1").stdout
    assert "删除附件：议程.pdf" in out and "新增附件：议程.pdf" in out


def test_cli_revise_refuses_an_unknown_attachment_name(cli):
    draft = cli.submit()
    r = cli("revise", str(draft["id"]), "--remove", "没有这个.pdf", who="bian", code=2)
    assert "没有名为“没有这个.pdf”的附件" in r.stderr


# --- web form --------------------------------------------------------------------------

def test_web_form_replaces_an_attachment_through_the_confirm_page(app, team):
    view = broken_draft(team)
    team.sign("jiao1", view.id, stage="一校")
    c = signed_in(app, "bian")
    page = c.get(f"/drafts/{view.id}").text
    assert 'name="remove_attachment" value="说明.txt"' in page and 'name="attachments"' in page
    r = c.post(f"/drafts/{view.id}/revise", data={"body": CLEAN_BODY, "csrf_token": csrf_of(page),
                                                   "remove_attachment": "说明.txt"},
               files=[("attachments", ("议程.pdf", GOOD, "application/pdf"))], follow_redirects=False)
    assert r.status_code == 200 and "一校" in r.text and "新增或替换“议程.pdf”" in r.text  # confirm first
    assert team.count(Revision) == 1
    confirm = dict(csrf_token=csrf_of(r.text), confirm="1", body=CLEAN_BODY, title="", comment="",
                   expect_voided="一校:jiao1", remove_attachment="说明.txt", carried_name="议程.pdf",
                   carried_data=_b64(GOOD))
    done = c.post(f"/drafts/{view.id}/revise", data=confirm, follow_redirects=False)
    assert done.status_code == 303
    team.settle()
    detail = drafts.show(team.ctx, team["bian"], view.id)
    assert detail.revision == 2 and [a.name for a in detail.attachments] == ["议程.pdf"] and errors(detail) == []
    diff_page = c.get(f"/drafts/{view.id}/diff?from=1&to=2").text
    assert "删除附件：说明.txt" in diff_page and "新增附件：议程.pdf" in diff_page


def test_web_form_refuses_a_bad_attachment_in_chinese_and_writes_nothing(app, team):
    view = broken_draft(team)
    before = written(team)
    c = signed_in(app, "bian")
    page = c.get(f"/drafts/{view.id}").text
    r = c.post(f"/drafts/{view.id}/revise", data={"body": CLEAN_BODY, "csrf_token": csrf_of(page)},
               files=[("attachments", ("旧格式.doc", b"\xd0\xcf", "application/msword"))], follow_redirects=False)
    assert r.status_code == 422 and "附件“旧格式.doc” 的格式无法检查其中文字" in r.text
    assert written(team) == before
