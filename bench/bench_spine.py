"""The spine under load: sign/return, a reviewer's queue, submit and its automated pass (off the request),
and `audit verify`, with 100,000 drafts in the database (targets from issue 2).

    .venv/bin/python bench/bench_spine.py [--drafts 100000] [--samples 200] [--db URL]

Defaults: a temporary SQLite database (removed afterwards); ``--db`` names an empty one. Rows are bulk-generated directly (drafts,
revisions, stage tasks, sign-offs and a valid hash chain of audit events); the timed
actions go through the service layer in process. Prints its figures.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_submit import submits_and_passes  # the same timing as bench_submit's
from review.revision import content_hash, publish_meta
from review.workflow import WorkflowDef
from sanshen.service import audit, drafts, users
from sanshen.service.context import AppContext
from sanshen.service.views import UserView
from sanshen.settings import Settings
from storage.chain import GENESIS, event_hash, format_at
from storage.db import transaction
from storage.models import AuditEvent, Draft, Revision, SignOff, StageTask, User

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TEAM = {"editor": ("editor",), "leader": ("leader",), "sec": ("secrecy",),
        **{f"p{i}": ("proofreader",) for i in range(1, 7)}, **{f"r{i}": ("reviewer",) for i in range(1, 7)}}
PARAGRAPH = ("为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，区政府研究制定了若干措施。"
             "各街道、各部门要提高政治站位，压实工作责任，确保各项任务按期完成。"
             "对工作中发现的问题，要建立台账、限期整改，并于2026年3月底前报送整改情况。")
BATCH = 5_000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


class Generator:
    """Bulk rows for N drafts: the oldest nine tenths published, the newest waiting at 一校, 初审
    or 复审 ∥ 保密审查 (one draft a minute, so most of them are overdue by the time of the run)."""

    def __init__(self, ctx: AppContext, people: dict[str, UserView], n: int, seed: int = 7) -> None:
        self.ctx, self.people, self.n = ctx, people, n
        self.rng = random.Random(seed)
        self.wf: WorkflowDef = ctx.workflow
        self.seq, self.prev = 0, GENESIS

    def run(self) -> dict[str, list[int]]:
        waiting: dict[str, list[int]] = {"一校": [], "初审": [], "复审": []}
        self.system_id = self._system_id()
        with transaction(self.ctx.engine) as s:
            next_id = (s.scalar(select(Draft.id).order_by(Draft.id.desc()).limit(1)) or 0) + 1
            last = s.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
            if last is not None:
                self.seq, self.prev = last.seq, last.hash
        for base in range(0, self.n, BATCH):
            rows = self._batch(next_id + base, min(BATCH, self.n - base), waiting)
            with transaction(self.ctx.engine) as s:
                for model, values in rows.items():
                    if values:
                        s.execute(insert(model), values)
        if self.ctx.engine.dialect.name == "postgresql":
            with self.ctx.engine.begin() as conn:  # ids were given explicitly; statistics as autovacuum would
                conn.execute(text("SELECT setval(pg_get_serial_sequence('draft', 'id'), (SELECT max(id) FROM draft))"))
            with self.ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        return waiting

    def _batch(self, first_id: int, count: int, waiting: dict[str, list[int]]) -> dict[type, list[dict]]:
        rows: dict[type, list[dict]] = {Draft: [], Revision: [], StageTask: [], SignOff: [], AuditEvent: []}
        editor = self.people["editor"].id
        stages = list(self.wf.stages)
        for draft_id in range(first_id, first_id + count):
            at = T0 + timedelta(minutes=draft_id)
            body = f"第{draft_id}号稿件。" + PARAGRAPH
            title = f"关于第{draft_id}号事项的通知"
            meta = publish_meta(column="通知公告", kind="notice", disclosure="主动公开", interprets=None)
            digest = content_hash(title, body, [], meta)
            if draft_id <= self.n * 0.9:  # the newest tenth is still in review
                upto, status = len(stages), "published"
            else:
                upto = {0: 1, 1: 2, 2: 4}[self.rng.randrange(3)]  # index of the first open stage
                status = "in_review"
            urgent = self.rng.random() < 0.05
            rows[Draft].append(dict(
                id=draft_id, title=title, column="通知公告", kind="notice", disclosure="主动公开", urgent=urgent,
                author_id=editor, department="办公室", workflow_name=self.wf.name, workflow_version=self.wf.version,
                status=status, current_revision=1, lock_version=upto, submitted_at=at,
                published_at=at + timedelta(hours=6) if status == "published" else None))
            rows[Revision].append(dict(draft_id=draft_id, number=1, title=title, body=body, meta=meta,
                                       content_hash=digest, author_id=editor, comment="", created_at=at))
            signers = self._signers(draft_id)
            step_open = None
            for i, stage in enumerate(stages):
                if i < upto:
                    user = signers[stage.name]
                    rows[StageTask].append(dict(draft_id=draft_id, revision=1, stage=stage.name, urgent=urgent,
                                                roles=",".join(sorted(stage.roles)), status="done", opened_at=at,
                                                due_at=at + stage.deadline, closed_at=at + timedelta(minutes=i)))
                    rows[SignOff].append(dict(draft_id=draft_id, revision=1, content_hash=digest, stage=stage.name,
                                              user_id=self.people[user].id if user != "system" else self.system_id,
                                              decision="approve", comment="", at=at + timedelta(minutes=i)))
                    self._audit(rows, draft_id, user, "stage.signed", {"stage": stage.name, "content_hash": digest},
                                at + timedelta(minutes=i))
                elif step_open is None or stage.group is not None and stage.group == step_open:
                    step_open = stage.group or stage.name
                    due = at + (stage.urgent_deadline if urgent else stage.deadline)
                    rows[StageTask].append(dict(draft_id=draft_id, revision=1, stage=stage.name, urgent=urgent,
                                                roles=",".join(sorted(stage.roles)), status="open", opened_at=at,
                                                due_at=due))
                    if stage.name in waiting:
                        waiting[stage.name].append(draft_id)
                else:
                    break
        return rows

    def _signers(self, draft_id: int) -> dict[str, str]:
        p = self.rng.sample(range(1, 7), 3)
        r = self.rng.sample(range(1, 7), 2)
        return {"机器预审": "system", "一校": f"p{p[0]}", "初审": f"r{r[0]}", "二校": f"p{p[1]}",
                "复审": f"r{r[1]}", "保密审查": "sec", "三校": f"p{p[2]}", "终审": "leader"}

    def _audit(self, rows, draft_id: int, actor: str, action: str, payload: dict, at: datetime) -> None:
        self.seq += 1
        at_text = format_at(at)
        digest = event_hash(seq=self.seq, at=at_text, actor=actor, action=action, draft_id=draft_id,
                            payload=payload, prev_hash=self.prev)
        rows[AuditEvent].append(dict(seq=self.seq, at=at, actor=actor, action=action, draft_id=draft_id,
                                     payload=payload, prev_hash=self.prev, hash=digest))
        self.prev = digest

    def _system_id(self) -> int:
        with transaction(self.ctx.engine) as s:
            uid = s.scalar(select(User.id).where(User.name == "system"))
            if uid is None:
                user = User(name="system", display="系统", roles="", active=False, created_at=T0)
                s.add(user)
                s.flush()
                uid = user.id
        return uid


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sanshen-bench-"))
    try:
        run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(args: argparse.Namespace, home: Path) -> None:
    url = args.db or f"sqlite:///{home / 'sanshen.db'}"
    ctx = AppContext.open(Settings(home=home, db_url=url))
    people = {name: users.add_user(ctx, None, name, roles, now=T0)[0] for name, roles in TEAM.items()}

    t = time.perf_counter()
    waiting = Generator(ctx, people, args.drafts).run()
    print(f"database: {ctx.engine.dialect.name}; generated {args.drafts:,} drafts in {time.perf_counter() - t:.1f} s "
          f"({sum(map(len, waiting.values())):,} in review)")
    now = T0 + timedelta(days=80)
    k = args.samples

    queue_times = [timed(lambda: drafts.queue(ctx, people["r3"], now=now)) for _ in range(k)]
    print(f"queue (reviewer r3, {len(drafts.queue(ctx, people['r3'], now=now))} shown): "
          f"p50 {statistics.median(queue_times) * 1000:.1f} ms, p95 {p95(queue_times):.1f} ms (target ≤ 50)")

    sign_times, return_times = [], []
    for draft_id in waiting["一校"][:k]:
        seen = drafts.show(ctx, people["p1"], draft_id, now=now).content_hash  # what the signer read
        sign_times.append(timed(lambda: drafts.sign(ctx, people["p1"], draft_id, expect_hash=seen, now=now)))
    for draft_id in waiting["初审"][:k]:
        return_times.append(timed(lambda: drafts.return_draft(ctx, people["r1"], draft_id, comment="请核实数据",
                                                              now=now)))
    print(f"sign: p50 {statistics.median(sign_times) * 1000:.1f} ms, p95 {p95(sign_times):.1f} ms; "
          f"return: p50 {statistics.median(return_times) * 1000:.1f} ms, p95 {p95(return_times):.1f} ms (target ≤ 20)")

    submit_times, pass_times = submits_and_passes(ctx, people["editor"], min(k, 100), now=now)
    print(f"submit (10,000 characters, stored as 检查中): p50 {statistics.median(submit_times) * 1000:.1f} ms, "
          f"p95 {p95(submit_times):.1f} ms (target ≤ 150); its automated pass in the worker: "
          f"p50 {statistics.median(pass_times) * 1000:.1f} ms, p95 {p95(pass_times):.1f} ms")

    t = time.perf_counter()
    report = audit.verify(ctx)
    elapsed = time.perf_counter() - t
    assert report.ok, report
    print(f"audit verify: {report.checked:,} events in {elapsed:.2f} s = {report.checked / elapsed:,.0f} events/s "
          f"(target ≥ 50,000)")
    ctx.close()


if __name__ == "__main__":
    main()
