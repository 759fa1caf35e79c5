"""sanshen user disable / enable, and the operator named in the audit trail."""

from __future__ import annotations

import json

import pytest

from tests.test_cli_spine import cli  # noqa: F401 (fixture)

pytestmark = pytest.mark.db


def test_a_disabled_user_s_token_stops_working_until_enabled(cli):
    assert cli.queue("p1") == []
    cli("user", "disable", "p1")
    cli("queue", who="p1", code=2)
    listed = {u["name"]: u["active"] for u in cli.json("user", "list")}
    assert listed["p1"] is False
    cli("user", "enable", "p1")
    assert cli.queue("p1") == []
    cli("user", "disable", "nobody", code=2)
    events = [json.loads(line) for line in cli("audit", "export", "--format", "jsonl").stdout.splitlines()]
    trail = [e for e in events if e["action"] in ("user.deactivated", "user.activated")]
    assert [(e["action"], e["actor"], e["payload"]["name"]) for e in trail] == [
        ("user.deactivated", "cli", "p1"), ("user.activated", "cli", "p1")]
    assert trail[0]["payload"]["operator"]
