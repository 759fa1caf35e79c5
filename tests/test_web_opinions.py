"""The draft page's 意见 and 修改建议 sections, the confirm step before sign-offs are voided, and the 审签单."""

from __future__ import annotations

import pytest

from sanshen.service import drafts, suggestions
from tests.team import CLEAN_BODY
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def test_a_comment_posted_on_the_page_is_listed_with_name_role_stage_and_passage(app, team):
    did = team.submit().id
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{did}").text
    assert "对一段文字发表意见" in page and "提出修改建议（留痕）" in page
    r = c.post(f"/drafts/{did}/comments", data={"quote": "压实责任", "text": "责任主体要写明", "revision": "1",
                                                "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    page = signed_in(app, "bian").get(f"/drafts/{did}").text
    assert "JIAO1" in page and "（校对）" in page and "一校" in page and "“压实责任”" in page
    assert "责任主体要写明" in page


def test_a_revision_that_voids_signoffs_asks_first_and_saves_only_when_confirmed(app, team):
    did = team.submit().id
    team.walk(did, through="初审")
    editor = signed_in(app, "bian")
    page = editor.get(f"/drafts/{did}").text
    form = {"title": "安全生产工作会议召开", "body": CLEAN_BODY + "补充一句。", "comment": "补充",
            "csrf_token": csrf_of(page)}
    r = editor.post(f"/drafts/{did}/revise", data=form, follow_redirects=False)
    assert r.status_code == 200 and "保存后以下 2 个签批将作废" in r.text and "JIAO1" in r.text
    assert drafts.show(team.ctx, team["bian"], did).revision == 1  # nothing saved yet
    confirmed = {**form, "confirm": "1", "expect_voided": ["一校:jiao1", "初审:shen1"]}
    r = editor.post(f"/drafts/{did}/revise", data=confirmed, follow_redirects=False)
    assert r.status_code == 303
    assert drafts.show(team.ctx, team["bian"], did).revision == 2


def test_accepting_a_suggestion_on_the_page_goes_through_the_warning(app, team):
    did = team.submit().id
    team.walk(did, through="一校")
    s = suggestions.suggest(team.ctx, team["shen1"], did, old_text="压实责任", new_text="压紧压实责任",
                            reason="与文件表述一致", now=team.clock())
    editor = signed_in(app, "bian")
    page = editor.get(f"/drafts/{did}").text
    assert "压紧压实责任" in page and "采纳…" in page
    confirm = editor.get(f"/drafts/{did}/suggestions/{s.id}/accept").text
    assert "保存后以下 1 个签批将作废" in confirm and "一校 · JIAO1" in confirm
    r = editor.post(f"/drafts/{did}/suggestions/{s.id}/accept",
                    data={"confirm": "1", "expect_voided": "一校:jiao1", "csrf_token": csrf_of(confirm)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "压紧压实责任" in drafts.show(team.ctx, team["bian"], did).body


def test_the_sign_sheet_lists_stage_signers_and_opinions_with_a_print_style(app, team):
    did = team.submit().id
    team.walk(did, through="初审")
    sheet = signed_in(app, "guan").get(f"/drafts/{did}/sheet").text
    assert "审签单" in sheet and "JIAO1" in sheet and "SHEN1" in sheet and "未签批" in sheet
    css = signed_in(app, "guan").get("/static/sanshen.css").text
    assert "@media print" in css
