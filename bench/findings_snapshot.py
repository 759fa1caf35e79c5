"""Every finding of the full pass over a fixed set of texts, written out to compare before and after a
change that must not change results (prints a digest; not a test).

    .venv/bin/python bench/findings_snapshot.py OUT.jsonl [--mb 1]

The texts: the speed corpus of bench/speed_checks.py (seed 7, ``--mb`` of it), bench/real_text.jsonl,
the held-out suite and the planted suites of bench/eval_checks.py's sentences. ``diff`` two outputs
(or compare the digests) to see whether anything changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import clean_sentences  # noqa: E402
from bench.speed_checks import build_corpus  # noqa: E402
from sanshen.checker import load_default_checker  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def texts(megabytes: float) -> list[tuple[str, str]]:
    out = [(f"speed-{i}", d) for i, d in enumerate(build_corpus(megabytes, random.Random(7)))]
    for path in (ROOT / "bench" / "real_text.jsonl", ROOT / "tests" / "data" / "heldout" / "heldout.jsonl"):
        with path.open(encoding="utf-8") as fh:
            out += [(f"{path.stem}-{row['id']}", row["text"]) for row in map(json.loads, fh)]
    out += [(f"clean-{i}", s) for i, s in enumerate(clean_sentences())]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=1.0)
    args = parser.parse_args()
    checker = load_default_checker()
    digest = hashlib.blake2b(digest_size=16)
    count = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for name, text in texts(args.mb):
            report = checker.check(text)
            line = json.dumps({"id": name, "findings": [f.to_dict() for f in report.findings]}, ensure_ascii=False)
            fh.write(line + "\n")
            digest.update(line.encode())
            count += len(report.findings)
    print(f"{count} findings, digest {digest.hexdigest()}")


if __name__ == "__main__":
    main()
