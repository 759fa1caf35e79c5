"""Locust users for bench/bench_load.py (not run on its own: bench_load.py seeds the accounts and
starts the server, then runs this file headless against 127.0.0.1).

Environment (set by bench_load.py):
    BENCH_ACCOUNTS  JSON file: [{"name", "token", "roles"}], one account per simulated user
    BENCH_MODE      "mix" (the REST mix) or "baseline" (the same pacing against /healthz and the
                    cheapest authenticated call, GET /api/v1/columns)
    BENCH_RECORD    where to write every request as a JSON line {"action", "status", "ms", "at", "code"}
    BENCH_WAIT      "lo,hi": seconds a user waits between two steps (default 0.1,0.6)

The mix: reviewers (proofreader, reviewer, secrecy, leader) read their queue, open one of its
drafts (show) and sign it with the content hash they saw (expect_hash), or now and then return it
to the first stage; editors submit new drafts and read their queue. A 409 is a rule's refusal (two
people raced for the same stage; the loser is refused): counted apart, not as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, events, task
from locust.env import Environment

from storage.clock import system_clock

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8").read()) if "BENCH_ACCOUNTS" in os.environ else []
MODE = os.environ.get("BENCH_MODE", "mix")
RECORD = os.environ.get("BENCH_RECORD")
LO, HI = (float(x) for x in os.environ.get("BENCH_WAIT", "0.1,0.6").split(","))
RETURN_SHARE = 0.08  # of the drafts a reviewer opens, returned instead of signed
FIRST_STAGE = "一校"

_records: list[tuple[str, int, float, float, str]] = []
_next_account = itertools.count()
_body_counter = itertools.count(1)

BODY = ("区政府召开常务会议，研究部署今冬明春安全生产和民生保障工作。\n"
        "会议强调，各部门要压实责任，加强隐患排查，确保群众温暖过冬。\n"
        "会议要求，对重点行业领域开展专项检查，发现问题立即整改，整改情况按周报送。\n")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    status = int(getattr(response, "status_code", 0) or 0)
    code = ""
    if status >= 400:
        try:
            code = str(response.json().get("code", ""))
        except Exception:  # noqa: BLE001 — not JSON (a proxy's or server's error page)
            code = "-"
    _records.append((name, status, float(response_time), system_clock().timestamp(), code))


@events.quitting.add_listener
def _write(environment: Environment, **_):
    if RECORD:
        with open(RECORD, "w", encoding="utf-8") as out:
            for name, status, ms, at, code in _records:
                out.write(json.dumps({"action": name, "status": status, "ms": ms, "at": at, "code": code},
                                     ensure_ascii=False) + "\n")


def _wait(_user) -> float:
    return random.uniform(LO, HI)


class Person(HttpUser):
    """One simulated person: takes the next seeded account (16 users, 16 accounts)."""

    wait_time = _wait

    def on_start(self) -> None:
        account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.name_, self.roles = account["name"], set(account["roles"])
        self.client.headers["Authorization"] = f"Bearer {account['token']}"

    def _get(self, path: str, action: str):
        with self.client.get(path, name=action, catch_response=True) as r:
            r.success() if r.status_code in (200, 404, 409) else r.failure(f"{r.status_code}")
            return r

    def _post(self, path: str, action: str, body: dict):
        with self.client.post(path, name=action, json=body, catch_response=True) as r:
            r.success() if r.status_code in (200, 201, 409) else r.failure(f"{r.status_code}: {r.text[:200]}")
            return r

    @task
    def step(self) -> None:
        if MODE == "baseline":
            self._get("/healthz", "healthz")
            self._get("/api/v1/columns", "columns")
            return
        if "editor" in self.roles:
            self.editor_step()
        else:
            self.reviewer_step()

    def editor_step(self) -> None:
        if random.random() < 0.5:
            n = next(_body_counter)
            self._post("/api/v1/drafts", "submit", {
                "title": f"关于做好第{n}批民生保障工作的通知（{self.name_}）",
                "body": BODY + f"本通知自印发之日起施行（第{n}号）。\n", "column": "通知公告", "kind": "notice", "disclosure": "主动公开"})
        else:
            self._get("/api/v1/queue", "queue")

    def reviewer_step(self) -> None:
        r = self._get("/api/v1/queue", "queue")
        if r.status_code != 200:
            return
        items = r.json()
        if not items:
            return
        item = random.choice(items[:10])  # not all of them on the first: fewer lost races
        shown = self._get(f"/api/v1/drafts/{item['id']}", "show")
        if shown.status_code != 200:
            return
        detail = shown.json()
        stage = item["stage"]
        if stage not in detail.get("can_sign", ()):
            return  # someone else signed it since the queue was read
        if random.random() < RETURN_SHARE and detail.get("can_return"):
            to = FIRST_STAGE if FIRST_STAGE in detail.get("return_to", ()) else None
            if to is not None:
                self._post(f"/api/v1/drafts/{item['id']}/return", "return",
                           {"comment": "请核实第二段的数据来源", "to_stage": to})
                return
        self._post(f"/api/v1/drafts/{item['id']}/sign", "sign",
                   {"stage": stage, "comment": "同意", "expect_hash": detail["content_hash"]})
