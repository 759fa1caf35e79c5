"""The reviewer's desk in a real Chromium: keyboard-only sign-off in a few key presses, claims and
"next item", narrow screens, and axe-core on every page (public pages included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sanshen.service import drafts
from tests.browser.axe import axe_violations
from tests.browser.live import sign_in
from tests.team import ID_NUMBER, settle

pytestmark = pytest.mark.browser

# Six planted problems: a near miss of a formulation, two known typos, a resident ID number, a mobile
# number and half-width punctuation in Chinese text.
SIX = ("坚持以习近平新时代中国特色社会主意思想为指导，认真布署今冬明春工作。\n"
       f"联系人身份证号 {ID_NUMBER}，手机 13912345678。\n"
       "会议要求,各单位要再接再励，按时完成。\n")


def _press(page, keys: list[str]) -> int:
    for key in keys:
        page.keyboard.press(key)
    return len(keys)


def test_keyboard_only_sign_off_of_a_draft_with_six_findings_in_at_most_8_presses(browser, live):
    draft = live.team.submit(SIX, title="六个问题的通知")
    assert len(draft.findings) == 6, [(f.category, f.text) for f in draft.findings]
    page = sign_in(browser, live, "jiao1")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    presses = _press(page, ["Tab", "Tab"])  # 跳到正文, 处理下一篇：六个问题的通知
    assert page.evaluate("document.activeElement.textContent").startswith("处理下一篇")
    presses += _press(page, ["Enter"])
    page.wait_for_url(f"**/drafts/{draft.id}")
    expect(page.locator(".findings-panel li")).to_have_count(6)
    presses += _press(page, ["Tab", "Tab"])  # 跳到正文, 跳到签批
    assert page.evaluate("document.activeElement.textContent") == "跳到签批"
    presses += _press(page, ["Enter"])  # focus lands in the sign form's comment field
    assert page.evaluate("document.activeElement.id") == "sign-comment"
    presses += _press(page, ["Enter"])  # submits the form
    expect(page.get_by_role("status")).to_contain_text("已签批")
    assert presses <= 8, presses
    signed = drafts.show(live.team.ctx, live.team["jiao1"], draft.id).stages
    assert [s.signoffs[0].user for s in signed if s.name == "一校"] == ["jiao1"]
    page.context.close()


def test_claiming_hides_the_task_from_a_colleagues_next_item(browser, live):
    first = live.team.submit(title="先到的稿件").id
    second = live.team.submit(title="后到的稿件").id
    one = sign_in(browser, live, "jiao1")
    one.locator("tr", has_text="先到的稿件").get_by_role("button", name=re.compile("^认领")).click()
    expect(one.get_by_role("status")).to_contain_text("已认领")
    expect(one.locator("tr", has_text="先到的稿件")).to_contain_text("放弃认领")
    two = sign_in(browser, live, "jiao2")
    expect(two.locator("tr", has_text="先到的稿件")).to_contain_text("jiao1 正在处理")
    two.locator("#main").get_by_role("link", name="处理下一篇：后到的稿件").click()
    expect(two).to_have_url(re.compile(rf"/drafts/{second}$"))
    # the findings panel stays in view while the page scrolls
    two.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = two.evaluate("(() => { const r = document.querySelector('.findings-panel').getBoundingClientRect();"
                       " return [getComputedStyle(document.querySelector('.findings-panel')).position, r.top,"
                       " r.bottom, window.innerHeight, window.scrollY]; })()")
    assert box[0] == "sticky" and box[4] > 0 and 0 <= box[1] < box[3], box
    # the holder's own next item is the claimed one; after signing it, the page offers the next
    one.reload()
    one.locator("#main").get_by_role("link", name="处理下一篇：先到的稿件").click()
    one.get_by_role("button", name="签批通过").click()
    expect(one.get_by_role("status")).to_contain_text("已签批")
    one.get_by_role("link", name=re.compile(rf"{second} 号《后到的稿件》")).click()
    expect(one).to_have_url(re.compile(rf"/drafts/{second}$"))
    assert first != second
    one.context.close()
    two.context.close()


def test_tables_do_not_widen_the_page_at_390px(browser, live):
    live.team.submit(title="窄屏测试稿件")
    page = sign_in(browser, live, "guan", viewport={"width": 390, "height": 844})
    for path in ("/admin/stats", "/admin/users", "/drafts", "/admin/audit"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.context.close()


def _publish_policy_with_interpretation(live) -> tuple[int, int]:
    team = live.team
    policy = team.submit(title="关于促进就业的若干政策", kind="policy").id
    interp = team.submit("本解读回应社会关切。", title="政策解读：促进就业", interprets=policy).id
    team.walk(interp)
    team.walk(policy)
    live.drain()
    return policy, interp


def test_axe_finds_nothing_critical_or_serious_on_any_page(browser, live):
    team = live.team
    policy, interp = _publish_policy_with_interpretation(live)
    urgent = team.submit(SIX, title="紧急：六个问题", urgent=True)
    team.walk(urgent.id, through="初审")
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], urgent.id, SIX + "补充一段。\n", comment="补充", now=team.clock()))
    problems: dict[str, list[str]] = {}

    def audit(page, label: str) -> None:
        found = axe_violations(page)
        if found:
            problems[label] = found

    anonymous = browser.new_page(base_url=live.base_url, bypass_csp=True)  # CSP would refuse axe's script
    for path in ("/login", "/site/index.html", f"/site/items/{policy}.html", f"/site/items/{interp}.html"):
        anonymous.goto(path)
        audit(anonymous, path)
    anonymous.goto(f"/site/items/{policy}.html")
    anonymous.get_by_role("link", name="政策解读").click()
    expect(anonymous).to_have_url(re.compile(rf"/items/{interp}\.html$"))
    anonymous.get_by_role("main").get_by_role("link").first.click()  # the column index
    expect(anonymous).to_have_url(re.compile(r"/columns/"))  # the click's navigation, before axe goes in
    audit(anonymous, "/site/columns/…")
    anonymous.close()

    pages = {
        "jiao1": ["/queue", f"/drafts/{urgent.id}", "/drafts", "/handled", "/published", "/notifications",
                  "/drafts/999999"],
        "bian": ["/drafts/mine", "/drafts/new", f"/drafts/{urgent.id}", f"/drafts/{urgent.id}/revisions",
                 f"/drafts/{urgent.id}/revisions/1", f"/drafts/{urgent.id}/diff?from=1&to=2"],
        "guan": ["/admin/users", "/admin/lexicon?q=习近平", "/admin/audit", "/admin/stats",
                 f"/drafts/{urgent.id}", f"/drafts/{urgent.id}/sheet", "/admin/columns", "/admin/freshness",
                 "/admin/outbox", "/admin/sweeps", "/admin/annual-report", "/requests", "/requests/new"],
        "ling": ["/published", f"/drafts/{policy}"],
    }
    for who, paths in pages.items():
        page = sign_in(browser, live, who, bypass_csp=True)
        for path in paths:
            page.goto(path)
            audit(page, f"{who} {path}")
        page.context.close()
    assert not problems, problems
