"""The draft measurement of the general typo detector: typos planted into real published text.

    .venv/bin/python bench/typo_drafts.py [--rate 1000 --rate 3000] [--seed 2026] [--emit]

Published text has almost no typos left, so on it nearly every `typo.likely` warning is wrong
whatever the detector does; a draft, which is what the pass reads before sign-off, has some. This
plants them: into the tuning texts (bench/real_text.jsonl, bench/real_text_tune2.jsonl, never a
held-out file) one typo per RATE characters, at random (seeded) positions at least 5 characters
apart, each a substitution seen in ECSpell's *training* side (/work/shared/data/ecspell/odw.train.tsv:
every right → wrong character pair of its sentences, drawn by how often it occurs there). The full
Checker runs over the planted texts; of its `typo.likely` warnings a random sample of 50 (seeded; all
when fewer) is judged: a warning is right when it covers a planted position and suggests the planted
original there. Any other warning is looked up by hand: in the judged files of the unplanted texts
(bench/typo_real_text_judged.jsonl, bench/typo_tune2_judged.jsonl) or in bench/typo_drafts_judged.jsonl
(a planted typo found with another suggestion, a warning the plant caused next to it …); those not
judged yet are listed. Prints "x of 10 right" per rate, and the recall of the planted typos.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sanshen.checker import load_default_checker  # noqa: E402

HERE = Path(__file__).resolve().parent
SUITES = (HERE / "real_text.jsonl", HERE / "real_text_tune2.jsonl")
JUDGED = (HERE / "typo_real_text_judged.jsonl", HERE / "typo_tune2_judged.jsonl", HERE / "typo_drafts_judged.jsonl")
ECSPELL_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell" / "odw.train.tsv"
RULE = "typo.likely"
SAMPLE = 50
MIN_APART = 5


@dataclass(frozen=True, slots=True)
class Plant:
    offset: int
    original: str
    typo: str


def confusion_pairs(path: Path) -> dict[str, Counter[str]]:
    """right character -> the wrong ones written for it in ECSpell's training sentences, counted."""
    pairs: dict[str, Counter[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        _, wrong, right = line.split("\t")
        if len(wrong) == len(right):
            for w, r in zip(wrong, right):
                if w != r:
                    pairs.setdefault(r, Counter())[w] += 1
    return pairs


def plant(text: str, rate: int, pairs: dict[str, Counter[str]], rng: random.Random) -> tuple[str, list[Plant]]:
    """``text`` with about one typo per ``rate`` characters (at least one chance per text: the
    count is drawn so that the expected number is len(text) / rate)."""
    expected = len(text) / rate
    count = int(expected) + (rng.random() < expected - int(expected))
    positions = [k for k, ch in enumerate(text) if ch in pairs]
    rng.shuffle(positions)
    chosen: list[int] = []
    for k in positions:
        if len(chosen) == count:
            break
        if all(abs(k - c) >= MIN_APART for c in chosen):
            chosen.append(k)
    chars = list(text)
    plants = []
    for k in sorted(chosen):
        wrongs = pairs[text[k]]
        typo = rng.choices(sorted(wrongs), weights=[wrongs[w] for w in sorted(wrongs)])[0]
        chars[k] = typo
        plants.append(Plant(k, text[k], typo))
    return "".join(chars), plants


def key(doc: str, offset: int, flagged: str, suggestion: str) -> tuple[str, int, str, str]:
    return (doc, offset, flagged, suggestion)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, action="append", help="one planted typo per this many characters")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--emit", action="store_true", help="print the warnings to judge as rows")
    args = ap.parse_args()
    rates = args.rate or [1000, 3000]
    docs = [json.loads(line) for suite in SUITES for line in suite.read_text(encoding="utf-8").splitlines()]
    pairs = confusion_pairs(ECSPELL_TRAIN)
    judged = {}
    for path in JUDGED:
        if path.exists():
            for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
                judged[key(row["doc"], row["offset"], row["flagged"], row["suggestion"])] = row
    checker = load_default_checker()
    chars = sum(len(d["text"]) for d in docs)
    for rate in rates:
        rng = random.Random(f"{args.seed}-{rate}")
        warnings, planted, found = [], 0, 0
        for d in docs:
            text, plants = plant(d["text"], rate, pairs, rng)
            planted += len(plants)
            at = {p.offset: p for p in plants}
            hit = set()
            for f in checker.check(text).findings:
                if f.rule != RULE:
                    continue
                mine = [at[k] for k in range(f.start, f.end) if k in at]
                right = any((f.suggestion or "")[p.offset - f.start : p.offset - f.start + 1] == p.original for p in mine)
                hit.update(p.offset for p in mine)
                warnings.append({"doc": d["id"], "offset": f.start, "flagged": f.text, "suggestion": f.suggestion or "",
                                 "planted": [f"{p.original}>{p.typo}" for p in mine], "right": right or None,
                                 "context": text[max(0, f.start - 8) : f.start] + "[" + f.text + "]" + text[f.end : f.end + 8]})
            found += len(hit)
        rng_sample = random.Random(f"{args.seed}-sample-{rate}")
        sample = warnings if len(warnings) <= SAMPLE else rng_sample.sample(warnings, SAMPLE)
        right = unjudged = 0
        pending = []
        for w in sample:
            if w["right"]:
                right += 1
                continue
            row = judged.get(key(w["doc"], w["offset"], w["flagged"], w["suggestion"]))
            if row is None:
                unjudged += 1
                pending.append(w)
            elif row["right"]:
                right += 1
        wrong = len(sample) - right - unjudged
        print(f"rate 1/{rate}: {planted} typos planted in {len(docs)} excerpts ({chars} chars), "
              f"{found} found ({found / planted:.2f}); {len(warnings)} {RULE} warnings, sample {len(sample)}: "
              f"{right} right, {wrong} wrong, {unjudged} not judged"
              + (f" = {10 * right / (right + wrong):.1f} of 10 right" if right + wrong else ""))
        for w in pending:
            if args.emit:
                print(json.dumps({**w, "rate": rate, "right": None, "judgement": ""}, ensure_ascii=False))
            else:
                print(f"  not judged yet: {w['doc']} {w['context']} -> {w['suggestion']} (planted here: {w['planted']})")


if __name__ == "__main__":
    main()
