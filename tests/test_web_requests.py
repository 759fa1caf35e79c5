"""The 依申请公开 pages and the yearly report page: roles on the server, CSRF on every form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sanshen.service import requests
from tests.foia_support import REPLY_BODY
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def test_register_list_and_act_on_a_request_in_the_browser_pages(office, app):
    c = signed_in(app, "gong1")
    form = c.get("/requests/new")
    assert form.status_code == 200 and "收到申请之日" in form.text
    token = csrf_of(form.text)
    fields = {"channel": "online", "applicant_kind": "person", "applicant_name": "张三丰",
              "applicant_id_number": "11010519491231002X", "applicant_contact": "13912345678",
              "description": "本区2025年老旧小区改造项目清单", "received_on": "2026-10-20", "office": ""}
    assert c.post("/requests", data=fields, follow_redirects=False).status_code == 403  # no CSRF token
    bad = c.post("/requests", data={**fields, "channel": "邮件", "csrf_token": token})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "本区2025年老旧小区改造项目清单" in bad.text
    made = c.post("/requests", data={**fields, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    rid = int(made.headers["location"].split("/")[2].split("?")[0])
    listed = c.get("/requests")
    # received 20 Oct 2026: due 17 Nov 2026 (国庆 is over by then), overdue on 24 Nov
    assert "2026-11-17" in listed.text and "已超期" in listed.text and "张**" in listed.text
    assert "张三丰" not in listed.text
    page = c.get(f"/requests/{rid}")
    assert "张三丰" in page.text and "拟写答复书" not in page.text  # not assigned yet
    assert c.post(f"/requests/{rid}/assign", data={"office": "住房保障科", "csrf_token": token},
                  follow_redirects=False).status_code == 303
    page = c.get(f"/requests/{rid}")
    assert "拟写答复书" in page.text and "属于国家秘密" in page.text
    refused = c.post(f"/requests/{rid}/reply", data={"kind": "withheld", "ground": "", "explanation": "无",
                                                     "body": REPLY_BODY, "csrf_token": token})
    assert refused.status_code == 422 and "属于国家秘密" in refused.text
    assert c.post(f"/requests/{rid}/reply", data={"kind": "disclosed", "ground": "", "explanation": "",
                                                  "body": REPLY_BODY, "csrf_token": token},
                  follow_redirects=False).status_code == 303
    assert requests.show(office.ctx, office["gong1"], rid, now=office.now()).status == "replying"

    editor = signed_in(app, "bian")
    assert editor.get("/requests").status_code == 403
    assert editor.get(f"/requests/{rid}").status_code == 403
    leader = signed_in(app, "ling")
    lpage = leader.get(f"/requests/{rid}")
    assert lpage.status_code == 200 and "张**" in lpage.text and "11010519491231002X" not in lpage.text
    assert leader.post(f"/requests/{rid}/assign", data={"office": "x", "csrf_token": csrf_of(lpage.text)}).status_code == 403


def test_the_yearly_report_page_and_its_files(office, app):
    office.team.clock.at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    rid = office.register(applicant_name="钱二").id
    office.answer(rid)
    admin = signed_in(app, "guan")
    page = admin.get("/admin/annual-report?year=2026")
    assert page.status_code == 200 and "三、收到和处理政府信息公开申请情况" in page.text and "各列均平衡" in page.text
    saved = admin.post("/admin/annual-report", data={"year": "2026", "overview": "2026年依法做好政府信息公开工作。",
                                                     "figure_licence": "7", "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)
    assert saved.status_code == 303
    page = admin.get("/admin/annual-report?year=2026")
    assert "2026年依法做好政府信息公开工作。" in page.text and 'value="7' in page.text
    docx = admin.get("/admin/annual-report/2026.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    xlsx = admin.get("/admin/annual-report/2026.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert admin.post("/admin/annual-report", data={"year": "2026", "figure_licence": "-3",
                                                    "csrf_token": csrf_of(page.text)}).status_code == 422
    assert signed_in(app, "bian").get("/admin/annual-report").status_code == 403
    leader = signed_in(app, "ling")
    assert leader.get("/admin/annual-report?year=2026").status_code == 200
    assert leader.post("/admin/annual-report", data={"year": "2026", "csrf_token": "x"}).status_code == 403


def test_the_draft_page_changes_the_disclosure_attribute_with_a_reason(team, app):
    draft = team.submit(disclosure="依申请公开")
    c = signed_in(app, "bian")
    page = c.get(f"/drafts/{draft.id}")
    assert "改变公开属性" in page.text and "属于国家秘密" in page.text
    token = csrf_of(page.text)
    bad = c.post(f"/drafts/{draft.id}/disclosure", data={"disclosure": "不予公开", "reason": "内容涉及工作秘密",
                                                          "ground": "", "explanation": "", "csrf_token": token})
    assert bad.status_code == 409 and "法定依据" in bad.text
    done = c.post(f"/drafts/{draft.id}/disclosure", data={"disclosure": "主动公开", "reason": "经审查可以主动公开",
                                                           "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    page = c.get(done.headers["location"])
    assert "公开属性已改变" in page.text and "公开属性：主动公开" in page.text
    assert "改变公开属性" not in signed_in(app, "jiao1").get(f"/drafts/{draft.id}").text
