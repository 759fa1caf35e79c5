"""POST /api/v1/drafts takes attachments (``[{name, content_base64}]``) like the web form, ``sanshen
submit --attach`` and the revision routes: the same service call and the same checks (name, size cap,
readable type, one file per name, valid Base64), refused in Chinese with nothing written; the
automated pass reads what was attached and blocks an ID number in a PDF, a .docx or a .txt as it does
in the body."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sanshen.service import drafts
from sanshen.web.app import create_app
from storage.models import Attachment, AuditEvent, Draft, Outbox, Revision
from tests.attachment_files import docx_file, pdf_file
from tests.team import CLEAN_BODY, ID_NUMBER, TITLE, run_checks

pytestmark = pytest.mark.db


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def post(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))

    def call(attachments: list[dict], **fields):
        body = {"title": TITLE, "body": CLEAN_BODY, "disclosure": "主动公开", "attachments": attachments, **fields}
        return client.post("/api/v1/drafts", json=body, headers={"Authorization": f"Bearer {team.tokens['bian']}"})

    call.show = lambda draft_id: client.get(f"/api/v1/drafts/{draft_id}",
                                            headers={"Authorization": f"Bearer {team.tokens['bian']}"}).json()
    return call


def written(team) -> tuple[int, ...]:
    return tuple(team.count(m) for m in (Draft, Revision, Attachment, AuditEvent, Outbox))


@pytest.mark.parametrize(("name", "data", "page"), [
    ("名单.pdf", pdf_file("参会人员", f"张三 {ID_NUMBER}"), 2),
    ("名单.docx", docx_file("参会人员", f"张三 {ID_NUMBER}"), None),
    ("名单.txt", f"参会人员\n张三 {ID_NUMBER}\n".encode(), None),
])
def test_an_id_number_in_an_attachment_submitted_over_rest_blocks_like_the_body(team, post, name, data, page):
    r = post([{"name": name, "content_base64": _b64(data)}, {"name": "说明.txt", "content_base64": _b64("说明。".encode())}])
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "checking"
    assert run_checks(team.ctx) == 1
    shown = post.show(created["id"])
    assert [(a["name"], a["size"]) for a in shown["attachments"]] == [(name, len(data)), ("说明.txt", len("说明。".encode()))]
    [pii] = [f for f in shown["findings"] if f["severity"] == "error"]
    assert (pii["category"], pii["text"], pii["location"]["attachment"]) == ("pii", ID_NUMBER, name)
    assert pii["location"]["page"] == page
    assert not drafts.show(team.ctx, team["bian"], created["id"]).findings[0].waived
    # the content hash the signers bind to covers the attached bytes
    bare = post([]).json()
    assert bare["content_hash"] != created["content_hash"]


def test_clean_attachments_submitted_over_rest_are_stored_and_read(team, post):
    agenda = pdf_file("会议议程", "一、听取汇报")
    r = post([{"name": "议程.pdf", "content_base64": _b64(agenda)}], kind="notice", column="通知公告")
    assert r.status_code == 201, r.text
    run_checks(team.ctx)
    shown = post.show(r.json()["id"])
    assert shown["status"] == "in_review" and not [f for f in shown["findings"] if f["severity"] == "error"]
    [row] = team.rows(select(Attachment))
    assert (row.filename, row.data, row.size) == ("议程.pdf", agenda, len(agenda))


TOO_BIG = b"%PDF" + bytes(drafts.MAX_ATTACHMENT_BYTES)


@pytest.mark.parametrize(("attachments", "code"), [
    ([{"name": "旧格式.doc", "content_base64": _b64(b"\xd0\xcf\x11\xe0")}], "bad_attachment_type"),
    ([{"name": "议程.pdf", "content_base64": "不是base64"}], "bad_base64"),
    ([{"name": "议程.pdf", "content_base64": "QUJD*"}], "bad_base64"),
    ([{"name": "大.pdf", "content_base64": _b64(TOO_BIG)}], "attachment_too_big"),
    ([{"name": "表.txt", "content_base64": _b64(b"a")}, {"name": "表.txt", "content_base64": _b64(b"b")}],
     "duplicate_attachment"),
    ([{"name": "两行\n名字.txt", "content_base64": _b64(b"a")}], "bad_attachment_name"),
    ([{"name": "", "content_base64": _b64(b"a")}], None),
    ([{"name": "长" * 300 + ".txt", "content_base64": _b64(b"a")}], None),
])
def test_a_bad_attachment_is_refused_in_chinese_and_nothing_is_written(team, post, attachments, code):
    before = written(team)
    r = post(attachments)
    assert r.status_code == 422, r.text
    if code is not None:
        assert r.json()["code"] == code
    assert "附件" in r.json()["message"]
    assert written(team) == before


def test_submit_without_attachments_is_unchanged(team, post):
    r = post([])
    assert r.status_code == 201 and team.count(Attachment) == 0


def test_every_submit_path_refuses_two_files_of_one_name(team):
    """The check lives in the service (the web form and ``sanshen submit --attach`` call it too)."""
    from review.refusals import InvalidInput

    before = written(team)
    with pytest.raises(InvalidInput) as e:
        team.submit(attachments=(drafts.AttachmentInput("表.txt", b"a"), drafts.AttachmentInput("表.txt", b"b")))
    assert e.value.code == "duplicate_attachment" and "表.txt" in e.value.message
    assert written(team) == before
