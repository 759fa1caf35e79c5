"""Start-up cost of the command line and of the typo model (prints figures; not a test).

    .venv/bin/python bench/speed_startup.py [--runs 3] [--tree DIR]

Each figure is a fresh process: its CPU time (user + system) and peak RSS, the best of ``--runs``
by CPU time, so other load on the shared machine does not inflate them. "Cold" runs start with an
empty cache directory (XDG_CACHE_HOME), "warm" runs with the typo tables already cached. ``--tree``
measures another checkout of the project (e.g. an older commit unpacked with ``git archive``) with
this interpreter.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_CLI = "import sys; sys.argv[0] = 'sanshen'; from sanshen.cli import main; main()"
LOAD_TYPO = "from lexicon.typo_model import TypoModel; TypoModel.load()"
ONE_LINE = "我们要认真部署今年的工作，加强安全生产监督。\n"


@dataclass(frozen=True)
class Usage:
    cpu: float  # seconds, user + system
    peak_rss_mb: float


def run(args: list[str], *, cwd: Path, env: dict[str, str]) -> Usage:
    """One process to its end, with its own resource usage (not that of every child so far)."""
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Usage(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def best(args: list[str], runs: int, *, cwd: Path, env: dict[str, str], cold: bool = False) -> Usage:
    results = []
    for _ in range(runs):
        if cold:
            with tempfile.TemporaryDirectory() as cache:
                results.append(run(args, cwd=cwd, env={**env, "XDG_CACHE_HOME": cache}))
        else:
            results.append(run(args, cwd=cwd, env=env))
    return min(results, key=lambda u: u.cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=ROOT, help="project checkout to measure")
    opts = parser.parse_args()
    tree = opts.tree.resolve()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        home, cache, draft = Path(tmp, "home"), Path(tmp, "cache"), Path(tmp, "one-line.txt")
        draft.write_text(ONE_LINE, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(tree), "SANSHEN_HOME": str(home), "XDG_CACHE_HOME": str(cache)}
        cli = [python, "-c", RUN_CLI]
        subprocess.run([*cli, "init"], cwd=tree, env=env, check=True, capture_output=True)
        subprocess.run([python, "-c", LOAD_TYPO], cwd=tree, env=env, check=True)  # fills the cache
        rows = [
            ("sanshen --help", best([*cli, "--help"], opts.runs, cwd=tree, env=env)),
            ("sanshen user list (DB, no checker)", best([*cli, "user", "list"], opts.runs, cwd=tree, env=env)),
            ("sanshen check 1-line file, cold cache", best([*cli, "check", str(draft)], opts.runs, cwd=tree,
                                                           env=env, cold=True)),
            ("sanshen check 1-line file, warm cache", best([*cli, "check", str(draft)], opts.runs, cwd=tree,
                                                           env=env)),
            ("TypoModel.load() process, cold cache", best([python, "-c", LOAD_TYPO], opts.runs, cwd=tree, env=env,
                                                          cold=True)),
            ("TypoModel.load() process, warm cache", best([python, "-c", LOAD_TYPO], opts.runs, cwd=tree, env=env)),
        ]
    print(f"tree: {tree}  (best of {opts.runs}, fresh process each)")
    for name, usage in rows:
        print(f"{name:<42} {usage.cpu:6.2f} s CPU  {usage.peak_rss_mb:6.0f} MB peak RSS")


if __name__ == "__main__":
    main()
