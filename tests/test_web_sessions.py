"""Revocable sessions: a copied cookie stops working after sign-out, a password or role change,
or deactivation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.service import users
from sanshen.web.security import SESSION_COOKIE
from tests.web_support import PASSWORD, csrf_of, sign_in, signed_in

pytestmark = pytest.mark.db


def _copy(client: TestClient, app) -> TestClient:
    copy = TestClient(app, base_url="http://testserver")
    copy.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    return copy


def _in(client: TestClient) -> bool:
    return client.get("/queue", follow_redirects=False).status_code == 200


def test_a_copied_cookie_is_refused_after_sign_out(app, team):
    users.set_password(team.ctx, None, "jiao1", PASSWORD, now=team.clock())
    c = TestClient(app, base_url="http://testserver")
    assert sign_in(c, "jiao1").status_code == 303
    stolen = _copy(c, app)
    assert _in(stolen)
    c.post("/logout", data={"csrf_token": csrf_of(c.get("/queue").text)})
    assert not _in(c) and not _in(stolen)
    assert sign_in(c, "jiao1").status_code == 303 and _in(c)  # signing in again works


@pytest.mark.parametrize("change", [
    lambda team: users.set_password(team.ctx, team["guan"], "jiao1", "another-password-1", now=team.clock()),
    lambda team: users.set_roles(team.ctx, team["guan"], "jiao1", ["proofreader", "reviewer"], now=team.clock()),
    lambda team: users.set_active(team.ctx, team["guan"], "jiao1", False, now=team.clock()),
])
def test_password_role_and_activity_changes_end_the_sessions(app, team, change):
    c = signed_in(app, "jiao1")
    assert _in(c)
    change(team)
    r = c.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_the_admin_deactivates_a_user_from_the_users_page(app, team):
    victim = signed_in(app, "jiao1")
    admin = signed_in(app, "guan")
    page = admin.get("/admin/users")
    r = admin.post("/admin/users/jiao1/active", data={"active": "0", "csrf_token": csrf_of(page.text)},
                   follow_redirects=False)
    assert r.status_code == 303
    assert not users.get_user(team.ctx, "jiao1").active and not _in(victim)
    assert "停用用户" in admin.get("/admin/audit").text
