"""Small defects of the reviewer's desk, each held by a test: the 保密审查 user told why there is no
sign form, no CLI flags on web forms, built-in lexicon entries searchable, one finding numbering
on the draft page and no invisible focus targets."""

from __future__ import annotations

import re

import pytest

from sanshen.service import drafts
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db

SECRET = "本文件密级：机密★10年。各单位要认真落实。"


def test_the_secrecy_reviewer_is_told_why_there_is_no_sign_form(app, team):
    d = team.submit(SECRET, title="密级稿件").id
    team.walk(d, through="二校")
    page = signed_in(app, "bao").get(f"/drafts/{d}").text
    assert 'action="/drafts/%d/sign"' % d not in page  # no sign form ...
    assert "为什么不能签批" in page and "保密审查" in page and "请先处理" in page  # ... and why
    assert "豁免 #" in page  # what they can do about it, in place


def test_web_forms_never_mention_cli_flags(app, team):
    c = signed_in(app, "bian")
    token = csrf_of(c.get("/drafts/new").text)
    for data in ({"kind": "interpretation"}, {"kind": "news", "interprets": "1"}):
        r = c.post("/drafts", data={"title": "解读", "body": "正文", "disclosure": "主动公开", "csrf_token": token,
                                    **data})
        assert r.status_code == 422 and "政策" in r.text
        assert not re.search(r"--[a-z]", r.text), r.text
    admin = signed_in(app, "guan")
    r = admin.post("/admin/users", data={"name": "nobody", "csrf_token": csrf_of(admin.get("/admin/users").text)})
    assert r.status_code == 422 and "角色" in r.text and "--role" not in r.text


def test_the_lexicon_page_searches_built_in_entries(app, team):
    page = signed_in(app, "guan").get("/admin/lexicon", params={"q": "习近平"}).text
    count = int(re.search(r"内置词条（(\d+)）", page).group(1))
    assert count >= 3 and "习近平新时代中国特色社会主义思想" in page and "formulations.tsv" in page
    assert "内置词条" not in signed_in(app, "guan").get("/admin/lexicon").text  # only when searching


def test_one_numbering_and_no_invisible_focus_targets_on_the_draft_page(app, team):
    body = "区政府召开会议，研究布署工作。联系人身份证号 11010519491231002X。"
    d = team.submit(body, title="编号一致")
    page = signed_in(app, "jiao1").get(f"/drafts/{d.id}").text
    ids = [f.id for f in drafts.show(team.ctx, team["jiao1"], d.id).findings]
    assert len(ids) >= 2
    panel = page[page.index('class="findings-panel"'):]
    assert re.findall(r'<li id="f-(\d+)"', panel) == [str(i) for i in ids]  # the panel lists them by id
    for i in ids:
        assert f'<span class="fno">#{i}</span>' in panel
    marked = re.findall(r'<a href="#f-(\d+)" class="fref"[^>]*>#(\d+)</a>', page)
    assert marked and all(a == b and int(a) in ids for a, b in marked)  # text marks use the same numbers
    # no link or button is hidden off screen: every visually-hidden element is plain text
    assert not re.search(r'<(a|button|input|select|textarea)[^>]*class="[^"]*visually-hidden', page)


def test_an_admin_adds_a_finding_to_the_allow_list_in_place(app, team):
    from sanshen.service import lexicon
    d = team.submit("会议要求认真布署工作。", title="白名单")
    [typo] = [f for f in drafts.show(team.ctx, team["guan"], d.id).findings if f.category == "typo"]
    admin = signed_in(app, "guan")
    page = admin.get(f"/drafts/{d.id}").text
    assert f'action="/drafts/{d.id}/findings/{typo.id}/allow"' in page
    assert "加入白名单" not in signed_in(app, "jiao1").get(f"/drafts/{d.id}").text  # admins only
    r = admin.post(f"/drafts/{d.id}/findings/{typo.id}/allow", data={"csrf_token": csrf_of(page), "note": ""},
                   follow_redirects=False)
    assert r.status_code == 422  # a reason is required
    r = admin.post(f"/drafts/{d.id}/findings/{typo.id}/allow", data={"csrf_token": csrf_of(page), "note": "地名"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("done=allowed")
    [entry] = [e for e in lexicon.list_entries(team.ctx) if e.kind == "allow"]
    assert entry.term == "布署" and "地名" in entry.note and entry.created_by == "guan"
    jiao = signed_in(app, "jiao1")
    assert jiao.post(f"/drafts/{d.id}/findings/{typo.id}/allow",
                     data={"csrf_token": csrf_of(jiao.get("/queue").text), "note": "x"}).status_code == 403
