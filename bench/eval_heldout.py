"""Evaluation on the held-out suite (tests/data/heldout/heldout.jsonl; prints figures, not a test).

    .venv/bin/python bench/eval_heldout.py [--suite FILE.jsonl] [--misses] [--no-typo-model]

Recall per category (an error finding of that category overlapping the target; for
formulation also the canonical form as suggestion), error findings on look-alikes, error
findings per 10,000 characters of clean text and typo warnings per 100 clean sentences.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checking.check import Checker  # noqa: E402
from checking.findings import Category, Finding, Severity  # noqa: E402
from lexicon.loader import load_lexicon  # noqa: E402
from sanshen.checker import load_default_checker  # noqa: E402

SUITE = Path(__file__).resolve().parents[1] / "tests" / "data" / "heldout" / "heldout.jsonl"


def hit(row: dict, findings: tuple[Finding, ...]) -> bool:
    start = row["text"].index(row["target"])
    end = start + len(row["target"])
    for f in findings:
        if f.category != Category(row["category"]) or f.severity is not Severity.ERROR:
            continue
        if f.start < end and start < f.end and (row["suggestion"] is None or f.suggestion == row["suggestion"]):
            return True
    return False


def show(f: Finding) -> str:
    return f"{f.category}/{f.rule} {f.text!r}→{f.suggestion!r}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="list every miss and false error")
    ap.add_argument("--suite", type=Path, default=SUITE, help="a .jsonl suite (default: heldout.jsonl)")
    ap.add_argument("--no-typo-model", action="store_true", help="skip the general typo detector")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.suite.read_text(encoding="utf-8").splitlines()]
    checker = Checker.build(load_lexicon()) if args.no_typo_model else load_default_checker()

    found, total = Counter(), Counter()
    false_errors: Counter = Counter()
    looks: Counter = Counter()
    clean_chars = clean_errors = clean_typo_sentences = clean_sentences = 0
    for row in rows:
        report = checker.check(row["text"])
        errors = [f for f in report.findings if f.severity is Severity.ERROR]
        cat = row["category"]
        if row["kind"] == "positive":
            total[cat] += 1
            if hit(row, report.findings):
                found[cat] += 1
            elif args.misses:
                print(f"MISS {row['id']}: {row['text']!r} target={row['target']!r} got={[show(f) for f in report.findings]}")
        elif row["kind"] == "lookalike":
            looks[cat] += 1
            if errors:
                false_errors[cat] += 1
                if args.misses:
                    print(f"FALSE {row['id']}: {row['text']!r} {[show(f) for f in errors]}")
        else:
            clean_sentences += 1
            clean_chars += len(row["text"])
            clean_errors += len(errors)
            if any(f.category is Category.TYPO for f in report.findings):
                clean_typo_sentences += 1
            if errors and args.misses:
                print(f"CLEAN-ERROR {row['id']}: {row['text']!r} {[show(f) for f in errors]}")
    print(f"suite: {args.suite.name}, {len(rows)} rows, lexicon {checker.version}")
    for cat in sorted(total):
        print(f"{cat:12s} recall {found[cat] / total[cat]:.3f} ({found[cat]}/{total[cat]})  "
              f"look-alikes with an error: {false_errors[cat]}/{looks[cat]}")
    if not clean_sentences:
        return
    print(f"clean text: {clean_chars} chars, {clean_errors} errors = {clean_errors * 10000 / clean_chars:.2f} per 10k chars")
    print(f"typo warnings: {clean_typo_sentences} of {clean_sentences} clean sentences "
          f"= {clean_typo_sentences * 100 / clean_sentences:.2f} per 100")


if __name__ == "__main__":
    main()
