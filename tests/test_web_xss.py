"""Draft text is text: hostile titles and bodies show escaped on every page that shows them."""

from __future__ import annotations

import pytest

from flows.site import item_path
from sanshen.service import drafts
from tests.team import settle
from tests.web_support import signed_in

pytestmark = pytest.mark.db

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")




def assert_inert(html: str, *, where: str) -> None:
    for raw in PAYLOADS:
        assert raw not in html, f"{where}: unescaped {raw}"
    assert "<script" not in html.lower(), where
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), where


HOSTILE = " ".join(PAYLOADS)


def test_hostile_title_and_body_show_as_text_in_queue_draft_page_and_my_drafts(app, team):
    draft_id = team.submit(title=HOSTILE, body=f"正文 {HOSTILE} 结尾，身份证号 11010519491231002X。").id
    jiao = signed_in(app, "jiao1")
    queue = jiao.get("/queue").text
    assert_inert(queue, where="queue")
    assert ESCAPED[0] in queue and ESCAPED[1] in queue
    page = jiao.get(f"/drafts/{draft_id}").text
    assert_inert(page, where="draft page")
    assert page.count(ESCAPED[0]) >= 2  # in the title and in the body
    assert "<mark" in page  # the highlighter still works around escaped text
    assert_inert(signed_in(app, "bian").get("/drafts/mine").text, where="my drafts")


def test_hostile_revision_shows_as_text_in_the_diff(app, team):
    draft_id = team.submit(body="原来的正文").id
    team.walk(draft_id, through="初审")
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft_id, f"原来的正文\n{HOSTILE}", comment=HOSTILE, now=team.clock()))
    page = signed_in(app, "shen1").get(f"/drafts/{draft_id}").text
    assert "<ins>" in page and ESCAPED[0] in page
    assert_inert(page, where="diff")


def test_hostile_comments_show_as_text_in_the_audit_trail(app, team):
    draft_id = team.submit(title=HOSTILE).id
    drafts.sign(team.ctx, team["jiao1"], draft_id, stage="一校", comment=HOSTILE, now=team.clock())
    drafts.return_draft(team.ctx, team["shen1"], draft_id, comment=HOSTILE, now=team.clock())
    page = signed_in(app, "guan").get(f"/admin/audit?draft_id={draft_id}").text
    assert "<code>stage.signed</code>" in page and ESCAPED[1] in page
    assert_inert(page, where="audit")


def test_hostile_draft_shows_as_text_on_the_published_page(app, team):
    from flows.publish import Outcome, Publisher, publish
    from flows.site import StaticSite

    draft_id = team.submit(title=HOSTILE, body=f"正文 {HOSTILE}").id
    team.walk(draft_id)
    content_hash = drafts.show(team.ctx, team["guan"], draft_id).content_hash
    publisher = Publisher(team.ctx.engine, StaticSite(team.ctx.settings.site_dir), team.ctx.workflow)
    assert publish(publisher, draft_id=draft_id, content_hash=content_hash, now=team.clock()) is Outcome.PUBLISHED
    r = signed_in(app, "guan").get(f"/site/{item_path(draft_id)}")
    assert r.status_code == 200
    assert ESCAPED[0] in r.text
    assert_inert(r.text, where="published page")
