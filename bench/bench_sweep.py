"""Site-wide re-check (存量信息排查) throughput: pages/s over a seeded set of published pages,
inline in one process, then on Dask through Prefect's task runner with 1 and 2 worker processes,
all in the same run (the machine's load moves the figures; compare within one run).

    .venv/bin/python bench/bench_sweep.py [--pages 400] [--home /tmp/sweep-bench]

The pages are real government texts (bench/real_text.jsonl) cut to ~3,000 characters, one in ten
with a banned term planted, written as published drafts below the service. Each Dask figure counts
the whole sweep as a user waits for it, cluster start and checker build in the workers included
("wall"), and the steady part after the first chunk came back ("steady").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def texts(n: int, size: int = 3000) -> list[str]:
    lines = [json.loads(line)["text"] for line in (ROOT / "bench" / "real_text.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    whole = "\n".join(lines)
    out = []
    for i in range(n):
        start = (i * 997) % max(1, len(whole) - size)
        body = whole[start:start + size]
        if i % 10 == 3:
            body = body[:200] + "北朝鲜代表团来访。" + body[200:]
        out.append(body)
    return out


def seed(engine, n: int, columns=("通知公告", "政策文件", "要闻", "人事信息")) -> None:
    """``n`` published pages written as rows (as tests/flows_support.add_draft does)."""
    from review import revision
    from storage.db import transaction
    from storage.models import Draft, Revision, User

    with transaction(engine) as s:
        author = User(name="bian", display="卞编辑", roles="editor", created_at=NOW)
        s.add(author)
        s.flush()
        for i, body in enumerate(texts(n)):
            title = f"公开信息第{i + 1}号"
            draft = Draft(title=title, column=columns[i % len(columns)], kind="news", disclosure="主动公开",
                          author_id=author.id, workflow_name="三审三校", workflow_version="bench",
                          status="published", submitted_at=NOW, published_at=NOW)
            s.add(draft)
            s.flush()
            s.add(Revision(draft_id=draft.id, number=1, title=title, body=body, meta={},
                           content_hash=revision.content_hash(title, body, [], {}), author_id=author.id,
                           created_at=NOW))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--home", default="/tmp/sanshen-bench-sweep")
    args = parser.parse_args()
    home = Path(args.home)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["SANSHEN_HOME"] = str(home)
    from flows.prefect_runtime import flow_settings, prefect_api
    from flows.sitesweep import DaskOptions, dask_runner, inline_runner, sweep_site
    from sanshen.service.context import AppContext
    from sanshen.service.draft_pass import DraftPass
    from sanshen.service.site_sweep import lexicon_pass
    from sanshen.settings import Settings

    ctx = AppContext.open(Settings.from_env())
    seed(ctx.engine, args.pages)
    print(f"{args.pages} published pages, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    def measure(label: str, run, workers: int) -> float:
        marks: list[float] = []
        started = time.perf_counter()
        sweep_id = sweep_site(ctx.engine, run, now=NOW, workers=workers,
                              progress=lambda done, total: marks.append(time.perf_counter()) if done else None)
        wall = time.perf_counter() - started
        from storage.db import transaction
        from storage.models import SiteSweep
        with transaction(ctx.engine, readonly=True) as s:
            sweep = s.get(SiteSweep, sweep_id)
            found, total = sweep.pages_with_errors, sweep.total
        first_chunk = marks[0] - started
        # steady: after every worker has delivered a chunk (its checker built), up to the last chunk
        settled = min(workers, len(marks) - 1)
        per_chunk = total / len(marks)
        steady = (per_chunk * (len(marks) - 1 - settled) / (marks[-1] - marks[settled])
                  if len(marks) - 1 > settled else total / wall)
        print(f"{label:<28} wall {wall:6.1f} s  {total / wall:6.1f} pages/s  steady {steady:6.1f} pages/s  "
              f"first chunk {first_chunk:5.1f} s  pages with errors {found}")
        return steady

    checker = ctx.checker  # built before timing, as a running worker has it
    inline = measure("inline (1 process)", inline_runner(lambda: DraftPass(checker)), 1)
    with prefect_api(ctx.settings.prefect_home) as api_url, flow_settings(api_url):
        one = measure("Dask, 1 worker process", dask_runner(lexicon_pass(ctx), DaskOptions(workers=1)), 1)
        two = measure("Dask, 2 worker processes", dask_runner(lexicon_pass(ctx), DaskOptions(workers=2)), 2)
    print(f"steady speed-up 2 vs 1 Dask workers: {two / one:.2f}x; 2 Dask workers vs inline: {two / inline:.2f}x")
    ctx.close()


if __name__ == "__main__":
    main()
