"""意见 and 留痕 in a real Chromium: a comment on a passage survives a revision; an accepted suggested
edit makes a revision and voids exactly the sign-offs the workflow's rule says, after a warning; an
unchanged waived finding stays waived; the 审签单 prints every 意见."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from sanshen.service import drafts, opinions
from sanshen.web.app import create_app
from sanshen.web.server import serving_in_thread
from tests.browser.live import Live, sign_in
from tests.opinions_support import keep_workflow_file
from tests.team import ID_NUMBER, Team, open_context, run_checks, settle

pytestmark = pytest.mark.browser

BODY = "区政府召开全体会议，研究部署今冬明春安全生产工作。\n会议强调，要压实责任，确保群众安全。\n"


@contextmanager
def _live_keeping(tmp_path, db_url, checker, clock) -> Iterator[Live]:
    """A live sanshen whose workflow keeps the 校 sign-offs across a punctuation-only revision."""
    ctx = open_context(tmp_path / "home", db_url, checker=checker, clock=clock,
                       workflow_file=keep_workflow_file(tmp_path))
    try:
        team = Team.gather(ctx)
        with serving_in_thread(create_app(ctx)) as base_url:
            yield Live(team, base_url)
    finally:
        ctx.close()


@pytest.fixture
def keeping(tmp_path, db_url, default_checker, clock):
    with _live_keeping(tmp_path, db_url, default_checker, clock) as running:
        yield running


def _revise_in_page(page, body: str, team) -> None:
    """The author edits the body on the draft page; confirms when told which sign-offs it voids; the
    new revision's automated pass then runs (as the worker would) and the page is reloaded."""
    page.locator("#revise-body").fill(body)
    page.get_by_role("button", name="提交修改稿").click()
    confirm = page.get_by_role("button", name="确认提交修改稿")
    submitted = page.get_by_role("status").filter(has_text="已提交修改稿")
    # The click navigates: wait for whichever page comes back before asking which one it is.
    expect(confirm.or_(submitted).first).to_be_visible()
    if confirm.count():
        expect(page.get_by_role("alert")).to_contain_text("将作废")
        confirm.click()
    expect(submitted).to_be_visible()
    run_checks(team.ctx)
    page.reload()


def test_a_comment_on_a_passage_survives_a_revision(browser, live):
    did = live.team.submit(BODY, title="关于安全生产的通知").id
    page = sign_in(browser, live, "jiao1")
    page.goto(f"/drafts/{did}")
    page.get_by_text("对一段文字发表意见").click()
    page.get_by_label("所引原文（从正文复制；留空则针对全文）").fill("压实责任")
    page.get_by_label("意见（必填）").fill("请写明责任主体")
    page.get_by_role("button", name="发表意见").click()
    expect(page.get_by_role("status")).to_contain_text("意见已发表")
    page.context.close()

    page = sign_in(browser, live, "bian")
    page.goto(f"/drafts/{did}")
    _revise_in_page(page, "一、" + BODY.replace("全体会议", "常务会议"), live.team)
    comment = page.locator(".opinions li.kind-comment")
    expect(comment).to_contain_text("请写明责任主体")
    expect(comment).to_contain_text("“压实责任”")
    start = ("一、" + BODY).index("压实责任") + 1
    expect(comment).to_contain_text(f"第 {start}–{start + 3} 字")  # found again where it moved to
    expect(comment.locator(".detached")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("第 2 稿")
    page.context.close()


def test_an_accepted_suggestion_voids_exactly_what_the_rule_says_after_a_warning(browser, keeping):
    team = keeping.team
    did = team.submit(BODY, title="关于冬季安全生产的通知").id
    team.walk(did, through="复审")  # 一校 jiao1, 初审 shen1, 二校 jiao2, 复审 shen2
    page = sign_in(browser, keeping, "bao")
    page.goto(f"/drafts/{did}")
    page.get_by_text("提出修改建议（留痕）").click()
    page.get_by_label("原文（从正文复制）").fill("，确保")
    page.get_by_label("建议改为（留空表示删除）").fill("；确保")
    page.get_by_label("理由").fill("并列分句用分号")
    page.get_by_role("button", name="提出建议").click()
    expect(page.get_by_role("status")).to_contain_text("修改建议已提出")
    page.context.close()

    page = sign_in(browser, keeping, "bian")
    page.goto(f"/drafts/{did}")
    page.get_by_role("link", name="采纳…").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("保存后以下 2 个签批将作废")
    expect(warning).to_contain_text("初审 · SHEN1")
    expect(warning).to_contain_text("复审 · SHEN2")
    expect(warning).not_to_contain_text("一校")
    expect(page.locator("main")).to_contain_text("一校 · JIAO1")  # kept, by the workflow's rule
    expect(page.locator("main")).to_contain_text("二校 · JIAO2")
    assert drafts.show(team.ctx, team["bian"], did).revision == 1  # nothing saved before confirming
    page.get_by_role("button", name="确认采纳并生成新版本").click()
    expect(page.get_by_role("status")).to_contain_text("已采纳修改建议")
    run_checks(team.ctx)  # the new revision's automated pass, as the worker would run it
    page.reload()
    expect(page.locator(".draft-text")).to_contain_text("；确保群众安全")
    timeline = page.locator(".timeline")
    expect(timeline.locator("li.done", has_text="一校")).to_contain_text("jiao1")
    expect(timeline.locator("li.done", has_text="二校")).to_contain_text("jiao2")
    expect(timeline.locator("li.open", has_text="初审")).to_be_visible()
    expect(page.locator(".suggestions")).to_contain_text("已采纳")
    page.context.close()
    shown = drafts.show(team.ctx, team["bian"], did)
    assert shown.revision == 2
    assert {s.name: s.status for s in shown.stages} == {
        "机器预审": "done", "一校": "done", "初审": "open", "二校": "done", "复审": "pending",
        "保密审查": "pending", "三校": "pending", "终审": "pending"}


def test_an_unchanged_waived_finding_stays_waived(browser, live):
    body = f"申请人王某，身份证号 {ID_NUMBER}，现予公示。\n公示期为七天。\n"
    did = live.team.submit(body, title="关于低保对象的公示").id
    live.team.sign("jiao1", did, stage="一校")
    page = sign_in(browser, live, "shen1")
    page.goto(f"/drafts/{did}")
    finding = page.locator(".findings li", has_text=ID_NUMBER)
    finding.locator("summary", has_text="豁免 #").click()
    finding.get_by_label("豁免理由（必填）").fill("公示依法须列明")
    finding.locator("button", has_text="豁免 #").click()
    expect(page.get_by_role("status")).to_contain_text("已豁免")
    page.context.close()

    page = sign_in(browser, live, "bian")
    page.goto(f"/drafts/{did}")
    _revise_in_page(page, body.replace("公示期为七天", "公示期为七个工作日"), live.team)
    expect(page.locator("main")).to_contain_text("第 2 稿")
    expect(page.locator(".findings li", has_text=ID_NUMBER)).to_contain_text("已豁免")
    expect(page.locator(".opinions")).to_contain_text("豁免沿用")
    expect(page.locator(".opinions")).to_contain_text("公示依法须列明")
    page.context.close()


def test_the_sign_sheet_prints_every_opinion(browser, live):
    team = live.team
    did = team.submit(BODY, title="关于召开安全生产会议的通知").id
    opinions.add_comment(team.ctx, team["jiao1"], did, quote="全体会议", text="会议名称请核对", now=team.clock())
    team.sign("jiao1", did, stage="一校", comment="文字已校")
    drafts.return_draft(team.ctx, team["shen1"], did, comment="第二段请补充时间", now=team.clock())
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], did, BODY + "时间另行通知。\n", comment="已补充", now=team.clock()))
    team.walk(did)
    expected = [o.text for o in opinions.timeline(team.ctx, team["guan"], did) if o.text]
    assert len(expected) == 4  # the comment, the 一校 note, the return reason, the revision note
    page = sign_in(browser, live, "guan")
    page.goto(f"/drafts/{did}")
    page.get_by_role("link", name="打印审签单").click()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    rows = page.locator(".sheet-opinions tbody tr")
    expect(rows).to_have_count(len(opinions.timeline(team.ctx, team["guan"], did)))
    for text in expected:
        expect(page.locator(".sheet-opinions")).to_contain_text(text)
    stages = page.locator(".sheet-stages")
    expect(stages.locator("tr", has_text="终审")).to_contain_text("LING")
    expect(stages).to_contain_text(drafts.show(team.ctx, team["guan"], did).content_hash[:16])
    pdf = page.pdf()  # what the browser's print gives
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page.locator(".sheet-opinions").inner_text())
    page.context.close()
