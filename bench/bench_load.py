"""Load benchmark: `sanshen serve` (with its embedded worker, as a user runs it) under 16 REST users.

For each database (SQLite; PostgreSQL with --pg URL): a new data directory, `sanshen init`, the
accounts of the default 三审三校 workflow (editors, proofreaders, reviewers, secrecy, leaders) and N
drafts spread over its stages (seeded through the service, with the automated pass), then
`sanshen serve` on a free 127.0.0.1 port. Locust (bench/locustfile.py, headless) then runs, against
that one server:

1. the baseline: the same users at the same pacing against /healthz and GET /api/v1/columns (the
   cheapest authenticated call), for --baseline seconds;
2. the mix: queue, show, sign (with the content hash seen in show), return and submit, for
   --seconds seconds.

Printed per database: the load average, requests/s, p50/p95 per action and their ratio to the
baseline's p95, errors (5xx, unexpected statuses, connection errors; 409 refusals of lost races
are counted apart), the publications completed during the run and how long each draft approved
during the run waited to be published (after the run the server gets up to 30 s more to publish
the last approvals). Not a test; nothing is asserted. With --profile, py-spy records the serve
process during the mix (collapsed stacks, ``profile-<database>.txt`` in the data directory: add --keep;
--gil: only samples holding the GIL). Also printed: the CPU seconds of the serve process, of its children
and of locust during the mix.

    .venv/bin/python bench/bench_load.py [--drafts 120] [--seconds 60] [--users 16]
        [--pg postgresql+psycopg://user:pass@127.0.0.1/postgres] [--profile [--gil]] [--keep DIR] [--switch-ms MS]
        [--web-workers N]   # serve --web-workers N: N web processes on the port (their CPU is counted as the web's)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from sanshen.service import checks, drafts, users  # noqa: E402
from sanshen.service.context import AppContext  # noqa: E402
from sanshen.settings import Settings  # noqa: E402
from storage.clock import system_clock  # noqa: E402
from storage.models import AuditEvent, Draft  # noqa: E402

BIN = Path(sys.executable).parent
SANSHEN, LOCUST = str(BIN / "sanshen"), str(BIN / "locust")
PYSPY = "/opt/pyspy/bin/py-spy"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
PUBLISH_GOAL_S = 30.0
RAMP_S = 3.0  # the first seconds of each phase are left out of the figures
# One account per simulated user: (name, roles), 16 in all.
ACCOUNTS = (
    [(f"bj{i}", ("editor",)) for i in (1, 2)]
    + [(f"jd{i}", ("proofreader",)) for i in range(1, 7)]
    + [(f"sh{i}", ("reviewer",)) for i in range(1, 5)]
    + [(f"bm{i}", ("secrecy",)) for i in (1, 2)]
    + [(f"ld{i}", ("leader",)) for i in (1, 2)]
)
ACTIONS = ("queue", "show", "sign", "return", "submit")
BODY = ("区政府召开常务会议，研究部署今冬明春安全生产和民生保障工作。\n"
        "会议强调，各部门要压实责任，加强隐患排查，确保群众温暖过冬。\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(home: Path, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHEN_", "PREFECT_"))}
    env.update(SANSHEN_HOME=str(home), SANSHEN_DB=db_url, PREFECT_HOME=str(home / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    return env


class Database:
    """A new database: a SQLite file in the data directory, or a new PostgreSQL database next to ``pg``."""

    def __init__(self, home: Path, pg: str | None) -> None:
        self.pg, self.name = pg, None
        if pg is None:
            self.url = f"sqlite:///{home / 'sanshen.db'}"
            return
        self.name = f"bench_load_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        self.url = f"{pg.rsplit('/', 1)[0]}/{self.name}"

    def drop(self) -> None:
        if self.name is None:
            return
        admin = sa.create_engine(self.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=:n"),
                         {"n": self.name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        admin.dispose()


def seed(home: Path, db_url: str, n: int) -> list[dict]:
    """The accounts (with their tokens) and ``n`` drafts, the i-th signed through i % 7 stages, so that
    every stage has work from the first second (and some drafts are one sign-off from approval)."""
    ctx = AppContext.open(Settings.from_env(env_for(home, db_url)))
    try:
        now = ctx.clock()
        people, accounts = {}, []
        for name, roles in ACCOUNTS:
            people[name], token = users.add_user(ctx, None, name, roles, display=name, now=now)
            accounts.append({"name": name, "token": token, "roles": list(roles)})
        wf = ctx.workflow
        human = [s for s in wf.stages if s.human]
        editors = [p for p in people.values() if p.has_role("editor")]
        for i in range(n):
            d = drafts.submit(ctx, editors[i % len(editors)], drafts.SubmitInput(
                title=f"关于第{i}项民生保障工作的通知", body=BODY + f"第{i}项。\n", column="通知公告", kind="notice", disclosure="主动公开"),
                now=ctx.clock())
            checks.run_pending(ctx, draft_id=d.id, revision=1)  # the automated pass first: a draft being checked cannot be signed
            for stage in human[: i % len(human)]:
                for person in people.values():
                    if not stage.roles & set(person.roles):
                        continue
                    try:
                        drafts.sign(ctx, person, d.id, stage=stage.name, expect_hash=d.content_hash, now=ctx.clock())
                        break
                    except Exception:  # noqa: BLE001 — separation: the next one of this role
                        continue
            print(f"  seeded {i + 1}/{n} drafts", file=sys.stderr, end="\r")
        print(file=sys.stderr)
    finally:
        ctx.close()
    return accounts


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(home: Path, env: dict[str, str], *, inline: bool = False, web_workers: int = 1) -> Server:
    port = free_port()
    log = home / "serve.log"
    proc = subprocess.Popen([SANSHEN, "serve", "--host", "127.0.0.1", "--port", str(port), *(["--inline"] if inline else []),
                             "--web-workers", str(web_workers)],
                            env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sanshen serve exited ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise SystemExit(f"sanshen serve did not answer within 180 s; see {log}")


def run_locust(server: Server, home: Path, accounts_file: Path, *, mode: str, seconds: int, users_n: int,
               wait: str) -> list[dict]:
    record = home / f"requests-{mode}.jsonl"
    env = {**os.environ, "BENCH_ACCOUNTS": str(accounts_file), "BENCH_MODE": mode, "BENCH_RECORD": str(record),
           "BENCH_WAIT": wait}
    cmd = [LOCUST, "-f", str(LOCUSTFILE), "--headless", "-u", str(users_n), "-r", str(users_n),
           "-t", f"{seconds}s", "--host", server.url, "--only-summary", "--stop-timeout", "10",
           "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    subprocess.run(cmd, env=env, cwd=str(home), check=True, stdout=subprocess.DEVNULL,
                   stderr=(home / f"locust-{mode}.log").open("w"))
    rows = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
    start = min((r["at"] for r in rows), default=0)
    return [r for r in rows if r["at"] >= start + RAMP_S]  # the users' start-up is not the steady state


WEB_PROCESS = "sanshen.web.worker_process"  # serve --web-workers N (N > 1): the web processes are children
# serve's other children by what their command line holds (anything else: the automated pass's process pool)
CHILD_KINDS = {"prefect_api": ("prefect.server.api",), "dispatcher": ("sanshen.cli worker",), "pool": ()}


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the web: the serve process (all its threads) and,
    with --web-workers N > 1, its web processes; and by its other children, each kind apart: the
    dispatcher (``worker``), the automated pass's process pool and Prefect's embedded API."""
    totals = {"serve": 0.0, **{kind: 0.0 for kind in CHILD_KINDS}}
    try:
        proc = psutil.Process(pid)
        own = proc.cpu_times()
        totals["serve"] = own.user + own.system
        for child in proc.children(recursive=True):
            try:
                t, cmdline = child.cpu_times(), " ".join(child.cmdline())
            except psutil.NoSuchProcess:
                continue
            kind = "serve" if WEB_PROCESS in cmdline else next(
                (kind for kind, marks in CHILD_KINDS.items() if any(mark in cmdline for mark in marks)), "pool")
            totals[kind] += t.user + t.system
        return totals
    except psutil.NoSuchProcess:
        return {kind: float("nan") for kind in totals}


def web_rss_mb(pid: int) -> float:
    """Resident memory (MB) of the web: the serve process and its web processes."""
    try:
        proc = psutil.Process(pid)
        procs = [proc, *(c for c in proc.children() if any(WEB_PROCESS in part for part in c.cmdline()))]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


def locust_cpu() -> float:
    """CPU seconds used by the waited-for children of this process (the locust runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _utc(value) -> datetime:
    if isinstance(value, str):  # SQLite hands back text for some expressions
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def publication_waits(db_url: str, since: datetime, until: datetime) -> tuple[int, list[float], int]:
    """(drafts published in [since, until], waits in seconds of the drafts approved in that window
    and published by now, those approved then and not published)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            events = conn.execute(sa.select(AuditEvent.action, AuditEvent.draft_id, AuditEvent.at)
                                  .where(AuditEvent.action.in_(("draft.approved", "draft.published")))
                                  .order_by(AuditEvent.seq)).all()
            statuses = dict(conn.execute(sa.select(Draft.id, Draft.status)).all())
    finally:
        engine.dispose()
    approved: dict[int, datetime] = {}
    waits, published_in_run = [], 0
    for action, draft_id, at in events:
        at = _utc(at)
        if action == "draft.approved":
            if since <= at <= until:
                approved[draft_id] = at
        else:
            published_in_run += since <= at <= until
            if draft_id in approved:
                waits.append((at - approved.pop(draft_id)).total_seconds())
    not_published = sum(1 for d in approved if statuses.get(d) != "published")
    return published_in_run, waits, not_published


def summarize(label: str, baseline: list[dict], mix: list[dict], seconds: int, load: tuple, pubs,
              cpu: dict[str, float] | None = None) -> None:
    def split(records):
        by: dict[str, list[dict]] = {}
        for r in records:
            by.setdefault(r["action"], []).append(r)
        return by

    base = split(baseline)
    base_p95 = {a: percentile([r["ms"] for r in rs], 0.95) for a, rs in base.items()}
    base_rps = len(baseline) / max(1.0, (max(r["at"] for r in baseline) - min(r["at"] for r in baseline))) if baseline else 0
    ref = base_p95.get("columns", float("nan"))
    print(f"\n== {label} ==  load average before/after: {load[0]:.1f} / {load[1]:.1f} (2 cores shared)")
    print(f"baseline: {base_rps:.1f} req/s; "
          + ", ".join(f"{a} p50 {percentile([r['ms'] for r in rs], 0.5):.1f} ms p95 {base_p95[a]:.1f} ms"
                      for a, rs in base.items()))
    span = max(r["at"] for r in mix) - min(r["at"] for r in mix) if mix else seconds
    errors = [r for r in mix if r["status"] == 0 or r["status"] >= 500]
    refused = [r for r in mix if 400 <= r["status"] < 500]
    print(f"mix: {len(mix)} requests in {span:.0f} s = {len(mix) / max(span, 1):.1f} req/s; "
          f"errors (5xx, no answer) {len(errors)}; refusals (4xx) {len(refused)}")
    for what, rows in (("errors", errors), ("refusals", refused)):
        kinds: dict[tuple, int] = {}
        for r in rows:
            key = (r["action"], r["status"], r.get("code", ""))
            kinds[key] = kinds.get(key, 0) + 1
        if kinds:
            print(f"  {what} by action/status/code:", ", ".join(f"{a} {s} {c}: {n}" for (a, s, c), n in sorted(kinds.items())))
    if cpu:
        n = max(len(mix), 1)
        print(f"CPU during the mix: web (serve + web processes) {cpu['serve']:.1f} s ({1000 * cpu['serve'] / n:.1f} ms per request, "
              f"{cpu['serve'] / max(span, 1):.2f} cores); its children: dispatcher {cpu['dispatcher']:.1f} s, "
              f"Prefect API {cpu['prefect_api']:.1f} s, check pool {cpu['pool']:.1f} s; "
              f"locust {cpu['locust']:.1f} s ({cpu['locust'] / max(span, 1):.2f} cores)")
    print(f"{'action':8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/columns':>12}")
    for action in ACTIONS:
        times = [r["ms"] for r in split(mix).get(action, [])]
        if not times:
            continue
        p95 = percentile(times, 0.95)
        print(f"{action:8} {len(times):6d} {percentile(times, 0.5):8.1f} {p95:8.1f} {max(times):8.1f} "
              f"{p95 / ref:11.1f}×")
    published, waits, missing = pubs
    if waits:
        late = sum(1 for w in waits if w > PUBLISH_GOAL_S)
        print(f"publications during the run: {published}; approved during the run: {len(waits) + missing}, "
              f"wait to publication p50 {statistics.median(waits):.1f} s, p95 {percentile(waits, 0.95):.1f} s, "
              f"max {max(waits):.1f} s; over {PUBLISH_GOAL_S:.0f} s: {late}; not published: {missing}")
    else:
        print(f"publications during the run: {published}; approved during the run and not published: {missing}")


def run(args: argparse.Namespace, home: Path, pg: str | None) -> None:
    label = "PostgreSQL" if pg else "SQLite"
    home.mkdir(parents=True, exist_ok=True)
    db = Database(home, pg)
    server = None
    try:
        env = env_for(home, db.url)
        if args.switch_ms is not None:
            env["SANSHEN_SWITCH_INTERVAL_MS"] = str(args.switch_ms)
        subprocess.run([SANSHEN, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"[{label}] seeding {args.drafts} drafts in {home}", file=sys.stderr)
        accounts = seed(home, db.url, args.drafts)
        accounts_file = home / "accounts.json"
        accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
        print(f"[{label}] starting sanshen serve", file=sys.stderr)
        server = start_server(home, env, inline=args.inline, web_workers=args.web_workers)
        time.sleep(args.settle)  # the embedded worker's start-up (Prefect API) settles first
        load_before = os.getloadavg()[0]
        print(f"[{label}] baseline {args.baseline} s", file=sys.stderr)
        baseline = run_locust(server, home, accounts_file, mode="baseline", seconds=args.baseline,
                              users_n=args.users, wait=args.wait)
        spy = None
        if args.profile:
            out = home / f"profile-{label.lower()}.txt"
            spy = subprocess.Popen([PYSPY, "record", "-p", str(server.proc.pid), "-d", str(args.seconds), "-r", "50",
                                    "-f", "raw", "-o", str(out), "--nonblocking", *(["--gil"] if args.gil else [])],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"[{label}] mix {args.seconds} s, {args.users} users", file=sys.stderr)
        since = system_clock()
        cpu_before, locust_before = cpu_seconds(server.proc.pid), locust_cpu()
        mix = run_locust(server, home, accounts_file, mode="mix", seconds=args.seconds, users_n=args.users,
                         wait=args.wait)
        until = system_clock()
        cpu_after, locust_after = cpu_seconds(server.proc.pid), locust_cpu()
        cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_before} | {"locust": locust_after - locust_before}
        rss = web_rss_mb(server.proc.pid)
        load_after = os.getloadavg()[0]
        if spy is not None:
            spy.wait()
        pubs = publication_waits(db.url, since, until)
        tail = time.monotonic() + PUBLISH_GOAL_S
        while pubs[2] and time.monotonic() < tail:  # the last approvals get the goal's 30 s
            time.sleep(2)
            pubs = publication_waits(db.url, since, until)
        shown = label + (f", SANSHEN_SWITCH_INTERVAL_MS={args.switch_ms:g}" if args.switch_ms is not None else "")
        shown += f", web processes {args.web_workers} (web RSS {rss:.0f} MB)"
        summarize(shown, baseline, mix, args.seconds, (load_before, load_after), pubs, cpu)
    finally:
        if server is not None:
            server.stop()
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=120)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--baseline", type=int, default=15)
    parser.add_argument("--users", type=int, default=len(ACCOUNTS))
    parser.add_argument("--wait", default="0.1,0.6", help="seconds between two steps of one user: lo,hi")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait after the server answers")
    parser.add_argument("--pg", default=None, help="PostgreSQL URL of an existing database; a new one is made next to it")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--inline", action="store_true", help="serve's dispatcher without Prefect (serve --inline)")
    parser.add_argument("--profile", action="store_true", help="py-spy record the serve process during the mix")
    parser.add_argument("--switch-ms", type=float, default=None,
                        help="SANSHEN_SWITCH_INTERVAL_MS for the server (default: the setting's default)")
    parser.add_argument("--gil", action="store_true", help="with --profile: only samples holding the GIL (py-spy --gil)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data directories under this folder")
    parser.add_argument("--web-workers", type=int, default=1, help="serve --web-workers N")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="sanshen-bench-load-"))
    try:
        targets = ([] if args.no_sqlite else [None]) + ([args.pg] if args.pg else [])
        for pg in targets:
            run(args, root / ("pg" if pg else "sqlite"), pg)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
