"""Submit off the request path: what a submission costs the request now (stored 检查中, the
automated pass queued) beside what it cost when the pass ran inside it (submit + pass, the baseline,
measured in the same run), for 10,000-character drafts; and how long a sign waits in the web
process while a pass runs in its pool process (``sanshen serve``) or in a thread of the same process.

    .venv/bin/python bench/bench_submit.py [--samples 30] [--db URL]

Prints its figures.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sanshen.service import checks, drafts, users
from sanshen.service.context import AppContext
from sanshen.service.draft_pass import CheckPool, DraftPass, PooledPass
from sanshen.service.site_sweep import lexicon_pass
from sanshen.service.views import UserView
from sanshen.settings import Settings
from storage.clock import ManualClock

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
PARAGRAPH = ("为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，区政府研究制定了若干措施。"
             "各街道、各部门要提高政治站位，压实工作责任，确保各项任务按期完成。"
             "对工作中发现的问题，要建立台账、限期整改，并于2026年3月底前报送整改情况。")


def long_draft(i: int) -> str:
    text, n = "", 0
    while len(text) < 10_000:
        n += 1
        text += f"（{n}）{PARAGRAPH}\n"
    return f"第{i}次提交。" + text[:9_990] + "\n"


def ms(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    return f"p50 {statistics.median(samples) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def submits_and_passes(ctx: AppContext, editor: UserView, samples: int, *,
                       now: datetime) -> tuple[list[float], list[float]]:
    """Seconds of each of ``samples`` submissions of a 10,000-character draft (stored 检查中, its pass
    queued) and of its automated pass run afterwards as a worker runs it, after one warm-up
    submission (the checker built once)."""
    drafts.submit(ctx, editor, drafts.SubmitInput(title="预热", body=long_draft(0), disclosure="主动公开"), now=now)
    checks.run_pending(ctx)
    submit_t, pass_t = [], []
    for i in range(1, samples + 1):
        data = drafts.SubmitInput(title=f"长稿件{i}", body=long_draft(i), disclosure="主动公开")
        submit_t.append(timed(lambda: drafts.submit(ctx, editor, data, now=now)))
        pass_t.append(timed(lambda: checks.run_pending(ctx)))  # what the worker then does, off the request
    return submit_t, pass_t


def sign_latency_during(ctx: AppContext, pass_fn, draft_ids: list[int], people) -> list[float]:
    """Sign latencies in this process while ``pass_fn`` runs passes in a background thread."""
    done = threading.Event()

    def busy() -> None:
        while not done.is_set():
            pass_fn()

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    try:
        return [timed(lambda: drafts.sign(ctx, people["p1"], d, stage="一校", now=ctx.clock())) for d in draft_ids]
    finally:
        done.set()
        worker.join()


def run(args: argparse.Namespace, home: Path) -> None:
    url = args.db or f"sqlite:///{home / 'sanshen.db'}"
    ctx = AppContext.open(Settings(home=home, db_url=url, link_check=False, sign_requires_hash=False),
                          clock=ManualClock(T0))
    people = {name: users.add_user(ctx, None, name, roles, now=T0)[0]
              for name, roles in {"editor": ("editor",), "p1": ("proofreader",)}.items()}
    submit_t, pass_t = submits_and_passes(ctx, people["editor"], args.samples, now=T0)
    print(f"submit now (stored 检查中, pass queued): {ms(submit_t)}")
    print(f"its pass (worker, afterwards):          {ms(pass_t)}")
    print(f"baseline, submit + pass in the request: {ms([a + b for a, b in zip(submit_t, pass_t)])}")

    ids = [d.id for d in drafts.queue(ctx, people["p1"], now=T0)]
    half = len(ids) // 2
    body, title = long_draft(999), "基准"
    from checking.context import DraftMeta

    meta = DraftMeta(disclosure="主动公开", disclosure_reason=None, kind="news", has_interpretation=False)
    in_thread = DraftPass(ctx.checker)
    pool = CheckPool()
    try:
        pooled = PooledPass(pool, lexicon_pass(ctx))
        pooled.check_revision(title, body, [], meta=meta)  # the pool process builds its checker first
        quiet = [timed(lambda: drafts.show(ctx, people["p1"], d)) for d in ids[:5]]
        print(f"show, nothing else running:             {ms(quiet)}")
        same = sign_latency_during(ctx, lambda: in_thread.check_revision(title, body, [], meta=meta), ids[:half], people)
        print(f"sign while passes run in this process:  {ms(same)}")
        apart = sign_latency_during(ctx, lambda: pooled.check_revision(title, body, [], meta=meta), ids[half:], people)
        print(f"sign while passes run in the pool:      {ms(apart)}")
    finally:
        pool.close()
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sanshen-bench-submit-"))
    try:
        run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
