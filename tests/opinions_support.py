"""A workflow that keeps the 校 sign-offs across a punctuation-only revision and lets 终审 decide on
suggested edits, and a team working under it (fixture ``keep_team``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from tests.team import Team, open_context

KEEP_RULES = '''
keep_signoffs = [{ change = "punctuation", stages = ["一校", "二校", "三校"] }]
suggestion_deciders = ["终审"]
'''


def keep_workflow_file(folder: Path) -> Path:
    """The default 三审三校 with the rules above added (before the first [[stage]])."""
    text = resources.files("review").joinpath("workflows/sanshen.toml").read_text(encoding="utf-8")
    head, sep, tail = text.partition("\n[[stage]]")
    path = folder / "keep.toml"
    path.write_text(head + KEEP_RULES + "\n" + sep + tail, encoding="utf-8")
    return path


@pytest.fixture
def keep_team(tmp_path, db_url, default_checker, clock):
    ctx = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock,
                       workflow_file=keep_workflow_file(tmp_path))
    try:
        yield Team.gather(ctx)
    finally:
        ctx.close()
