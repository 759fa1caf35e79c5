"""Fixture ``app`` (the web app on the team's context) and helpers for the web, API and browser tests."""

from __future__ import annotations

import re

import pytest

from sanshen.service import users
from sanshen.web.security import SESSION_COOKIE, Session
from storage.clock import epoch_seconds

PASSWORD = "mima-2026-sanshen"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(team):
    from sanshen.web.app import create_app

    return create_app(team.ctx, secret=b"test-secret")


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def signed_in(app, name: str):
    """A test client holding a valid signed session for `name`, without the (slow) password sign-in."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    epoch = users.get_user(app.state.web.ctx, name).session_epoch
    session = Session.anonymous().signed_in(name, at=epoch_seconds(app.state.web.clock), epoch=epoch)
    client.cookies.set(SESSION_COOKIE, app.state.web.codec.encode(session))
    return client


def sign_in(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text),
                                       "next": "/queue"}, follow_redirects=False)
