"""Every `typo.likely` warning on all the real published text usable for tuning, judged or not.

    .venv/bin/python bench/typo_real_all.py [--show] [--unjudged-only]

Runs the full Checker over the excerpt sets that are open for tuning (real_text, tune2, tune3,
names and the four held-out sets already run once: heldout … heldout4) and looks each warning up in
the judged files of all of them (a warning judged once is judged wherever it recurs: same document,
offset, flagged text and suggestion). Prints, per set and in total, characters, warnings (per 10,000
characters), right ones and warnings not judged yet. Never reads bench/real_text_heldout5.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sanshen.checker import load_default_checker  # noqa: E402

HERE = Path(__file__).resolve().parent
SETS = (
    ("real_text", "real_text.jsonl", "typo_real_text_judged.jsonl"),
    ("tune2", "real_text_tune2.jsonl", "typo_tune2_judged.jsonl"),
    ("tune3", "real_text_tune3.jsonl", "typo_tune3_judged.jsonl"),
    ("names", "real_text_names.jsonl", "typo_names_judged.jsonl"),
    ("heldout", "real_text_heldout.jsonl", "typo_heldout_judged.jsonl"),
    ("heldout2", "real_text_heldout2.jsonl", "typo_heldout2_judged.jsonl"),
    ("heldout3", "real_text_heldout3.jsonl", "typo_heldout3_judged.jsonl"),
    ("heldout4", "real_text_heldout4.jsonl", "typo_heldout4_judged.jsonl"),
)
JUDGED_ALSO = ("typo_judged.jsonl",)  # older rows of real_text (doc, offset, flagged, suggestion)
RULE = "typo.likely"


def key(row: dict) -> tuple[str, int, str, str]:
    return (row["doc"], row["offset"], row["flagged"], row["suggestion"])


def judged_rows() -> dict[tuple[str, int, str, str], dict]:
    rows = {}
    for name in [j for _, _, j in SETS] + list(JUDGED_ALSO):
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.setdefault(key(row), row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print every warning with its judgement")
    ap.add_argument("--unjudged-only", action="store_true", help="print only the warnings not judged yet")
    args = ap.parse_args()
    judged = judged_rows()
    checker = load_default_checker()
    total_chars = total_warn = total_right = total_unjudged = 0
    for label, suite, _ in SETS:
        docs = [json.loads(line) for line in (HERE / suite).read_text(encoding="utf-8").splitlines()]
        chars = sum(len(d["text"]) for d in docs)
        warn = right = unjudged = 0
        for d in docs:
            text = d["text"]
            for f in checker.check(text).findings:
                if f.rule != RULE:
                    continue
                warn += 1
                row = judged.get((d["id"], f.start, f.text, f.suggestion or ""))
                context = text[max(0, f.start - 8) : f.start] + "[" + f.text + "]" + text[f.end : f.end + 8]
                if row is None:
                    unjudged += 1
                    mark = "?"
                else:
                    right += bool(row["right"])
                    mark = "R" if row["right"] else "x"
                if args.show or (args.unjudged_only and row is None):
                    print(f"  {mark} {label:8} {d['id']:12} {context} -> {f.suggestion}")
        print(f"{label:8} {chars:7} chars  {warn:3} warnings ({warn / chars * 10_000:.2f}/10k)  "
              f"{right} right  {unjudged} not judged")
        total_chars += chars
        total_warn += warn
        total_right += right
        total_unjudged += unjudged
    print(f"{'all':8} {total_chars:7} chars  {total_warn:3} warnings ({total_warn / total_chars * 10_000:.2f}/10k)  "
          f"{total_right} right  {total_unjudged} not judged")


if __name__ == "__main__":
    main()
