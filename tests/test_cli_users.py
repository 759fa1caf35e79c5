"""sanshen user disable / enable, and the operator named in the audit trail."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.db


def test_a_disabled_user_s_token_stops_working_until_enabled(cli):
    assert cli.queue("jiao1") == []
    cli("user", "disable", "jiao1")
    cli("queue", who="jiao1", code=2)
    listed = {u["name"]: u["active"] for u in cli.json("user", "list")}
    assert listed["jiao1"] is False
    cli("user", "enable", "jiao1")
    assert cli.queue("jiao1") == []
    cli("user", "disable", "nobody", code=2)
    events = [json.loads(line) for line in cli("audit", "export", "--format", "jsonl").stdout.splitlines()]
    trail = [e for e in events if e["action"] in ("user.deactivated", "user.activated")]
    assert [(e["action"], e["actor"], e["payload"]["name"]) for e in trail] == [
        ("user.deactivated", "cli", "jiao1"), ("user.activated", "cli", "jiao1")]
    assert trail[0]["payload"]["operator"]
