"""Who may read and act on what, sign-in answers that name no one, redirects, hostile uploads."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review.refusals import InvalidInput
from sanshen.service import drafts, ooxml, users
from sanshen.web import uploads
from sanshen.web.auth import safe_next
from sanshen.web.limits import RequestSizeLimit
from sanshen.web.mail import Outgoing, SmtpConfig, compose
from storage.db import transaction
from storage.models import Waiver
from tests.attachment_files import zip_archive, zip_bomb
from tests.team import ID_NUMBER
from tests.web_support import PASSWORD, csrf_of, sign_in, signed_in

pytestmark = pytest.mark.db


@pytest.fixture
def second_editor(team) -> str:
    users.add_user(team.ctx, None, "bian2", ["editor"], display="BIAN2", now=team.clock())
    return "bian2"


def test_an_editor_cannot_read_or_download_another_editors_draft(app, team, second_editor):
    secret = drafts.AttachmentInput(filename="名单.txt", data="内部名单".encode())
    draft_id = team.submit(title="不予公开的内部通知", attachments=(secret,)).id
    attachment_id = drafts.show(team.ctx, team["bian"], draft_id).attachments[0].id
    other = signed_in(app, second_editor)
    r = other.get(f"/drafts/{draft_id}")
    assert r.status_code == 403 and "不予公开的内部通知" not in r.text
    r = other.get(f"/drafts/{draft_id}/attachments/{attachment_id}")
    assert r.status_code == 403 and "内部名单".encode() not in r.content
    token = csrf_of(other.get("/queue").text)
    r = other.post(f"/drafts/{draft_id}/revise", data={"body": "别人的改写", "csrf_token": token})
    assert r.status_code == 403
    assert drafts.show(team.ctx, team["bian"], draft_id).revision == 1
    # the author, the reviewers who work the queue and the admin still read it
    for name in ("bian", "jiao1", "shen1", "guan"):
        assert signed_in(app, name).get(f"/drafts/{draft_id}").status_code == 200, name
    assert signed_in(app, "bian").get(f"/drafts/{draft_id}/attachments/{attachment_id}").content == "内部名单".encode()


def test_ids_of_another_draft_cannot_be_used_on_this_one(app, team):
    mine = team.submit(body=f"身份证号 {ID_NUMBER}。", attachments=(
        drafts.AttachmentInput(filename="a.txt", data=b"a"),)).id
    other = team.submit(title="另一篇", body=f"另一篇的身份证号 {ID_NUMBER}。").id
    attachment_id = drafts.show(team.ctx, team["bian"], mine).attachments[0].id
    c = signed_in(app, "jiao1")
    assert c.get(f"/drafts/{other}/attachments/{attachment_id}").status_code == 404
    foreign = drafts.show(team.ctx, team["bian"], mine).findings[0].id
    page = c.get(f"/drafts/{other}")
    r = c.post(f"/drafts/{other}/waive", data={"finding_id": foreign, "reason": "无碍", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    with transaction(team.ctx.engine) as session:
        assert session.scalar(select(func.count()).select_from(Waiver)) == 0
    assert not any(f.waived for f in drafts.show(team.ctx, team["bian"], mine).findings)


def test_sign_in_refusals_do_not_say_whether_the_user_exists(app, team):
    """Unknown name, no web password, wrong password: one answer. Only a locked account is told it
    is locked (issue 12): learning that costs an attacker five failures on that very name, which
    lock the account and leave a user.locked event in the audit trail."""
    users.set_password(team.ctx, None, "jiao1", PASSWORD, now=team.clock())
    users.set_password(team.ctx, None, "jiao2", PASSWORD, now=team.clock())
    c = TestClient(app)
    wrong = sign_in(c, "jiao2", "wrong-password")
    for _ in range(5):
        sign_in(c, "jiao1", "wrong-password")
    locked = sign_in(c, "jiao1", PASSWORD)  # the right password, on a locked account
    unknown = sign_in(c, "nobody", "wrong-password")
    no_password = sign_in(c, "shen1", "wrong-password")  # exists, but has no web password
    assert wrong.status_code == locked.status_code == unknown.status_code == no_password.status_code == 401

    def error_of(r) -> str:
        return r.text.split('role="alert">', 1)[1].split("<", 1)[0]

    assert error_of(wrong) == error_of(unknown) == error_of(no_password)
    assert "锁定" in error_of(unknown)  # the lockout rule is stated to everyone
    assert "已被锁定" in error_of(locked) and "用户名或密码错误" not in error_of(locked)


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/ /evil.example", "//evil.example",
                                    "https://evil.example", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(target):
    assert safe_next(target) == "/queue"
    assert safe_next("/drafts/3?done=signed") == "/drafts/3?done=signed"


def test_the_login_form_drops_a_next_target_with_a_tab(app):
    page = TestClient(app).get("/login", params={"next": "/\t/evil.example"})
    assert 'name="next" value="/queue"' in page.text


def test_a_docx_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = zip_bomb("word/document.xml", 2 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    with pytest.raises(InvalidInput) as e:
        uploads.body_from_upload("炸弹.docx", bomb)
    assert e.value.code == "docx_too_large" and "解压后" in e.value.message


@pytest.mark.parametrize("members", [
    {"hello.txt": b"a zip, but not a Word document"},
    {"[Content_Types].xml": b"<not xml", "word/document.xml": b"<w:document"},
])
def test_a_hostile_docx_is_bad_input_not_a_crash(members):
    with pytest.raises(InvalidInput) as e:
        uploads.body_from_upload("坏文件.docx", zip_archive(members))
    assert e.value.code == "bad_docx" and "不是有效的 .docx" in e.value.message


def test_a_hostile_docx_upload_gets_a_chinese_error_and_stores_nothing(app, team):
    c = signed_in(app, "bian")
    token = csrf_of(c.get("/drafts/new").text)
    data = {"title": "会议通知", "column": "要闻", "kind": "news", "disclosure": "主动公开", "body": "",
            "csrf_token": token, "idempotency_key": "hostile"}
    files = [("body_file", ("稿件.docx", zip_archive({"x.txt": b"x"}), "application/octet-stream"))]
    r = c.post("/drafts", data=data, files=files, follow_redirects=False)
    assert r.status_code == 422 and "不是有效的 .docx" in r.text
    assert drafts.my_drafts(team.ctx, team["bian"]) == []


def _echo_app(max_bytes: int) -> TestClient:
    inner = FastAPI()

    @inner.post("/form")
    async def form(request: Request) -> dict:
        return {"fields": len(await request.form())}

    return TestClient(RequestSizeLimit(inner, max_bytes=max_bytes), raise_server_exceptions=False)


def test_a_request_body_over_the_cap_is_refused_before_it_is_parsed():
    c = _echo_app(1000)
    assert c.post("/form", data={"a": "x" * 100}).json() == {"fields": 1}
    r = c.post("/form", data={"a": "x" * 5000})  # declared length over the cap
    assert r.status_code == 413 and "请求内容过大" in r.text

    def chunks():
        for _ in range(10):
            yield b"a=" + b"x" * 500 + b"&"

    r = c.post("/form", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413  # no declared length: stopped while streaming


def test_the_app_caps_request_bodies(app):
    assert any(m.cls is RequestSizeLimit for m in app.user_middleware)


def test_a_multi_line_notice_mails_with_a_one_line_subject():
    message = "稿件《通知》在初审被 shen1 退回：第一处\nBcc: victim@example.com\n第二处"
    msg = compose(SmtpConfig(host="127.0.0.1", port=25, sender="noreply@example.gov.cn"),
                  Outgoing(1, "jiao1@example.gov.cn", "JIAO1", message, 3))
    assert "\n" not in msg["Subject"] and msg["Bcc"] is None
    assert "第二处" in msg.get_content()


def test_an_e_mail_address_with_a_line_break_is_refused(team):
    with pytest.raises(InvalidInput):
        users.add_user(team.ctx, None, "mole", ["editor"], email="a@example.gov.cn\nBcc: b@example.com",
                       now=team.clock())


def test_a_new_user_with_a_refused_password_is_not_created(app, team):
    c = signed_in(app, "guan")
    token = csrf_of(c.get("/admin/users").text)
    r = c.post("/admin/users", data={"name": "xinren", "roles": ["editor"], "password": "short", "csrf_token": token})
    assert r.status_code == 422 and "密码至少" in r.text
    assert "xinren" not in {u.name for u in users.list_users(team.ctx)}


HUGE = "9" * 25


@pytest.mark.parametrize("url, status", [
    (f"/drafts/{HUGE}", 404), (f"/drafts/1/attachments/{HUGE}", 404), (f"/admin/audit?draft_id={HUGE}", 422),
    ("/admin/audit?draft_id=²", 422), ("/admin/stats?year=²", 422),
])
def test_out_of_range_and_odd_numbers_are_refused_not_a_crash(app, team, url, status):
    team.submit()
    c = TestClient(app, raise_server_exceptions=False)
    c.cookies = signed_in(app, "guan").cookies
    assert c.get(url).status_code == status


@pytest.mark.parametrize("interprets", ["²", HUGE])
def test_an_odd_policy_number_on_the_form_is_bad_input(app, team, interprets):
    c = signed_in(app, "bian")
    token = csrf_of(c.get("/drafts/new").text)
    r = c.post("/drafts", data={"title": "解读", "body": "正文", "kind": "interpretation", "disclosure": "主动公开",
                                "interprets": interprets, "csrf_token": token})
    assert r.status_code in (404, 422) and ("所解读的政策文件" in r.text or "不存在" in r.text)
    assert drafts.my_drafts(team.ctx, team["bian"]) == []


def test_an_out_of_range_id_is_a_404_in_the_api_and_marks_nothing(app, team):
    api = TestClient(app, raise_server_exceptions=False)
    auth = {"Authorization": f"Bearer {team.tokens['jiao1']}"}
    r = api.get(f"/api/v1/drafts/{HUGE}", headers=auth)
    assert r.status_code == 404 and r.json()["code"] == "unknown_draft"
    c = signed_in(app, "jiao1")
    token = csrf_of(c.get("/notifications").text)
    assert c.post(f"/notifications/{HUGE}/read", data={"csrf_token": token}, follow_redirects=False).status_code == 303


def test_a_form_field_over_the_parser_limit_gets_a_chinese_refusal(app, team):
    c = signed_in(app, "bian")
    token = csrf_of(c.get("/drafts/new").text)
    r = c.post("/drafts", data={"title": "长稿", "body": "字" * 400_000, "csrf_token": token},
               files=[("attachments", ("", b"", "application/octet-stream"))])
    assert r.status_code == 400 and "请求格式有误" in r.text and "Part exceeded" not in r.text
    assert drafts.my_drafts(team.ctx, team["bian"]) == []


def test_every_web_form_post_needs_the_csrf_token(app, team):
    import re

    from sanshen.web import (
        routes_admin,
        routes_audit,
        routes_auth,
        routes_drafts,
        routes_lexicon,
        routes_notifications,
        routes_outbox,
        routes_stats,
    )

    draft_id = team.submit().id
    posts = [r.path for module in (routes_admin, routes_audit, routes_auth, routes_drafts, routes_lexicon,
                                   routes_notifications, routes_stats, routes_outbox)
             for r in module.router.routes if "POST" in r.methods]
    assert {"/logout", "/admin/lexicon/import", "/admin/users", "/notifications/{notification_id}/read",
            "/admin/audit/verify", "/drafts/{draft_id}/sign", "/admin/outbox/{item_id}/requeue"} <= set(posts)
    c = signed_in(app, "guan")
    for path in posts:
        url = re.sub(r"\{(\w+)\}", lambda m: "guan" if m.group(1) == "name" else str(draft_id), path)
        r = c.post(url, data={"stage": "一校", "comment": "x", "reason": "x"})
        assert r.status_code == 403 and "CSRF" in r.text, path
    assert c.get("/queue", follow_redirects=False).status_code == 200  # still signed in: sign-out was refused


def test_names_filenames_and_terms_show_as_text(app, team):
    from sanshen.service import lexicon
    from sanshen.web.svg_charts import Series, stacked_columns

    hostile = '"><img src=x onerror=alert(1)>'
    users.add_user(team.ctx, None, "xiao", ["editor"], display=hostile, now=team.clock())
    lexicon.add_entry(team.ctx, team["guan"], lexicon.LexiconInput(kind="banned", term=hostile, correct="正"),
                      now=team.clock())
    draft_id = team.submit(attachments=(drafts.AttachmentInput(filename=f"{hostile}.txt", data=b"x"),)).id
    attachment_id = drafts.show(team.ctx, team["bian"], draft_id).attachments[0].id
    admin = signed_in(app, "guan")
    pages = {url: admin.get(url).text for url in ("/admin/users", "/admin/lexicon", f"/drafts/{draft_id}")}
    pages["svg"] = str(stacked_columns("t", ["1月"], [Series(hostile, (1.0,))]))
    for where, html in pages.items():
        assert "<img src=x" not in html, where
    download = admin.get(f"/drafts/{draft_id}/attachments/{attachment_id}")
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''") and '"' not in disposition.split("''", 1)[1]


def test_after_the_session_expires_one_can_sign_in_again(app, team):
    from sanshen.web.security import SESSION_COOKIE, Session
    from storage.clock import epoch_seconds

    users.set_password(team.ctx, None, "jiao1", PASSWORD, now=team.clock())
    stale = Session.anonymous().signed_in("jiao1", at=epoch_seconds(app.state.web.clock) - 13 * 3600, epoch=0)
    c = TestClient(app)
    c.cookies.set(SESSION_COOKIE, app.state.web.codec.encode(stale))
    assert c.get("/queue", follow_redirects=False).status_code == 303
    r = sign_in(c, "jiao1")
    assert r.status_code == 303 and r.headers["location"] == "/queue"
    assert c.get("/queue", follow_redirects=False).status_code == 200
