"""Evaluate the general typo detector on the ECSpell official-document sentences.

    .venv/bin/python bench/eval_typo.py [--data PATH] [--folds 5] [--seed 7]

Prints sentence-level and character-level precision/recall/F1 at the model's default threshold
and under grouped k-fold cross-validation of the threshold (near-duplicate sentences share a
group, so a sentence is never tuned on its own twin), the rate of clean sentences that get a
warning, the same figures on a planted suite (confusion-set substitutions planted at random in
the clean sentences), and the throughput of the full detector.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.checks.typo_general import TypoModel, find_likely_typos, han_runs, suspects_in_text  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell" / "odw.train.tsv"
GROUP_SHINGLE = 8  # sentences sharing any 8-character run of Chinese are near-duplicates
THRESHOLDS = [x / 2 for x in range(0, 41)]
MIN_PRECISION = 0.9  # what the threshold is tuned for on the training folds


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # as written (with its errors, if any)
    right: str
    errors: frozenset[int]  # offsets of the wrong characters


@dataclass(frozen=True, slots=True)
class Scored:
    sentence: Sentence
    gains: tuple[tuple[int, float, str], ...]  # (offset, gain, suggestion) of every suspect


@dataclass(frozen=True, slots=True)
class Metrics:
    sentences: int
    with_errors: int
    flagged: int
    hit: int  # sentences with errors where a finding overlaps a wrong character
    flagged_clean: int  # sentences without errors that got any finding
    exact: int  # sentences whose findings are exactly their wrong characters (SIGHAN detection)
    findings: int
    findings_on_errors: int
    corrected: int  # findings on errors whose suggestion is the right character
    wrong_chars: int

    def row(self, name: str) -> str:
        sp = _ratio(self.hit, self.flagged)
        sr = _ratio(self.hit, self.with_errors)
        cp = _ratio(self.findings_on_errors, self.findings)
        cr = _ratio(self.findings_on_errors, self.wrong_chars)
        clean = self.sentences - self.with_errors
        exact_p = _ratio(self.exact, self.flagged)
        exact_r = _ratio(self.exact, self.with_errors)
        return (
            f"{name:<28} sentence P {sp:.3f} R {sr:.3f} F1 {_f1(sp, sr):.3f} | "
            f"strict P {exact_p:.3f} R {exact_r:.3f} F1 {_f1(exact_p, exact_r):.3f} | "
            f"char P {cp:.3f} R {cr:.3f} F1 {_f1(cp, cr):.3f} corr {_ratio(self.corrected, self.findings_on_errors):.3f} | "
            f"clean flagged {self.flagged_clean}/{clean} ({_ratio(self.flagged_clean, clean):.1%})"
        )

    @property
    def sentence_f1(self) -> float:
        return _f1(_ratio(self.hit, self.flagged), _ratio(self.hit, self.with_errors))

    @property
    def sentence_precision(self) -> float:
        return _ratio(self.hit, self.flagged) if self.flagged else 1.0


def load_sentences(path: Path) -> tuple[list[Sentence], int]:
    sentences, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        _, wrong, right = line.split("\t")
        if len(wrong) != len(right):
            skipped += 1  # the split has one rewrite that is not a substitution
            continue
        errors = frozenset(k for k, (w, r) in enumerate(zip(wrong, right)) if w != r)
        sentences.append(Sentence(wrong, right, errors))
    return sentences, skipped


def near_duplicate_groups(sentences: Sequence[Sentence]) -> list[int]:
    parent = list(range(len(sentences)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[str, int] = {}
    for k, s in enumerate(sentences):
        for _, run in han_runs(s.right):
            for j in range(max(1, len(run) - GROUP_SHINGLE + 1)):
                shingle = run[j : j + GROUP_SHINGLE]
                if shingle in owner:
                    parent[root(k)] = root(owner[shingle])
                else:
                    owner[shingle] = k
    return [root(k) for k in range(len(sentences))]


def score_all(sentences: Sequence[Sentence], model: TypoModel) -> list[Scored]:
    return [
        Scored(s, tuple((off, sus.gain, sus.replacement) for off, sus in suspects_in_text(s.text, (), model)))
        for s in sentences
    ]


def measure(scored: Sequence[Scored], threshold_of: Callable[[int], float]) -> Metrics:
    counts = dict.fromkeys(
        ["with_errors", "flagged", "hit", "flagged_clean", "exact", "findings", "findings_on_errors", "corrected", "wrong_chars"], 0
    )
    for k, item in enumerate(scored):
        s = item.sentence
        t = threshold_of(k)
        flagged = {off: sugg for off, gain, sugg in item.gains if gain >= t}
        on_errors = [off for off in flagged if off in s.errors]
        counts["wrong_chars"] += len(s.errors)
        counts["findings"] += len(flagged)
        counts["findings_on_errors"] += len(on_errors)
        counts["corrected"] += sum(flagged[off] == s.right[off] for off in on_errors)
        counts["with_errors"] += bool(s.errors)
        counts["flagged"] += bool(flagged)
        counts["hit"] += bool(on_errors)
        counts["flagged_clean"] += bool(flagged) and not s.errors
        counts["exact"] += bool(s.errors) and set(flagged) == set(s.errors)
    return Metrics(sentences=len(scored), **counts)


def tune_threshold(scored: Sequence[Scored]) -> float:
    """The threshold with the best sentence F1 among those reaching MIN_PRECISION (else the strictest)."""
    best_t, best_f1 = THRESHOLDS[-1], -1.0
    for t in THRESHOLDS:
        m = measure(scored, lambda _k, t=t: t)
        if m.sentence_precision >= MIN_PRECISION and m.sentence_f1 > best_f1:
            best_t, best_f1 = t, m.sentence_f1
    return best_t


def cross_validate(scored: Sequence[Scored], groups: Sequence[int], folds: int, seed: int) -> tuple[Metrics, list[float]]:
    distinct = sorted(set(groups))
    random.Random(seed).shuffle(distinct)
    fold_of_group = {g: k % folds for k, g in enumerate(distinct)}
    chosen: dict[int, float] = {}
    for fold in range(folds):
        train = [item for item, g in zip(scored, groups) if fold_of_group[g] != fold]
        chosen[fold] = tune_threshold(train)
    metrics = measure(scored, lambda k: chosen[fold_of_group[groups[k]]])
    return metrics, [chosen[f] for f in range(folds)]


def planted_suite(sentences: Sequence[Sentence], model: TypoModel, seed: int) -> list[Sentence]:
    """Each distinct clean sentence twice: as is, and with one confusion-set substitution planted."""
    rng = random.Random(seed)
    rights = sorted({s.right for s in sentences})
    suite = []
    for right in rights:
        suite.append(Sentence(right, right, frozenset()))
        positions = [k for start, run in han_runs(right) for k in range(start, start + len(run))]
        rng.shuffle(positions)
        for k in positions:
            pool = sorted(model.candidates.of(right[k]))
            if pool:
                wrong_char = rng.choice(pool)
                suite.append(Sentence(right[:k] + wrong_char + right[k + 1 :], right, frozenset([k])))
                break
    return suite


def throughput(texts: Sequence[str], model: TypoModel, repeat: int = 3) -> float:
    blob = "\n".join(texts)
    size = len(blob.encode("utf-8")) * repeat
    began = time.perf_counter()
    for _ in range(repeat):
        find_likely_typos(blob, (), model)
    return size / (time.perf_counter() - began) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", action="store_true", help="print the figures at every threshold")
    args = parser.parse_args()

    began = time.perf_counter()
    model = TypoModel.load()
    print(f"TypoModel.load(): {time.perf_counter() - began:.2f} s")

    sentences, skipped = load_sentences(args.data)
    groups = near_duplicate_groups(sentences)
    print(
        f"{len(sentences)} sentences ({sum(bool(s.errors) for s in sentences)} with errors, "
        f"{sum(len(s.errors) for s in sentences)} wrong characters; {skipped} non-substitution line skipped), "
        f"{len(set(groups))} near-duplicate groups"
    )
    scored = score_all(sentences, model)
    clean = score_all([Sentence(r, r, frozenset()) for r in sorted({s.right for s in sentences})], model)

    if args.sweep:
        for t in THRESHOLDS:
            print(measure(scored, lambda _k, t=t: t).row(f"threshold {t:.1f}"))
    print(measure(scored, lambda _k: model.threshold).row(f"default threshold {model.threshold:.1f}"))
    cv, chosen = cross_validate(scored, groups, args.folds, args.seed)
    print(cv.row(f"grouped {args.folds}-fold CV"), "thresholds", chosen)
    print(measure(clean, lambda _k: model.threshold).row("distinct right sentences"))

    planted = score_all(planted_suite(sentences, model, args.seed), model)
    print(measure(planted, lambda _k: model.threshold).row("planted suite"))

    print(f"throughput: {throughput([s.text for s in sentences], model):.2f} MB/s (full detector, one core)")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    main()
