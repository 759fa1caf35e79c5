"""The web app in a real headless Chromium: sign in, submit, sign in turn, return, publish, audit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sanshen.service import drafts
from tests.browser.live import sign_in
from tests.cast import SIGNERS
from tests.team import ID_NUMBER, run_checks

pytestmark = pytest.mark.browser


def test_sign_in_wrong_password_then_right_then_out(browser, live):
    page = browser.new_page(base_url=live.base_url)
    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fqueue$"))
    page.get_by_label("用户名").fill("jiao1")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    page.get_by_label("密码").fill(live.password_for("jiao1"))
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.close()


def test_keyboard_reaches_the_skip_link_first_with_visible_focus(browser, live):
    page = sign_in(browser, live, "jiao1")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.context.close()


def test_editor_submits_a_draft_and_sees_the_id_number_highlighted(browser, live):
    page = sign_in(browser, live, "bian")
    page.get_by_role("link", name="新建稿件").first.click()
    page.get_by_label("标题", exact=True).fill("关于公布低保对象名单的公示")
    page.get_by_label("栏目", exact=True).select_option("通知公告")
    page.get_by_label("主动公开").check()
    page.locator("#body").fill(f"申请人：王某，身份证号 {ID_NUMBER}，现予公示。")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("status")).to_contain_text("稿件已提交")
    expect(page.locator("main")).to_contain_text("检查中，请稍候")  # the pass runs off the request path
    run_checks(live.team.ctx)  # as the worker would
    page.reload()
    expect(page.locator("main")).not_to_contain_text("检查中，请稍候")
    mark = page.locator(".draft-text mark.sev-error").first
    expect(mark).to_have_text(ID_NUMBER)
    suggestion = page.locator(".draft-text .sugg").first
    expect(suggestion).to_contain_text("*")
    assert page.locator(".findings li").count() >= 1
    page.context.close()


def test_stages_signed_in_turn_then_the_published_page_appears(browser, live):
    draft_id = live.team.submit(title="关于开展消防安全检查的通知", body="各单位：请于本周内完成消防自查。").id
    for stage, who in SIGNERS:
        page = sign_in(browser, live, who)
        page.get_by_role("link", name="关于开展消防安全检查的通知", exact=True).click()
        page.get_by_label("环节", exact=True).select_option(stage)
        page.get_by_label("意见（可选）").fill("同意")
        page.get_by_role("button", name="签批通过").click()
        expect(page.get_by_role("status")).to_contain_text("已签批")
        expect(page.locator(".timeline li.done", has_text=stage)).to_contain_text(f"{who} 于")
        page.context.close()
    assert live.drain() >= 1
    page = sign_in(browser, live, "bian")
    page.goto(f"/drafts/{draft_id}")
    expect(page.locator("main")).to_contain_text("已发布")
    page.get_by_role("link", name="查看发布页面").click()
    expect(page.locator("h1")).to_have_text("关于开展消防安全检查的通知")
    expect(page.locator("body")).to_contain_text("请于本周内完成消防自查")
    page.context.close()


def test_a_return_with_a_reason_reaches_the_editor(browser, live):
    draft_id = live.team.submit(title="关于调整公交线路的公告").id
    live.team.walk(draft_id, through="一校")
    page = sign_in(browser, live, "shen1")
    page.goto(f"/drafts/{draft_id}")
    page.get_by_label("退回到").select_option("")
    page.get_by_label("退回原因（必填）").fill("线路走向与交通局公告不一致，请核实")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_role("status")).to_contain_text("已退回")
    page.context.close()
    live.drain()
    page = sign_in(browser, live, "bian")
    expect(page.locator(".badge")).to_be_visible()  # unread notifications in the header
    page.get_by_role("link", name="我的稿件").click()
    row = page.locator("tr", has_text="关于调整公交线路的公告")
    expect(row).to_contain_text("已退回")
    expect(row).to_contain_text("线路走向与交通局公告不一致，请核实")
    page.get_by_role("link", name=re.compile("^通知")).click()
    expect(page.locator("main")).to_contain_text("退回")
    page.context.close()


def test_admin_sees_the_trail_and_verifies_it(browser, live):
    draft_id = live.team.submit(title="审计演示稿件").id
    live.team.walk(draft_id, through="初审")
    page = sign_in(browser, live, "guan")
    page.get_by_role("link", name="审计记录").click()
    page.get_by_label("稿件编号").fill(str(draft_id))
    page.get_by_role("button", name="筛选").click()
    table = page.locator("table")
    expect(table).to_contain_text("draft.submitted")
    expect(table).to_contain_text("stage.signed")
    expect(table).to_contain_text("shen1")
    page.get_by_role("button", name="校验审计链").click()
    expect(page.get_by_role("status")).to_contain_text("审计链完整")
    assert drafts.show(live.team.ctx, live.team["guan"], draft_id).status == "in_review"
    page.context.close()
