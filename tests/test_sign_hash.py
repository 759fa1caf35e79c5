"""Signing names the content hash the signer saw (SANSHEN_SIGN_REQUIRES_HASH, on by default): refused in
Chinese when missing (CLI, REST) or stale; the web form carries it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from review.refusals import Conflict, InvalidInput
from sanshen.service import drafts
from sanshen.settings import Settings
from sanshen.web.app import create_app
from tests.team import CLEAN_BODY, Team, open_context, settle
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


@pytest.fixture
def strict(tmp_path, db_url, default_checker, clock):
    ctx = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock, sign_requires_hash=True)
    try:
        yield Team.gather(ctx)
    finally:
        ctx.close()


def test_the_setting_is_on_by_default():
    assert Settings.from_env({"SANSHEN_HOME": "/tmp/x"}).sign_requires_hash is True


def test_a_sign_without_the_hash_or_with_a_stale_one_is_refused_and_writes_nothing(strict):
    did = strict.submit().id
    with pytest.raises(InvalidInput, match="签批须注明您审阅的版本的内容哈希") as refused:
        drafts.sign(strict.ctx, strict["jiao1"], did, now=strict.clock())
    assert refused.value.code == "hash_required"
    seen = drafts.show(strict.ctx, strict["jiao1"], did).content_hash
    settle(strict.ctx, drafts.revise(strict.ctx, strict["bian"], did, CLEAN_BODY + "补充。", now=strict.clock()))
    with pytest.raises(Conflict, match="稿件内容已更新"):
        drafts.sign(strict.ctx, strict["jiao1"], did, expect_hash=seen, now=strict.clock())
    assert drafts.show(strict.ctx, strict["jiao1"], did).stages[1].signoffs == ()
    now_hash = drafts.show(strict.ctx, strict["jiao1"], did).content_hash
    signed = drafts.sign(strict.ctx, strict["jiao1"], did, expect_hash=now_hash[:12], now=strict.clock())
    assert signed.revision == 2


def test_rest_and_web_under_the_default(strict):
    did = strict.submit().id
    client = TestClient(create_app(strict.ctx, secret=b"test-secret"))
    auth = {"Authorization": f"Bearer {strict.tokens['jiao1']}"}
    r = client.post(f"/api/v1/drafts/{did}/sign", headers=auth, json={"stage": "一校"})
    assert r.status_code == 422 and r.json()["code"] == "hash_required"
    web = signed_in(client.app, "jiao1")
    page = web.get(f"/drafts/{did}").text
    seen = re.search(r'name="expect_hash" value="(\w+)"', page).group(1)  # the form carries what the page showed
    assert seen == drafts.show(strict.ctx, strict["jiao1"], did).content_hash
    r = web.post(f"/drafts/{did}/sign", data={"stage": "一校", "csrf_token": csrf_of(page), "expect_hash": seen},
                 follow_redirects=False)
    assert r.status_code == 303
