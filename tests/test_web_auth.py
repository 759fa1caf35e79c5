"""Sign-in, sessions, CSRF and server-side role checks of the web pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.service import drafts, users
from sanshen.web.app import create_app
from sanshen.web.security import SESSION_COOKIE
from tests.web_support import PASSWORD, csrf_of, sign_in, signed_in

pytestmark = pytest.mark.db


@pytest.fixture
def jiao1_password(team) -> None:
    users.set_password(team.ctx, None, "jiao1", PASSWORD, now=team.clock())  # argon2 is slow: only where sign-in is tested


def client(app) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def test_pages_need_sign_in(app):
    c = client(app)
    r = c.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fqueue"
    r = c.get("/login")
    assert r.status_code == 200 and "登录" in r.text
    assert 'for="username"' in r.text and 'for="password"' in r.text


def test_sign_in_sets_a_hardened_cookie_and_sign_out_ends_it(app, jiao1_password):
    c = client(app)
    r = sign_in(c, "jiao1")
    assert r.status_code == 303 and r.headers["location"] == "/queue"
    cookie = r.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    page = c.get("/queue")
    assert page.status_code == 200 and "我的待办" in page.text and "JIAO1" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    c.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert c.get("/queue", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_and_lockout_follows(app, jiao1_password):
    c = client(app)
    r = sign_in(c, "jiao1", "wrong-password")
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    for _ in range(4):
        sign_in(c, "jiao1", "wrong-password")
    r = sign_in(c, "jiao1", PASSWORD)  # right password, but the account is locked now
    assert r.status_code == 401 and "锁定" in r.text
    assert c.get("/queue", follow_redirects=False).status_code == 303


def test_a_forged_cookie_is_not_a_session(app, team):
    c = client(app)
    other = signed_in(create_app(team.ctx, secret=b"someone-else"), "guan")
    c.cookies.set(SESSION_COOKIE, other.cookies.get(SESSION_COOKIE))
    assert c.get("/admin/users", follow_redirects=False).status_code == 303
    assert signed_in(app, "guan").get("/admin/users").status_code == 200


def test_sign_in_without_csrf_token_is_refused(app):
    c = client(app)
    c.get("/login")
    r = c.post("/login", data={"username": "jiao1", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    assert c.get("/queue", follow_redirects=False).status_code == 303


def test_form_without_csrf_token_changes_nothing(app, team):
    draft_id = team.submit().id
    c = signed_in(app, "jiao1")
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "一校"})
    assert r.status_code == 403 and "未做任何更改" in r.text
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "一校", "csrf_token": "forged"})
    assert r.status_code == 403
    stages = {s.name: s for s in drafts.show(team.ctx, team["jiao1"], draft_id).stages}
    assert stages["一校"].status == "open" and stages["一校"].signoffs == ()


def test_a_reviewer_cannot_open_or_use_admin_pages(app, team):
    c = signed_in(app, "shen1")
    page = c.get("/queue")
    token = csrf_of(page.text)
    for url in ("/admin/users", "/admin/audit", "/admin/lexicon", "/admin/stats", "/admin/outbox", "/drafts/new"):
        r = c.get(url)
        assert r.status_code == 403, url
        assert "无权" in r.text
    r = c.post("/admin/users/shen1/roles", data={"roles": ["admin"], "csrf_token": token})
    assert r.status_code == 403
    assert users.get_user(team.ctx, "shen1").roles == ("reviewer",)
    r = c.post("/admin/users", data={"name": "mole", "roles": ["admin"], "csrf_token": token})
    assert r.status_code == 403
    assert "mole" not in {u.name for u in users.list_users(team.ctx)}
    assert "用户与角色" not in page.text  # the admin links are not offered either


def test_acting_outside_your_stage_is_refused_and_changes_nothing(app, team):
    draft_id = team.submit().id
    c = signed_in(app, "shen1")
    page = c.get(f"/drafts/{draft_id}")
    assert page.status_code == 200 and 'action="/drafts/%d/sign"' % draft_id not in page.text
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "一校", "csrf_token": csrf_of(page.text)})
    assert r.status_code in (403, 409)
    assert "操作被拒绝" in r.text or "无权操作" in r.text
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "初审", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 409
    detail = drafts.show(team.ctx, team["shen1"], draft_id)
    assert all(s.signoffs == () for s in detail.stages if s.name != "机器预审")


def test_the_author_gets_no_sign_form_and_cannot_sign(app, team):
    users.set_roles(team.ctx, team["guan"], "bian", ["editor", "proofreader"], now=team.clock())
    draft_id = team.submit().id
    c = signed_in(app, "bian")
    page = c.get(f"/drafts/{draft_id}")
    assert f'action="/drafts/{draft_id}/sign"' not in page.text
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "一校", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 403


def test_a_locked_account_is_told_so_and_an_admin_unlocks_it(app, jiao1_password):
    c = client(app)
    for _ in range(5):
        r = sign_in(c, "jiao1", "wrong-password")
    assert r.status_code == 401 and "已被锁定" in r.text and "用户名或密码错误" not in r.text
    admin = signed_in(app, "guan")
    page = admin.get("/admin/users").text
    assert "已锁定至" in page
    r = admin.post("/admin/users/jiao1/unlock", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303 and "已锁定至" not in admin.get("/admin/users").text
    assert sign_in(client(app), "jiao1", PASSWORD).status_code == 303
