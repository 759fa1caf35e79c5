"""The pages a person uses: new draft, queue, draft page, actions, my drafts, admin pages."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from sanshen.service import drafts
from sanshen.web.app import create_app
from storage.db import transaction
from storage.models import Notification
from tests.cast import SIGNERS
from tests.team import ID_NUMBER, TITLE, run_checks, settle
from tests.web_support import csrf_of, sign_in, signed_in

pytestmark = pytest.mark.db




def form_token(c: TestClient, url: str) -> str:
    return csrf_of(c.get(url).text)


def new_draft(c: TestClient, *, key: str = "1", **fields):
    data = {"title": "关于公布社区工作人员名单的通知", "column": "通知公告", "kind": "notice", "disclosure": "主动公开",
            "body": f"联系人：张三，身份证号 {ID_NUMBER}。", "csrf_token": form_token(c, "/drafts/new"),
            "idempotency_key": f"k-{key}"}
    data.update(fields)
    return c.post("/drafts", data=data, follow_redirects=False)


def draft_id_of(response) -> int:
    return int(re.match(r"/drafts/(\d+)", response.headers["location"]).group(1))


def test_submitting_a_draft_shows_the_planted_id_number_highlighted(app, team):
    c = signed_in(app, "bian")
    form = c.get("/drafts/new")
    assert form.status_code == 200
    for field in ("title", "column", "kind", "disclosure_reason", "interprets", "body", "body_file", "attachments"):
        assert f'for="{field}"' in form.text, field
    r = new_draft(c)
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "稿件已提交" in page.text
    assert "检查中，请稍候" in page.text and '<meta http-equiv="refresh"' in page.text  # the pass runs off the request
    run_checks(team.ctx)
    page = c.get(r.headers["location"])
    assert "检查中，请稍候" not in page.text and 'http-equiv="refresh"' not in page.text
    marked = re.search(r'<mark id="m-(\d+)" class="sev-error"[^>]*>([^<]*)</mark><span class="sugg">([^<]*)</span>',
                       page.text)
    assert marked, "the ID number is not highlighted"
    assert marked.group(2) == ID_NUMBER
    assert "*" in marked.group(3)  # the suggestion is the masked number
    assert f'id="f-{marked.group(1)}"' in page.text  # and it is listed with the findings


def test_the_same_form_posted_twice_makes_one_draft(app, team):
    c = signed_in(app, "bian")
    first, second = new_draft(c, key="same"), new_draft(c, key="same")
    assert draft_id_of(first) == draft_id_of(second)
    assert len(drafts.my_drafts(team.ctx, team["bian"])) == 1


def test_bad_input_redisplays_the_form_with_the_reason(app, team):
    c = signed_in(app, "bian")
    r = new_draft(c, disclosure="不予公开", disclosure_reason="")
    assert r.status_code in (409, 422) and 'role="alert"' in r.text
    assert "关于公布社区工作人员名单的通知" in r.text  # what was typed is kept
    r = new_draft(c, body="", key="2")
    assert r.status_code == 422 and "为空" in r.text
    assert drafts.my_drafts(team.ctx, team["bian"]) == []


def test_a_docx_body_and_an_attachment_are_accepted(app, team):
    import docx

    document = docx.Document()
    document.add_paragraph("第一段：会议于今日召开。")
    buf = io.BytesIO()
    document.save(buf)
    c = signed_in(app, "bian")
    data = {"title": "会议通知", "column": "要闻", "kind": "news", "disclosure": "主动公开", "body": "",
            "csrf_token": form_token(c, "/drafts/new"), "idempotency_key": "docx"}
    files = [("body_file", ("稿件.docx", buf.getvalue(), "application/octet-stream")),
             ("attachments", ("附件.txt", "附件内容".encode(), "text/plain"))]
    r = c.post("/drafts", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    detail = drafts.show(team.ctx, team["bian"], draft_id_of(r))
    assert detail.body == "第一段：会议于今日召开。"


def test_queue_lists_only_what_waits_on_me_with_overdue_in_red(team):
    urgent = team.submit(title="突发：暴雨预警", urgent=True).id
    normal = team.submit(title="常规通知").id
    late_app = create_app(team.ctx, secret=b"test-secret", clock=lambda: team.clock() + timedelta(days=3))
    c = signed_in(late_app, "jiao1")
    page = c.get("/queue").text
    rows = re.findall(r'<tr( class="overdue")?>\s*<td>(\d+)</td>', page)
    assert [int(i) for _, i in rows] == [urgent, normal]  # most urgent first
    assert all(cls for cls, _ in rows) and "已超期" in page and "紧急" in page
    reviewer = signed_in(late_app, "shen1").get("/queue").text
    assert "目前没有等待您处理的稿件" in reviewer


def test_stages_are_signed_in_turn_through_the_pages(app, team):
    draft_id = team.submit().id
    for stage, who in SIGNERS[:2]:  # 一校, 初审
        c = signed_in(app, who)
        page = c.get(f"/drafts/{draft_id}").text
        assert f'<option value="{stage}">' in page
        r = c.post(f"/drafts/{draft_id}/sign", data={"stage": stage, "comment": "同意",
                                                    "expect_hash": re.search(r'name="expect_hash" value="(\w+)"', page).group(1),
                                                    "csrf_token": csrf_of(page)}, follow_redirects=False)
        assert r.status_code == 303
        after = c.get(r.headers["location"]).text
        assert "已签批" in after and f"{who} 于" in after  # the timeline names who signed when
    stages = {s.name: s.status for s in drafts.show(team.ctx, team["bian"], draft_id).stages}
    assert stages["一校"] == stages["初审"] == "done" and stages["二校"] == "open"


def test_a_stale_page_cannot_sign_new_content(app, team):
    draft_id = team.submit().id
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{draft_id}").text
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft_id, "改过的正文。", now=team.clock()))
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "一校", "csrf_token": csrf_of(page),
                                                "expect_hash": re.search(r'name="expect_hash" value="(\w+)"', page).group(1)})
    assert r.status_code == 409


def test_a_return_with_its_reason_reaches_the_editor(app, team):
    draft_id = team.submit().id
    team.walk(draft_id, through="一校")
    c = signed_in(app, "shen1")
    token = form_token(c, f"/drafts/{draft_id}")
    r = c.post(f"/drafts/{draft_id}/return", data={"comment": "", "csrf_token": token})
    assert r.status_code == 422  # a reason is required
    r = c.post(f"/drafts/{draft_id}/return", data={"comment": "第二段数据需核实", "to_stage": "", "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303
    editor = signed_in(app, "bian")
    mine = editor.get("/drafts/mine").text
    assert "已退回" in mine and "第二段数据需核实" in mine
    page = editor.get(f"/drafts/{draft_id}").text
    assert f'action="/drafts/{draft_id}/revise"' in page
    r = editor.post(f"/drafts/{draft_id}/revise", data={"title": TITLE, "body": "核实后的正文。",
                                                      "comment": "已核实", "csrf_token": csrf_of(page),
                                                      "confirm": "1", "expect_voided": "一校:jiao1"},  # was told
                    follow_redirects=False)
    assert r.status_code == 303
    assert drafts.show(team.ctx, team["bian"], draft_id).revision == 2


def test_a_signer_sees_the_diff_against_what_they_signed(app, team):
    draft_id = team.submit(body="第一行\n第二行").id
    team.walk(draft_id, through="初审")
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft_id, "第一行\n第二行改了", comment="修改", now=team.clock()))
    page = signed_in(app, "shen1").get(f"/drafts/{draft_id}").text
    assert "与我签批过的第 1 稿相比的修改" in page
    assert "第二行<ins>改了</ins>" in page  # the changed characters, within the line


def test_waiving_a_finding_needs_a_reason(app, team):
    draft_id = team.submit(body=f"身份证号 {ID_NUMBER}。").id
    team.walk(draft_id, through="一校")
    c = signed_in(app, "shen1")
    page = c.get(f"/drafts/{draft_id}").text
    finding = int(re.search(r'name="finding_id" value="(\d+)"', page).group(1))
    r = c.post(f"/drafts/{draft_id}/waive", data={"finding_id": finding, "reason": "", "csrf_token": csrf_of(page)})
    assert r.status_code == 422
    r = c.post(f"/drafts/{draft_id}/waive", data={"finding_id": finding, "reason": "已获本人书面同意公开",
                                                 "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    assert "已豁免" in c.get(f"/drafts/{draft_id}").text


def test_admin_adds_a_user_and_sets_roles(app, team):
    c = signed_in(app, "guan")
    token = form_token(c, "/admin/users")
    r = c.post("/admin/users", data={"name": "xiaowang", "display": "小王", "roles": ["editor"],
                                     "password": "xiaowang-2026", "csrf_token": token})
    assert r.status_code == 200 and "只显示这一次" in r.text and "ss_" in r.text
    r = c.post("/admin/users/xiaowang/roles", data={"roles": ["editor", "proofreader"], "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303
    assert "编辑、校对" in c.get("/admin/users").text
    assert sign_in(TestClient(app), "xiaowang", "xiaowang-2026").status_code == 303  # the password works


def test_admin_audit_page_filters_verifies_and_exports(app, team):
    draft_id = team.submit().id
    team.walk(draft_id, through="一校")
    c = signed_in(app, "guan")
    page = c.get(f"/admin/audit?draft_id={draft_id}").text
    assert "<code>draft.submitted</code>" in page and "<code>stage.signed</code>" in page
    assert "<code>user.added</code>" not in page
    only_jiao1 = c.get("/admin/audit?user=jiao1&action=stage.signed").text
    assert "JIAO1<br><span class=\"muted\">jiao1</span>" in only_jiao1 and ">shen1<" not in only_jiao1  # display name first
    r = c.post(f"/admin/audit/verify?draft_id={draft_id}", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 200 and "审计链完整" in r.text
    assert "<code>user.added</code>" not in r.text  # the filter is kept
    csv = c.get("/admin/audit/export.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "stage.signed" in csv.text and "prev_hash" in csv.text
    assert c.get("/admin/audit?since=not-a-date").status_code == 422


def test_admin_lexicon_add_search_disable_import_export(app, team):
    c = signed_in(app, "guan")
    token = form_token(c, "/admin/lexicon")
    r = c.post("/admin/lexicon", data={"kind": "banned", "term": "某某词", "correct": "规范词", "severity": "error",
                                       "note": "测试", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "某某词" in c.get("/admin/lexicon?q=某某").text
    assert "某某词" not in c.get("/admin/lexicon?q=不存在").text
    r = c.post("/admin/lexicon/disable", data={"kind": "banned", "term": "某某词", "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303
    assert "某某词" not in c.get("/admin/lexicon").text
    tsv = "kind\tterm\tcorrect\tcategory\tseverity\tnote\nbanned\t旧称甲\t新称甲\t\terror\t导入\n"
    r = c.post("/admin/lexicon/import", data={"csrf_token": token},
               files={"file": ("words.tsv", tsv.encode(), "text/tab-separated-values")}, follow_redirects=False)
    assert r.status_code == 303
    export = c.get("/admin/lexicon/export.tsv")
    assert "旧称甲\t新称甲" in export.text
    r = c.post("/admin/lexicon/import", data={"csrf_token": token},
               files={"file": ("bad.tsv", b"only-one-column\n", "text/plain")})
    assert r.status_code == 422


def test_admin_statistics_are_drawn_as_svg(app, team):
    draft_id = team.submit().id
    team.walk(draft_id, through="初审")
    drafts.return_draft(team.ctx, team["jiao2"], draft_id, comment="请补充", now=team.clock())
    page = signed_in(app, "guan").get("/admin/stats").text
    assert page.count("<svg") == 5 and "<script" not in page
    assert "各环节平均用时" in page and "退回次数" in page and "机器预审问题" in page


def test_notifications_show_an_unread_count_and_can_be_read(app, team):
    with transaction(team.ctx.engine) as session:
        for text in ("请处理 1 号稿件的一校", "1 号稿件已超期"):
            session.add(Notification(user_id=team["jiao1"].id, kind="stage_opened", message=text,
                                     created_at=team.clock()))
    c = signed_in(app, "jiao1")
    page = c.get("/queue").text
    assert 'aria-label="2 条未读"' in page
    inbox = c.get("/notifications").text
    assert "1 号稿件已超期" in inbox
    c.post("/notifications/read-all", data={"csrf_token": csrf_of(inbox)})
    assert "条未读" not in c.get("/queue").text


def test_every_page_has_a_skip_link_and_labelled_fields(app, team):
    draft_id = team.submit().id
    c = signed_in(app, "guan")
    for url in ("/queue", f"/drafts/{draft_id}", "/admin/users", "/admin/lexicon", "/admin/audit", "/admin/stats",
                "/notifications"):
        html = c.get(url).text
        assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html, url
        assert '<html lang="zh-CN">' in html
        assert " style=" not in html and "<script" not in html, f"{url}: inline style or script (refused by the CSP)"
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
        for field_id in ids:
            assert f'for="{field_id}"' in html, f"{url}: field {field_id} has no label"
        unlabelled = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")(?![^>]*\bid=)[^>]*>', html)
        assert unlabelled == [], f"{url}: {unlabelled}"


def test_the_site_answers_not_found_before_anything_is_published(app):
    client = TestClient(app, raise_server_exceptions=False)
    assert [client.get(path).status_code for path in ("/site/", "/site/items/1.html")] == [404, 404]
