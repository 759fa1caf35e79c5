"""Held-out precision of the general typo detector on real published text nobody here tuned on.

    .venv/bin/python bench/typo_heldout.py [--emit] [--suite FILE --judged FILE]

(bench/real_text_heldout2.jsonl with bench/typo_heldout2_judged.jsonl is a second held-out set of
84 excerpts, 40,265 characters, collected before the changes of issue 9's second round and run
once after them. bench/real_text_heldout3.jsonl is a third held-out set of 119 excerpts, 48,326
characters from 108 pages, collected on 2026-11-30 while issue 9's third round was being tuned
(three excerpts from two pages also in bench/real_text_tune3.jsonl were removed) and run once after it.
bench/real_text_heldout4.jsonl is a fourth held-out set of 100 excerpts, 46,112 characters from 100 pages,
collected on 2026-11-30 for issue 9 and run once after its fourth round; judged in
bench/typo_heldout4_judged.jsonl.
bench/real_text_heldout5.jsonl is a fifth held-out set of 115 excerpts, 49,987 characters from 115 pages,
collected on 2026-11-30 for issue 9 (sources and 30-character windows checked against every other set)
and run once after its fifth round; judged in bench/typo_heldout5_judged.jsonl.
bench/real_text_heldout6.jsonl is a sixth held-out set of 116 excerpts, 50,864 characters from 116 pages,
collected on 2026-11-30 for issue 9 (sources and 30-character windows checked against every other set,
no checker run on it while collecting) and run once after issue 9's sixth round; judged in bench/typo_heldout6_judged.jsonl.
bench/real_text_heldout7.jsonl is a seventh held-out set of 121 excerpts, 45,478 characters from 121 pages,
collected on 2026-11-30 for issue 9 (sources and 30-character windows checked against every other set,
no checker run on it while collecting) and run once after it; judged in bench/typo_heldout7_judged.jsonl, its errors
in bench/heldout7_errors_judged.jsonl.)

bench/real_text_heldout.jsonl holds 105 excerpts of published government text (61,495 characters,
each with its address), collected for this measurement from documents that are not in
bench/real_text.jsonl; full-width punctuation was folded to ASCII by the store they came from, so
punctuation findings on them mean nothing. The pass runs over every excerpt; the `typo.likely`
warnings are sampled at random (seed 2026) down to 50 when there are more, and each sampled warning
is looked up in bench/typo_heldout_judged.jsonl, where it was judged by hand (right: a real typo).
Prints the precision of the judged sample, warnings and error findings per 10,000 characters, and
any warning that has no judgement yet (a changed detector raises new ones: judge them before quoting
a precision). ``--emit`` prints the sampled warnings as judged-file rows with empty judgements.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checking.findings import Severity  # noqa: E402
from sanshen.checker import load_default_checker  # noqa: E402

HERE = Path(__file__).resolve().parent
SUITE = HERE / "real_text_heldout.jsonl"
JUDGED = HERE / "typo_heldout_judged.jsonl"
SAMPLE = 50
SEED = 2026
RULE = "typo.likely"


def key(row: dict) -> tuple[str, int, str, str]:
    return (row["doc"], row["offset"], row["flagged"], row["suggestion"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--emit", action="store_true", help="print the sample as rows to judge")
    ap.add_argument("--suite", type=Path, default=SUITE, help="the excerpts (default: real_text_heldout.jsonl)")
    ap.add_argument("--judged", type=Path, default=JUDGED, help="their judged warnings")
    args = ap.parse_args()
    docs = [json.loads(line) for line in args.suite.read_text(encoding="utf-8").splitlines()]
    checker = load_default_checker()
    chars = sum(len(d["text"]) for d in docs)
    warnings, errors = [], []
    for d in docs:
        text = d["text"]
        for f in checker.check(text).findings:
            if f.severity is Severity.ERROR:
                errors.append((d["id"], f.rule, text[max(0, f.start - 8) : f.end + 8]))
            if f.rule == RULE:
                warnings.append({"doc": d["id"], "source": d["source"], "offset": f.start, "flagged": f.text,
                                 "suggestion": f.suggestion or "",
                                 "context": text[max(0, f.start - 8) : f.start] + "[" + f.text + "]"
                                 + text[f.end : f.end + 8]})
    sample = warnings if len(warnings) <= SAMPLE else random.Random(SEED).sample(warnings, SAMPLE)
    if args.emit:
        for w in sample:
            print(json.dumps({**w, "right": None, "judgement": ""}, ensure_ascii=False))
        return
    judged = {key(r): r for r in map(json.loads, args.judged.read_text(encoding="utf-8").splitlines())}
    rows = [judged.get(key(w)) for w in sample]
    unjudged = [w for w, r in zip(sample, rows) if r is None]
    done = [r for r in rows if r is not None]
    right = sum(bool(r["right"]) for r in done)
    print(f"{len(docs)} excerpts, {chars} chars; {len(warnings)} {RULE} warnings "
          f"({len(warnings) / chars * 10_000:.1f} per 10,000 chars), sample {len(sample)} "
          f"({'all of them' if len(sample) == len(warnings) else f'seed {SEED}'})")
    if done:
        print(f"judged {len(done)}: {right} right, precision {right / len(done):.2f}")
    for w in unjudged:
        print(f"  not judged yet: {w['doc']} {w['context']} -> {w['suggestion']}")
    print(f"error findings: {len(errors)} = {len(errors) / chars * 10_000:.2f} per 10,000 chars")
    for e in errors:
        print(f"  {e[0]} {e[1]} {e[2]!r}")


if __name__ == "__main__":
    main()
