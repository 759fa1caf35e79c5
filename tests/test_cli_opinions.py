"""意见 and suggested edits through the command line; JSON is the REST view, text shows local time."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


def test_comment_opinions_suggest_accept_and_sheet(cli):
    did = str(cli.submit()["id"])
    cli("sign", did, "--comment", "已校", who="jiao1")
    out = cli("comment", did, "--quote", "压实责任", "--text", "请写明责任主体", who="shen1").stdout
    assert "SHEN1（审核人）意见 · 初审" in out and "“压实责任”：请写明责任主体" in out
    cli("comment", did, "--quote", "没有的话", "--text", "x", who="shen1", code=2)
    s = cli.json("suggestion", "add", did, "--old", "，确保", "--new", "；确保", "--reason", "分号", who="shen1")
    assert s["status"] == "open" and s["passage"]["start"] is not None
    refused = cli("suggestion", "accept", did, str(s["id"]), who="bian", code=1)
    assert "保存后以下 1 个签批将作废" in refused.stderr and "JIAO1" in refused.stderr
    accepted = cli.json("suggestion", "accept", did, str(s["id"]), "--yes", who="bian")
    assert accepted["revision"] == 2
    line = cli.json("opinions", did, who="bian")
    assert [o["kind"] for o in line] == ["submit", "sign", "comment", "suggest", "revise", "suggest_decided"]
    assert line[2]["passage"]["detached"] is False and line[2]["at"].endswith("+00:00")
    text = cli("opinions", did, who="bian").stdout
    assert "JIAO1（校对）签批通过 · 一校 · 第 1 版　已校" in text
    sheet = cli("sheet", did, who="bian").stdout
    assert "审签单" in sheet and "一校：未签批" in sheet and "请写明责任主体" in sheet


def test_sign_asks_for_the_hash_by_default(cli):
    did = str(cli.submit()["id"])
    strict = {"SANSHEN_SIGN_REQUIRES_HASH": "1"}
    refused = cli("sign", did, who="jiao1", env=strict, code=2)
    assert "--expect-hash" in refused.stderr and f"sanshen show {did}" in refused.stderr
    digest = cli.json("show", did, who="jiao1")["content_hash"]
    cli("sign", did, "--expect-hash", "0" * 12, who="jiao1", env=strict, code=1)  # not what is there now
    cli("sign", did, "--expect-hash", digest[:8], who="jiao1", env=strict)
