"""Fixture ``cli``: the sanshen command line on a fresh data directory with the whole cast added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanshen.cli import app
from tests.cast import PEOPLE, display
from tests.team import CLEAN_BODY, TITLE


class Cli:
    def __init__(self, home: Path, db_url: str) -> None:
        self.home = home
        self.db_url = db_url
        self.runner = CliRunner()
        self.tokens: dict[str, str] = {}
        # signing without --expect-hash allowed unless a test asks (the default is tested in test_sign_hash.py)
        self.env = {"SANSHEN_HOME": str(home), "SANSHEN_DB": db_url, "SANSHEN_TOKEN": "",
                    "SANSHEN_SIGN_REQUIRES_HASH": "0"}

    def __call__(self, *args: str, who: str | None = None, code: int = 0, input: str | None = None, env=None):
        run_env = dict(self.env, **(env or {}))
        if who is not None:
            run_env["SANSHEN_TOKEN"] = self.tokens[who]
        result = self.runner.invoke(app, list(args), env=run_env, input=input, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        if code:
            assert "错误：" in result.stderr, result.stderr  # a reason, in Chinese, on stderr
        return result

    def json(self, *args: str, who: str | None = None, code: int = 0):
        return json.loads(self(*args, "--json", who=who, code=code).stdout)

    def file(self, name: str, text: str | bytes) -> str:
        path = self.home.parent / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return str(path)

    def submit(self, body: str = CLEAN_BODY, *extra: str, title: str = TITLE, code: int = 0) -> dict:
        """Submit as the editor; exit 1 means stored with blocking findings (docs/architecture.md §7)."""
        return self.json("submit", self.file(f"draft-{len(body)}-{title}.txt", body), "--title", title,
                         "--disclosure", "主动公开", *extra, who="bian", code=code)

    def queue(self, who: str) -> list[tuple[int, str]]:
        return [(i["id"], i["stage"]) for i in self.json("queue", who=who)]

    def manifest(self) -> dict:
        path = self.home / "site" / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def drain(self) -> None:
        self("worker", "--drain", "--inline")


@pytest.fixture
def cli(tmp_path, db_url) -> Cli:
    c = Cli(tmp_path / "home", db_url)
    c("init")
    c("init")  # idempotent
    for name, roles in PEOPLE.items():
        added = c.json("user", "add", name, "--role", ",".join(roles), "--display", display(name))
        assert added["name"] == name and added["roles"] == list(roles)
        c.tokens[name] = added["token"]
    return c
