"""Web benchmark: the queue page and a long draft page, with 100,000 drafts in the database.

Server-side latency measured over HTTP: the app runs under uvicorn in this process
(one worker, loopback) and a separate load process sends sequential requests with
httpx, timing each response. Prints p50/p95/p99 per page. Not a test.

    .venv/bin/python bench/bench_web.py [--drafts 100000] [--requests 300] [--keep DIR]
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from review.revision import content_hash, publish_meta  # noqa: E402
from sanshen.service import drafts, users  # noqa: E402
from sanshen.service.context import AppContext  # noqa: E402
from sanshen.settings import Settings  # noqa: E402
from sanshen.web.app import create_app  # noqa: E402
from sanshen.web.server import serving_in_thread  # noqa: E402
from storage.db import transaction  # noqa: E402
from storage.models import Draft, Revision, StageTask  # noqa: E402

PASSWORD = "bench-password-1"
PROOF_STAGES = ("一校", "二校", "三校")
COLUMNS = ("要闻", "通知公告", "政策文件", "政策解读", "人事信息")

LOAD_SCRIPT = r"""
import json, sys, time, httpx
base, cookie, paths, n = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
out = {}
with httpx.Client(base_url=base, cookies={"sanshen_session": cookie}, timeout=30) as c:
    for name, path in paths.items():
        for _ in range(10):
            c.get(path)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            r = c.get(path)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        out[name] = times
print(json.dumps(out))
"""


def seed(ctx: AppContext, n: int, open_share: float) -> int:
    """n drafts (bulk rows, no automated pass): `open_share` of them waiting at a proofreading
    stage the benchmark's proofreader may sign, the rest published; then one long draft with
    50 findings. Returns the long draft's id."""
    now = ctx.clock()
    editor, _ = users.add_user(ctx, None, "bench_editor", ["editor"], now=now)
    users.add_user(ctx, None, "bench_proof", ["proofreader"], now=now)
    users.set_password(ctx, None, "bench_proof", PASSWORD, now=now)
    wf = ctx.workflow
    rnd = random.Random(7)
    meta = publish_meta(column="要闻", kind="news", disclosure="主动公开", interprets=None)
    batch = 5000
    with transaction(ctx.engine) as session:
        for start in range(0, n, batch):
            count = min(batch, n - start)
            waiting = [rnd.random() < open_share for _ in range(count)]
            rows = []
            for i, is_open in zip(range(start, start + count), waiting):
                submitted = now - timedelta(minutes=rnd.randrange(0, 60 * 24 * 365))
                rows.append(dict(title=f"基准稿件 {i}", column=rnd.choice(COLUMNS), kind="news",
                                 disclosure="主动公开", urgent=i % 50 == 0, author_id=editor.id,
                                 workflow_name=wf.name, workflow_version=wf.version,
                                 status="in_review" if is_open else "published", current_revision=1,
                                 submitted_at=submitted, published_at=None if is_open else submitted + timedelta(days=1)))
            session.execute(insert(Draft), rows)
            ids = session.scalars(select(Draft.id).order_by(Draft.id.desc()).limit(count)).all()[::-1]
            session.execute(insert(Revision), [
                dict(draft_id=d, number=1, title=f"基准稿件 {d}", body="正文。", meta=meta,
                     content_hash=content_hash(f"基准稿件 {d}", "正文。", (), meta), author_id=editor.id,
                     created_at=now) for d in ids])
            session.execute(insert(StageTask), [
                dict(draft_id=d, revision=1, stage=rnd.choice(PROOF_STAGES) if is_open else "终审",
                     roles="proofreader" if is_open else "leader", status="open" if is_open else "done",
                     urgent=row["urgent"],
                     opened_at=now - timedelta(hours=rnd.randrange(0, 72)),
                     due_at=now + timedelta(hours=rnd.randrange(-48, 48)),
                     closed_at=None if is_open else now) for d, is_open, row in zip(ids, waiting, rows)])
            print(f"  seeded {start + count}/{n}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    body = long_body(ctx)
    return drafts.submit(ctx, editor, drafts.SubmitInput(
        title="长稿件：年度工作报告", body=body, column="要闻", kind="news", disclosure="主动公开"), now=now).id


def long_body(ctx: AppContext) -> str:
    """About 10,000 characters with exactly 50 planted problems the automated pass finds."""
    filler = "本年度各项工作稳步推进，群众满意度持续提升，重点任务按期完成。"
    planted = ["北朝鲜", "布署", "残废人", "香港政府", "11010519491231002X"]
    parts, i = [], 0
    while sum(len(p) for p in parts) < 10_000:
        parts.append(filler * 3)
        parts.append(planted[i % len(planted)] if i < 50 else "")
        i += 1
    text = "".join(parts)[:10_000]
    found = len(ctx.checker.check(text).findings)
    print(f"  long draft: {len(text)} characters, {found} findings", file=sys.stderr)
    return text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.02,
                        help="share of the drafts still waiting on the proofreader (1.0: the worst case)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", type=Path, default=None,
                        help="data directory to use and keep (default: a temporary one, removed afterwards)")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="sanshen-bench-web-"))
    try:
        run(args, home)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


def service_queue_times(ctx: AppContext, n: int) -> list[float]:
    """The proofreader's queue through the service, in process (ms per call)."""
    proof = users.get_user(ctx, "bench_proof")
    at = ctx.clock()
    for _ in range(10):
        drafts.queue(ctx, proof, now=at)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        drafts.queue(ctx, proof, now=at)
        times.append((time.perf_counter() - t) * 1000)
    return times


def run(args: argparse.Namespace, home: Path) -> None:
    ctx = AppContext.open(Settings(home=home, db_url=f"sqlite:///{home / 'sanshen.db'}"))
    t = time.perf_counter()
    long_id = seed(ctx, args.drafts, args.open_share)
    print(f"seeded {args.drafts} drafts ({args.open_share:.0%} waiting on the proofreader) "
          f"in {time.perf_counter() - t:.1f}s (SQLite, {home})")
    service = service_queue_times(ctx, args.requests)
    app = create_app(ctx, secret=b"bench")
    with serving_in_thread(app) as base:
        import httpx

        with httpx.Client(base_url=base) as c:
            login = c.get("/login").text
            token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            c.post("/login", data={"username": "bench_proof", "password": PASSWORD, "csrf_token": token})
            cookie = c.cookies.get("sanshen_session")
        paths = {"queue page": "/queue", f"draft page ({long_id}, 10,000 chars)": f"/drafts/{long_id}"}
        out = subprocess.run([sys.executable, "-c", LOAD_SCRIPT, base, cookie, json.dumps(paths),
                              str(args.requests)], check=True, capture_output=True, text=True)
        results = {"queue (service, in process)": service, **json.loads(out.stdout)}
    print(f"{'page':40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean':>8}")
    for name, times in results.items():
        print(f"{name:40} {len(times):5d} {percentile(times, .5):8.1f} {percentile(times, .95):8.1f} "
              f"{percentile(times, .99):8.1f} {statistics.fmean(times):8.1f}")
    ctx.close()


if __name__ == "__main__":
    main()
