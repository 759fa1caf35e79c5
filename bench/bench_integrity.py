"""Integrity monitor over a large site, as a ratio to `sha256sum` over the same files (goal ≤ 2×).

    .venv/bin/python bench/bench_integrity.py [N]

Generates N published pages (default 100,000; real pages as flows/site.py renders them, spread over
20 columns) into a temporary site folder with its manifest, records them in a temporary SQLite
database as publication does (sitefile rows, bytes included), then times in the same run, warm
cache, alternating, best of 3 each:
- `find SITE -type f -print0 | xargs -0 sha256sum` (the baseline: hash every file once);
- `flows.integrity.check` (walk the folder, read the record, read and hash every recorded file,
  compare the manifest; nothing wrong, so no second pass).
Prints its figures.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flows import integrity
from flows.site import PAGE, ManifestEntry, SiteItem, StaticSite, item_path, manifest_bytes, render_item, sha256_hex
from flows.site_store import make_dirs
from storage.db import make_engine, transaction, upgrade
from storage.models import SiteFile

BODY = ("区政府召开全体会议，研究部署今冬明春安全生产工作。会议强调，要压实责任，确保群众安全。\n" * 12)


def generate(root: Path, engine, n: int) -> None:
    make_dirs(root / "items")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    manifest: dict[int, ManifestEntry] = {}
    rows: list[SiteFile] = []
    for i in range(1, n + 1):
        at = (start + timedelta(minutes=i)).isoformat()
        item = SiteItem(draft_id=i, revision=1, title=f"第{i}号通知：关于做好安全生产工作的通知",
                        body=BODY, column=f"栏目{i % 20}", content_hash=f"{i:064x}", published_at=at)
        data = render_item(item).encode("utf-8")
        path = item_path(i)
        (root / path).write_bytes(data)
        digest = sha256_hex(data)
        manifest[i] = ManifestEntry(item.content_hash, path, at, 1, item.title, item.column, digest)
        rows.append(SiteFile(path=path, kind=PAGE, draft_id=i, sha256=digest, size=len(data), data=data,
                             recorded_at=start))
        if len(rows) == 5_000:
            _insert(engine, rows)
            rows = []
    _insert(engine, rows)
    (root / "manifest.json").write_bytes(manifest_bytes(manifest))


def _insert(engine, rows: list[SiteFile]) -> None:
    with transaction(engine) as s:
        s.add_all(rows)


def _sha256sum(root: Path) -> float:
    t = time.perf_counter()
    subprocess.run(f"find {root} -type f -print0 | xargs -0 sha256sum > /dev/null", shell=True, check=True)
    return time.perf_counter() - t


def _check(engine, site: StaticSite) -> tuple[float, integrity.IntegrityReport]:
    t = time.perf_counter()
    report = integrity.check(engine, site)
    return time.perf_counter() - t, report


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = Path(tempfile.mkdtemp(prefix="bench-integrity-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine)
    root = tmp / "site"
    t0 = time.perf_counter()
    generate(root, engine, n)
    total = sum(f.stat().st_size for f in (root / "items").iterdir())
    print(f"generated {n:,} pages ({total / 1e6:.0f} MB) and their records in {time.perf_counter() - t0:.1f} s")
    site = StaticSite(root)
    base, ours = [], []
    for _ in range(3):
        base.append(_sha256sum(root))
        took, report = _check(engine, site)
        assert report.ok and report.checked == n, report.problems[:3]
        ours.append(took)
    b, o = min(base), min(ours)
    print(f"sha256sum (find | xargs):  best {b:.2f} s  ({n / b:,.0f} files/s)  runs {', '.join(f'{x:.2f}' for x in base)}")
    print(f"integrity.check:           best {o:.2f} s  ({n / o:,.0f} files/s)  runs {', '.join(f'{x:.2f}' for x in ours)}")
    print(f"ratio integrity / sha256sum: {o / b:.2f}×  (goal ≤ 2×)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load {os.getloadavg()[0]:.1f}")
    # one page tampered: found on the first pass, confirmed under the lock
    page = root / item_path(n // 2)
    page.write_bytes(page.read_bytes().replace("压实责任".encode(), "放松责任".encode()))
    took, report = _check(engine, site)
    assert [p.path for p in report.problems] == [item_path(n // 2)]
    print(f"one tampered page found (with its diff) in {took:.2f} s")
    engine.dispose()
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
