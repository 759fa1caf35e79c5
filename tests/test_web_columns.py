"""The column pages (registry, freshness dashboard), the new-draft form's column choice, and the REST
routes of the column registry and the freshness monitor."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.web.app import create_app
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def test_admins_register_and_change_columns_on_the_web(app):
    admin = signed_in(app, "guan")
    page = admin.get("/admin/columns")
    assert page.status_code == 200 and "通知公告" in page.text and 'value="tzgg"' not in page.text
    assert "<code>tzgg</code>" in page.text and 'href="/admin/columns" aria-current="page"' in page.text
    token = csrf_of(page.text)
    added = admin.post("/admin/columns", data={"csrf_token": token, "name": "财政预决算", "slug": "czyjs",
                                               "kind": "policy", "days": "", "parent": "政策文件"},
                       follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/admin/columns?done=column_added"
    page = admin.get("/admin/columns?done=column_added")
    assert "栏目已登记。" in page.text and "财政预决算" in page.text
    changed = admin.post("/admin/columns/update", data={"csrf_token": token, "name": "财政预决算", "kind": "policy",
                                                        "days": "30", "parent": "", "active": ""},
                         follow_redirects=False)
    assert changed.status_code == 303
    listed = {c["name"]: c for c in _api(app, "GET", "/columns", "guan").json()}
    assert listed["财政预决算"] == {"name": "财政预决算", "slug": "czyjs", "parent": None, "kind": "policy",
                                      "kind_label": "政策文件", "update_days": 30, "active": False}
    bad = admin.post("/admin/columns", data={"csrf_token": token, "name": "新栏目", "slug": "Bad Slug",
                                             "kind": "other", "days": "", "parent": ""})
    assert bad.status_code == 422 and "小写字母" in bad.text


def _token(app, name: str) -> str:
    return app.state.tokens[name]


@pytest.fixture
def app(team):
    web = create_app(team.ctx, secret=b"test-secret")
    web.state.tokens = team.tokens
    return web


def test_column_pages_are_for_admins_only_and_forms_need_csrf(app):
    editor = signed_in(app, "bian")
    assert editor.get("/admin/columns").status_code == 403
    assert editor.get("/admin/freshness").status_code == 403
    admin = signed_in(app, "guan")
    refused = admin.post("/admin/columns", data={"name": "x", "slug": "x"}, follow_redirects=False)
    assert refused.status_code == 403
    assert "x" not in {c["name"] for c in _api(app, "GET", "/columns", "guan").json()}


def test_the_freshness_dashboard_shows_each_column_and_the_veto(app):
    page = signed_in(app, "guan").get("/admin/freshness")
    assert page.status_code == 200
    assert "网站将被单项否决" in page.text and "空白栏目 7 个" in page.text
    assert page.text.count("从未发布") == 8 and 'class="freshness-overdue"' in page.text


def test_the_new_draft_form_offers_only_registered_active_columns(app):
    admin = signed_in(app, "guan")
    token = csrf_of(admin.get("/admin/columns").text)
    admin.post("/admin/columns/update", data={"csrf_token": token, "name": "工作动态", "kind": "news", "days": "14",
                                              "parent": "", "active": ""})
    editor = signed_in(app, "bian")
    form = editor.get("/drafts/new").text
    assert '<option value="通知公告">通知公告</option>' in form and '<option value="工作动态">' not in form
    refused = editor.post("/drafts", data={"csrf_token": csrf_of(form), "title": "会议通知", "column": "小道消息",
                                           "kind": "news", "disclosure": "主动公开", "body": "各单位：请参会。",
                                           "idempotency_key": "k1"})
    assert refused.status_code == 422
    assert "栏目“小道消息”未登记" in refused.text and "已登记的栏目：首页、要闻" in refused.text


def _api(app, method: str, path: str, who: str, **kw):
    return TestClient(app).request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {_token(app, who)}"},
                                   **kw)


def test_the_api_lists_adds_and_changes_columns_and_reports_freshness(app):
    assert [c["name"] for c in _api(app, "GET", "/columns", "bian").json()][:2] == ["首页", "要闻"]
    refused = _api(app, "POST", "/columns", "bian", json={"name": "专栏", "slug": "zl"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    added = _api(app, "POST", "/columns", "guan", json={"name": "专栏", "slug": "zl", "kind": "news"})
    assert added.status_code == 201 and added.json()["update_days"] == 14
    patched = _api(app, "PATCH", "/columns/专栏", "guan", json={"update_days": 7, "parent": "要闻"})
    assert (patched.json()["update_days"], patched.json()["parent"]) == (7, "要闻")
    assert _api(app, "PATCH", "/columns/专栏", "guan", json={"parent": ""}).json()["parent"] is None
    assert _api(app, "PATCH", "/columns/没有", "guan", json={"active": False}).status_code == 404
    assert _api(app, "POST", "/columns", "guan", json={"name": "专栏", "slug": "zl2"}).status_code == 409
    report = _api(app, "GET", "/monitor/freshness", "guan").json()
    assert (report["overdue"], report["blank_count"], report["vetoed"]) == (9, 8, True)
    assert _api(app, "GET", "/monitor/freshness", "bian").status_code == 403
