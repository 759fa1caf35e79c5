"""Worker throughput: `sanshen worker --drain --inline` against `sanshen worker --drain` on Prefect's
embedded API and on a separate `prefect server` started here, all in the same run (issue 11).

    .venv/bin/python bench/bench_worker.py [--drafts 25] [--workers 1,2,4] [--db postgresql+psycopg://…/postgres]
                                           [--modes inline,embedded,server]

Each measurement seeds N approved drafts in a fresh database (every draft went through the real
transitions, so it carries all its outbox items: route, links and publish), then times separate
`sanshen worker --drain` processes until they have all exited. Every item records when it started
(``done_at``), so the steady cost per item is the span from the first item's start to the last one's
over the items in between; the start-up (to the first item) is reported apart. Link probing is off
(no network). Prints a table and the Prefect/inline ratio per approved draft (all its items).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.workflow import default_workflow  # noqa: E402
from storage.clock import system_clock  # noqa: E402
from storage.db import make_engine, transaction, upgrade  # noqa: E402
from storage.models import AuditEvent, Draft, Outbox  # noqa: E402
from tests.flows_support import sign_everything, submit_draft  # noqa: E402

SANSHEN = str(Path(sys.executable).with_name("sanshen"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
WF = default_workflow()


class Databases:
    """Fresh databases: SQLite files in a folder, or new PostgreSQL databases next to ``pg``."""

    def __init__(self, root: Path, pg: str | None) -> None:
        self.root, self.pg, self.made = root, pg, []

    def new(self) -> str:
        if not self.pg:
            return f"sqlite:///{self.root / f'db-{uuid.uuid4().hex[:8]}.sqlite'}"
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(self.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        return f"{self.pg.rsplit('/', 1)[0]}/{name}"

    def drop_all(self) -> None:
        if not self.pg:
            return
        admin = sa.create_engine(self.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=:n"),
                             {"n": name})
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def seed(db_url: str, drafts: int) -> int:
    """``drafts`` approved drafts; returns how many outbox items are pending."""
    engine = make_engine(db_url)
    upgrade(engine)
    now = system_clock()  # the worker processes read the machine's clock too
    for n in range(drafts):
        draft_id, _ = submit_draft(engine, WF, now, title=f"关于第 {n} 号事项的通知", body=f"各单位：\n第 {n} 号事项。")
        sign_everything(engine, WF, draft_id, now)
    with transaction(engine) as s:  # pinned to the workflow the workers run, as real submissions are
        s.execute(sa.update(Draft).values(workflow_version=WF.version))
    with transaction(engine, readonly=True) as s:
        items = s.scalar(sa.select(sa.func.count()).select_from(Outbox).where(Outbox.done_at.is_(None)))
    engine.dispose()
    return items


def published(db_url: str) -> tuple[int, int, float, object]:
    """(draft.published events, drafts published more than once, seconds from the first item's start
    to the last one's, when the first started); items record when they started in ``done_at``."""
    engine = make_engine(db_url)
    with transaction(engine, readonly=True) as s:
        ids = list(s.scalars(sa.select(AuditEvent.draft_id).where(AuditEvent.action == "draft.published")))
        left = s.scalar(sa.select(sa.func.count()).select_from(Outbox).where(Outbox.done_at.is_(None)))
        first, last = s.execute(sa.select(sa.func.min(Outbox.done_at), sa.func.max(Outbox.done_at))).one()
    engine.dispose()
    assert left == 0, f"{left} outbox items left undone"
    if isinstance(first, str):  # SQLite hands back text for an aggregate
        first, last = (datetime.fromisoformat(v).replace(tzinfo=UTC) for v in (first, last))
    return len(ids), len(ids) - len(set(ids)), (last - first).total_seconds(), first


def env_for(home: Path, db_url: str, api_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHEN_", "PREFECT_"))}
    env.update(SANSHEN_HOME=str(home), SANSHEN_DB=db_url, SANSHEN_LINK_CHECK="off",
               PREFECT_HOME=str(home / "prefect"), PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def drain(db_url: str, home: Path, *, inline: bool, api_url: str | None, workers: int) -> float:
    """Seconds until ``workers`` concurrent `sanshen worker --drain` processes have all exited."""
    cmd = [SANSHEN, "worker", "--drain", "--max-wait", "30"] + (["--inline"] if inline else [])
    began = time.perf_counter()
    procs = [subprocess.Popen(cmd, env=env_for(home, db_url, api_url), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(workers)]
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        # with several workers, one may end while another still holds the last items ("仍有 N 项待办未完成"):
        # not a failure as long as nothing is left once all have exited (``published`` checks that)
        left_to_others = workers > 1 and proc.returncode == 1 and "仍有" in err and "放弃 0 项" in out
        if proc.returncode != 0 and not left_to_others:
            raise SystemExit(f"worker failed ({proc.returncode}): {out}\n{err[-3000:]}")
    return time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrefectServer:
    """`prefect server start` on 127.0.0.1 with its own home (and database), stopped on exit."""

    def __init__(self, root: Path, database_url: str | None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        (root / "server" / "prefect").mkdir(parents=True)
        env = env_for(root / "server", "sqlite://", None)
        env.pop("SANSHEN_DB")
        if database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url.replace("+psycopg", "+asyncpg")
        self.log = open(root / "prefect-server.log", "wb")
        self.proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--no-ui", "--analytics-off"], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (root / "prefect-server.log").read_text()
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit("prefect server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=25)
    parser.add_argument("--workers", default="1,2,4", help="worker counts measured on the Prefect server")
    parser.add_argument("--modes", default="inline,embedded,server")
    parser.add_argument("--db", help="a PostgreSQL URL to create the databases next to (default: SQLite)")
    parser.add_argument("--prefect-db", action="store_true", help="the Prefect server on PostgreSQL too (needs asyncpg)")
    args = parser.parse_args()
    modes = args.modes.split(",")
    counts = [int(n) for n in args.workers.split(",")]
    root = Path(tempfile.mkdtemp(prefix="sanshen-bench-worker-"))
    dbs = Databases(root, args.db)
    server = None
    rows: list[tuple[str, int, int, float, float, float]] = []
    try:
        if "server" in modes:
            server = PrefectServer(root, dbs.new() if args.db and args.prefect_db else None)
        plan = []
        for mode in modes:
            for workers in (counts if mode == "server" else [1]):
                plan.append((mode, workers))
        for mode, workers in plan:
            api = server.url if mode == "server" else None
            home = root / f"home-{mode}-{workers}"
            db_url = dbs.new()
            items = seed(db_url, args.drafts)
            launched = system_clock()
            took = drain(db_url, home, inline=mode == "inline", api_url=api, workers=workers)
            count, twice, span, first = published(db_url)
            assert count == args.drafts and twice == 0, f"{mode}: {count} publications, {twice} duplicates"
            startup = (first - launched).total_seconds()
            rows.append((mode, workers, items, startup, took, span))
            print(f"  {mode:9} ×{workers}: {items} items of {args.drafts} drafts in {took:.1f} s "
                  f"(first item after {startup:.1f} s)", flush=True)
    finally:
        if server is not None:
            server.stop()
        dbs.drop_all()
        shutil.rmtree(root, ignore_errors=True)

    print(f"\n{args.drafts} approved drafts, database {'PostgreSQL' if args.db else 'SQLite'}; "
          "steady = from the first item's start to the last one's")
    print(f"{'mode':10} {'workers':>7} {'items':>6} {'1st item s':>10} {'total s':>8} "
          f"{'items/s':>8} {'ms/item':>8} {'ms/draft':>9}")
    per_draft = {}
    for mode, workers, items, startup, took, steady in rows:
        per_item = steady / (items - 1)
        per_draft[(mode, workers)] = per_item * items / args.drafts
        print(f"{mode:10} {workers:>7} {items:>6} {startup:>10.1f} {took:>8.1f} {1 / per_item:>8.2f} "
              f"{per_item * 1000:>8.1f} {per_item * items / args.drafts * 1000:>9.0f}")
    base = per_draft.get(("inline", 1))
    if base:
        for (mode, workers), cost in per_draft.items():
            if mode != "inline" and workers == 1:
                print(f"Prefect ({mode}) / inline, per draft: {cost / base:.2f}×")


if __name__ == "__main__":
    main()
