"""What one REST request costs the server, without concurrency: time and SQL statements per action.

The server-side part of bench/bench_load.py's figures: the same accounts and seeded drafts (SQLite, or
PostgreSQL with --pg), the web app built in this process (no dispatcher, no uvicorn: every request goes
through the app's middleware, routing, dependencies and thread pool via Starlette's TestClient), one
request at a time. Per action (queue, show, sign, return, submit, and the baseline GET /api/v1/columns):
median and p90 wall time, CPU time of this process, and the SQL statements the request ran (counted
on the engine). Not a test; nothing is asserted.

    .venv/bin/python bench/bench_request_cost.py [--drafts 120] [--rounds 150]
        [--pg postgresql+psycopg://user:pass@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import ACCOUNTS, SANSHEN, Database, env_for, seed  # noqa: E402
from sqlalchemy import event  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from sanshen.service.context import AppContext  # noqa: E402
from sanshen.settings import Settings  # noqa: E402
from sanshen.web.app import create_app  # noqa: E402

BODY = "区政府召开常务会议，研究部署今冬明春安全生产和民生保障工作。\n会议强调，各部门要压实责任。\n"


class Meter:
    """Wall time, process CPU time and statements of each request, by action."""

    def __init__(self, engine) -> None:
        self.statements = 0
        self.rows: dict[str, list[tuple[float, float, int]]] = {}
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def call(self, action: str, fn):
        before_n, wall, cpu = self.statements, time.perf_counter(), time.process_time()
        response = fn()
        self.rows.setdefault(action, []).append(
            ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, self.statements - before_n))
        return response


def run(home: Path, pg: str | None, drafts_n: int, rounds: int) -> None:
    label = "PostgreSQL" if pg else "SQLite"
    home.mkdir(parents=True, exist_ok=True)
    db = Database(home, pg)
    try:
        env = env_for(home, db.url)
        subprocess.run([SANSHEN, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        accounts = seed(home, db.url, drafts_n)
        ctx = AppContext.open(Settings.from_env(env))
        try:
            app = create_app(ctx)
            meter = Meter(ctx.engine)
            clients = {}
            for a in accounts:
                c = TestClient(app)
                c.headers["Authorization"] = f"Bearer {a['token']}"
                clients[a["name"]] = (c, set(a["roles"]))
            reviewers = [n for n, (_, roles) in clients.items() if "editor" not in roles]
            editors = [n for n, (_, roles) in clients.items() if "editor" in roles]
            rng = random.Random(7)
            for c, _ in clients.values():  # warm-up: first statements compile, pools fill
                c.get("/api/v1/columns")
                c.get("/api/v1/queue")
            meter.rows.clear()
            for i in range(rounds):
                name = reviewers[i % len(reviewers)]
                c, _ = clients[name]
                meter.call("columns", lambda: c.get("/api/v1/columns"))
                items = meter.call("queue", lambda: c.get("/api/v1/queue")).json()
                if not items:
                    continue
                item = rng.choice(items[:10])
                detail = meter.call("show", lambda: c.get(f"/api/v1/drafts/{item['id']}")).json()
                if item["stage"] not in detail.get("can_sign", ()):
                    continue
                if i % 12 == 5 and "一校" in detail.get("return_to", ()):
                    meter.call("return", lambda: c.post(f"/api/v1/drafts/{item['id']}/return",
                                                         json={"comment": "请核实数据来源", "to_stage": "一校"}))
                else:
                    meter.call("sign", lambda: c.post(f"/api/v1/drafts/{item['id']}/sign", json={
                        "stage": item["stage"], "comment": "同意", "expect_hash": detail["content_hash"]}))
                if i % 4 == 0:
                    e, _ = clients[editors[i % len(editors)]]
                    meter.call("submit", lambda: e.post("/api/v1/drafts", json={
                        "title": f"关于第{i}批民生保障工作的通知", "body": BODY + f"第{i}号。\n",
                        "column": "通知公告", "kind": "notice", "disclosure": "主动公开"}))
            print(f"\n== {label} ({rounds} rounds, one request at a time, in-process app) ==")
            print(f"{'action':8} {'n':>5} {'wall p50':>9} {'wall p90':>9} {'cpu p50':>8} {'statements':>10}")
            for action in ("columns", "queue", "show", "sign", "return", "submit"):
                rows = meter.rows.get(action, [])
                if not rows:
                    continue
                wall = sorted(r[0] for r in rows)
                print(f"{action:8} {len(rows):5d} {statistics.median(wall):8.2f}  {wall[int(0.9 * (len(wall) - 1))]:8.2f} "
                      f"{statistics.median(r[1] for r in rows):8.2f} {statistics.median(r[2] for r in rows):10.0f}")
            print(json.dumps({a: {"p50_ms": round(statistics.median(r[0] for r in rows), 2),
                                  "statements": statistics.median(r[2] for r in rows)}
                              for a, rows in meter.rows.items()}, ensure_ascii=False))
        finally:
            ctx.close()
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--pg", default=None)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    assert len(ACCOUNTS) == 16
    root = Path(tempfile.mkdtemp(prefix="sanshen-bench-cost-"))
    try:
        for pg in ([] if args.no_sqlite else [None]) + ([args.pg] if args.pg else []):
            run(root / ("pg" if pg else "sqlite"), pg, args.drafts, args.rounds)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
