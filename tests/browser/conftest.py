"""The browser tests' shared fixtures: one headless Chromium per module, a live sanshen per test."""

from __future__ import annotations

import pytest

from tests.browser.live import chromium, live_sanshen


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def live(tmp_path, db_url, default_checker, clock):
    with live_sanshen(tmp_path / "home", db_url, checker=default_checker, clock=clock) as running:
        yield running
