"""Character-level diffs between any two revisions, old versions readable, and a .docx re-upload
that keeps the draft's paragraph breaks (two edits show as two changed lines)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanshen.service import drafts, revisions
from sanshen.service.char_diff import char_diff
from sanshen.service.paragraphs import follow_paragraph_breaks, uses_blank_lines
from sanshen.web.app import create_app
from tests.attachment_files import docx_file
from tests.team import settle
from tests.web_support import csrf_of, signed_in

PARAGRAPHS = [f"第{n}段：区政府召开会议，研究部署第{n}项工作，要求各单位认真落实。" for n in range(1, 11)]


def test_a_changed_line_shows_only_the_changed_characters():
    lines, stats = char_diff("认真布署工作。\n其余不变。", "认真部署工作。\n其余不变。\n新增一行。")
    assert (stats.changed, stats.deleted, stats.inserted) == (1, 0, 1)
    [changed] = [x for x in lines if x.kind == "chg"]
    assert [(p.kind, p.text) for p in changed.pieces] == [("same", "认真"), ("del", "布"), ("ins", "部"),
                                                         ("same", "署工作。")]


def test_an_unlike_line_is_a_deletion_and_an_insertion():
    _, stats = char_diff("甲乙丙丁", "完全不同的一句话")
    assert (stats.changed, stats.deleted, stats.inserted) == (0, 1, 1)


def test_paragraph_breaks_follow_the_previous_revision():
    typed = "\n\n".join(PARAGRAPHS)
    from_docx = "\n".join(PARAGRAPHS)
    assert uses_blank_lines(typed) and not uses_blank_lines(from_docx)
    assert follow_paragraph_breaks(from_docx, typed) == typed
    assert follow_paragraph_breaks(from_docx, from_docx) == from_docx  # a line-per-paragraph draft stays so


@pytest.mark.db
def test_a_docx_reupload_with_two_edits_shows_two_changes(app, team):
    d = team.submit("\n\n".join(PARAGRAPHS) + "\n", title="十段通知")
    edited = list(PARAGRAPHS)
    edited[2] = edited[2].replace("认真落实", "抓紧落实")
    edited[7] = edited[7].replace("召开会议", "召开常务会议")
    c = signed_in(app, "bian")
    page = c.get(f"/drafts/{d.id}").text
    r = c.post(f"/drafts/{d.id}/revise", data={"csrf_token": csrf_of(page), "title": "十段通知", "comment": "两处"},
               files={"body_file": ("十段通知.docx", docx_file(*edited), "application/octet-stream")},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    diff = revisions.diff(team.ctx, team["jiao1"], d.id)
    assert (diff.from_revision, diff.to_revision) == (1, 2)
    assert (diff.stats.changed, diff.stats.deleted, diff.stats.inserted) == (2, 0, 0)
    inserted = ["".join(p.text for p in x.pieces if p.kind == "ins") for x in diff.lines if x.kind == "chg"]
    assert inserted == ["抓紧", "常务"]


@pytest.mark.db
def test_any_two_revisions_compare_and_old_versions_stay_readable(app, team):
    d = team.submit("第一稿正文。\n", title="三稿")
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], d.id, "第二稿正文。\n", now=team.clock()))
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], d.id, "第三稿正文，有补充。\n", title="三稿（改）", now=team.clock()))
    assert [r.number for r in revisions.list_revisions(team.ctx, team["shen1"], d.id)] == [3, 2, 1]
    assert revisions.revision(team.ctx, team["shen1"], d.id, 1).body == "第一稿正文。\n"
    d13 = revisions.diff(team.ctx, team["shen1"], d.id, old=1, new=3)
    assert d13.title_changed and d13.stats.changed == 1
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{d.id}/diff", params={"from": 1, "to": 3}).text
    assert "<del>一</del><ins>三</ins>" in page and "，有补充" in page and 'name="from"' in page
    assert "第一稿正文" in c.get(f"/drafts/{d.id}/revisions/1").text
    assert c.get(f"/drafts/{d.id}/revisions/9").status_code == 404
    assert c.get(f"/drafts/{d.id}/diff", params={"from": 2, "to": 2}).status_code == 422
    api = TestClient(create_app(team.ctx, secret=b"t"))
    r = api.get(f"/api/v1/drafts/{d.id}/diff?old=1&new=2", headers={"Authorization": f"Bearer {team.tokens['shen1']}"})
    assert r.status_code == 200 and r.json()["stats"]["changed"] == 1


@pytest.mark.db
def test_the_draft_page_shows_a_character_diff_since_my_signature(app, team):
    d = team.submit("会议要求认真布署工作。\n", title="签后修改")
    team.sign("jiao1", d.id, stage="一校")
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], d.id, "会议要求认真部署工作。\n", now=team.clock()))
    page = signed_in(app, "jiao1").get(f"/drafts/{d.id}").text
    assert "与我签批过的第 1 稿相比的修改" in page and "<del>布</del><ins>部</ins>" in page


def test_cli_diff(cli):
    d = cli.submit("认真布署工作。\n", code=1)  # stored, with the typo as an error
    cli("revise", str(d["id"]), cli.file("v2.txt", "认真部署工作。\n"), who="bian")
    out = cli("diff", str(d["id"]), who="shen1").stdout
    assert "[-布-]{+部+}" in out
    assert [r["number"] for r in cli.json("revisions", str(d["id"]), who="shen1")] == [2, 1]
