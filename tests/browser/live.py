"""A live sanshen (uvicorn in a thread, tmp data directory) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from checking.check import Checker
from sanshen.commands.worker import build_dispatcher
from sanshen.service import users
from sanshen.web.app import create_app
from sanshen.web.server import serving_in_thread
from storage.clock import ManualClock
from tests.team import Team, open_context
from tests.web_support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Live:
    team: Team
    base_url: str
    passwords: set[str] = field(default_factory=set)

    def password_for(self, name: str) -> str:
        """Set the user's web password on first use (argon2 hashing is slow: only for who signs in)."""
        if name not in self.passwords:
            users.set_password(self.team.ctx, None, name, PASSWORD, now=self.team.clock())
            self.passwords.add(name)
        return PASSWORD

    def drain(self) -> int:
        """Run the flow dispatcher until the outbox is empty (publication, notifications)."""
        return build_dispatcher(self.team.ctx, use_prefect=False).drain(max_wait=30)


@contextmanager
def live_sanshen(home: Path, db_url: str, *, checker: Checker | None = None, clock: ManualClock) -> Iterator[Live]:
    ctx = open_context(home, db_url, checker=checker, clock=clock)
    try:
        team = Team.gather(ctx)
        with serving_in_thread(create_app(ctx)) as base_url:
            yield Live(team, base_url)
    finally:
        ctx.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(browser: Browser, live: Live, name: str, *, viewport=None, bypass_csp: bool = False) -> Page:
    """A fresh browser context (its own cookies) signed in as `name` (``bypass_csp``: so that a test
    can inject a script such as axe-core)."""
    context = browser.new_context(base_url=live.base_url, locale="zh-CN", bypass_csp=bypass_csp,
                                  viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(live.password_for(name))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/(queue|drafts/mine)$"))  # an editor lands on their drafts
    return page
