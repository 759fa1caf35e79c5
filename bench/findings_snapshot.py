"""Every finding of the full pass over a fixed set of texts, written out to compare before and after a
change that must not change results (prints a digest; not a test).

    .venv/bin/python bench/findings_snapshot.py OUT.jsonl [--mb 1]

The texts: the speed corpus of bench/speed_checks.py (seed 7, ``--mb`` of it), the real text used for
tuning (bench/real_text.jsonl, real_text_tune2/3, real_text_names; never a held-out file), the drafts
of bench/typo_drafts.py (typos planted into its suites at its default seed and rates), the held-out
suite and the planted suites of bench/eval_checks.py's sentences. ``diff`` two outputs
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

from bench import typo_drafts  # noqa: E402
from bench.corpus import clean_sentences  # noqa: E402
from bench.speed_checks import build_corpus  # noqa: E402
from sanshen.checker import load_default_checker  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUNING = tuple(ROOT / "bench" / f"{name}.jsonl" for name in ("real_text", "real_text_tune2", "real_text_tune3",
                                                              "real_text_names"))


def drafts(seed: int = 2026, rates: tuple[int, ...] = (1000, 3000)) -> list[tuple[str, str]]:
    """The planted texts bench/typo_drafts.py checks (same seed, rates and order)."""
    docs = [json.loads(line) for suite in typo_drafts.SUITES for line in suite.read_text(encoding="utf-8").splitlines()]
    pairs = typo_drafts.confusion_pairs(typo_drafts.ECSPELL_TRAIN)
    out = []
    for rate in rates:
        rng = random.Random(f"{seed}-{rate}")
        out += [(f"draft{rate}-{d['id']}", typo_drafts.plant(d["text"], rate, pairs, rng)[0]) for d in docs]
    return out


def texts(megabytes: float) -> list[tuple[str, str]]:
    out = [(f"speed-{i}", d) for i, d in enumerate(build_corpus(megabytes, random.Random(7)))]
    for path in (*TUNING, ROOT / "tests" / "data" / "heldout" / "heldout.jsonl"):
        with path.open(encoding="utf-8") as fh:
            out += [(f"{path.stem}-{row['id']}", row["text"]) for row in map(json.loads, fh)]
    out += drafts()
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
