"""Precision of the general typo detector's warnings on real published text, judged by hand.

    .venv/bin/python bench/typo_judged.py

bench/typo_judged.jsonl holds every `typo.likely` warning that the detector of `main` before this
change and the detector after it raised on 24,450 characters of real published text (the 34
excerpts of bench/real_text.jsonl and 6 excerpts of government pages, 3,259 characters, whose
addresses are in the file), each with a short context, the hand judgement (right: a real typo) and
the reason. Prints, per detector, the warnings, how many were right, and warnings per 10,000
characters.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

JUDGED = Path(__file__).resolve().parent / "typo_judged.jsonl"
CHARS = 24_450


def main() -> None:
    by: dict[str, list[dict]] = defaultdict(list)
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by[row["detector"]].append(row)
    for detector, rows in by.items():
        right = sum(r["right"] for r in rows)
        print(f"{detector}: {len(rows)} warnings, {right} right (precision {right / len(rows):.2f}), "
              f"{len(rows) / CHARS * 10_000:.1f} warnings per 10,000 characters")


if __name__ == "__main__":
    main()
