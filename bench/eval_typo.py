"""Evaluate (and refit) the general typo detector on the ECSpell official-document sentences.

    .venv/bin/python bench/eval_typo.py [--data PATH] [--folds 5] [--seed 7] [--fit]

Prints, at sentence level (a sentence is detected when a finding overlaps a wrong character; a
finding that overlaps none is a false positive), strictly (the findings are exactly the wrong
characters) and at character level: precision, recall, F1 and the share of clean sentences that
get a warning —
  * with the shipped weights (lexicon/data/typo/weights.tsv) on the whole set: figures that
    flatter, since those weights were fitted on it;
  * under grouped k-fold cross-validation: weights and threshold fitted on the other folds,
    near-duplicate sentences (sharing an 8-character run) always in the same fold;
  * on a planted suite: every distinct clean sentence, and a copy with one confusion-set
    substitution planted at random (seeded);
and the throughput of the full detector. ``--fit`` refits the weights on all sentences and
writes them to lexicon/data/typo/weights.tsv.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checking.checks.typo_general import (  # noqa: E402
    Suspect,
    find_likely_typos,
    han_runs,
    reported,
    suspects_by_run,
)
from lexicon.typo_model import TypoModel  # noqa: E402
from lexicon.typo_scoring import FEATURES, WEIGHTS_FILE, Weights  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell" / "odw.train.tsv"
GROUP_SHINGLE = 8  # sentences sharing any 8-character run of Chinese are near-duplicates
TARGET_PRECISION = 0.9  # the threshold is set for this sentence precision on the fitting data
L2 = 1.0  # ridge penalty of the logistic fit (on standardised features)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # as written (with its errors, if any)
    right: str
    errors: frozenset[int]  # offsets of the wrong characters


@dataclass(frozen=True, slots=True)
class Scored:
    sentence: Sentence
    runs: list[tuple[int, list[Suspect]]]


@dataclass(frozen=True, slots=True)
class Metrics:
    sentences: int
    with_errors: int
    flagged: int
    hit: int  # sentences with errors where a finding overlaps a wrong character
    flagged_clean: int  # sentences without errors that got any finding
    exact: int  # sentences whose findings cover exactly their wrong characters
    findings: int
    findings_on_errors: int
    corrected: int  # findings on errors whose suggestion is the right text
    wrong_chars: int
    wrong_chars_found: int

    @property
    def precision(self) -> float:
        return _ratio(self.hit, self.flagged) if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return _ratio(self.hit, self.with_errors)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def row(self, name: str) -> str:
        clean = self.sentences - self.with_errors
        ep, er = _ratio(self.exact, self.flagged), _ratio(self.exact, self.with_errors)
        cp, cr = _ratio(self.findings_on_errors, self.findings), _ratio(self.wrong_chars_found, self.wrong_chars)
        return (
            f"{name:<26} sentence P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} | "
            f"strict P {ep:.3f} R {er:.3f} F1 {_f1(ep, er):.3f} | "
            f"char P {cp:.3f} R {cr:.3f} F1 {_f1(cp, cr):.3f} "
            f"corrected {_ratio(self.corrected, self.findings_on_errors):.3f} | "
            f"clean sentences flagged {self.flagged_clean}/{clean} ({_ratio(self.flagged_clean, clean):.1%})"
        )


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
    return [Scored(s, suspects_by_run(s.text, (), model)) for s in sentences]


def measure(scored: Sequence[Scored], weights_of) -> Metrics:
    """Figures when sentence k is judged with ``weights_of(k)``."""
    n = dict(with_errors=0, flagged=0, hit=0, flagged_clean=0, exact=0, findings=0,
             findings_on_errors=0, corrected=0, wrong_chars=0, wrong_chars_found=0)  # fmt: skip
    for k, item in enumerate(scored):
        s = item.sentence
        found = reported(item.runs, weights_of(k))
        covered = {off + d for off, sus in found for d in range(sus.end - sus.start)}
        on_errors = [(off, sus) for off, sus in found if any(off + d in s.errors for d in range(sus.end - sus.start))]
        n["wrong_chars"] += len(s.errors)
        n["wrong_chars_found"] += len(s.errors & covered)
        n["findings"] += len(found)
        n["findings_on_errors"] += len(on_errors)
        n["corrected"] += sum(s.right[off : off + len(sus.replacement)] == sus.replacement for off, sus in on_errors)
        n["with_errors"] += bool(s.errors)
        n["flagged"] += bool(found)
        n["hit"] += bool(on_errors)
        n["flagged_clean"] += bool(found) and not s.errors
        n["exact"] += bool(s.errors) and covered == s.errors
    return Metrics(sentences=len(scored), **n)


def fit(scored: Sequence[Scored]) -> Weights:
    """Logistic regression (Newton's method, ridge) of "this suspect overlaps a wrong character",
    then the threshold with the best sentence F1 among those reaching TARGET_PRECISION."""
    rows, labels = [], []
    for item in scored:
        for run_start, suspects in item.runs:
            for s in suspects:
                rows.append(s.features)
                labels.append(float(any(run_start + k in item.sentence.errors for k in range(s.start, s.end))))
    d = len(FEATURES)
    mean = [sum(r[j] for r in rows) / len(rows) for j in range(d)]
    spread = [math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / len(rows)) or 1.0 for j in range(d)]
    z = [[1.0] + [(r[j] - mean[j]) / spread[j] for j in range(d)] for r in rows]
    beta = [0.0] * (d + 1)
    for _ in range(25):
        grad = [0.0 if j == 0 else -L2 * beta[j] for j in range(d + 1)]
        hess = [[(L2 if i == j and i > 0 else 0.0) for j in range(d + 1)] for i in range(d + 1)]
        for x, y in zip(z, labels):
            p = 1.0 / (1.0 + math.exp(-max(-35.0, min(35.0, sum(b * v for b, v in zip(beta, x))))))
            w = p * (1.0 - p)
            for i in range(d + 1):
                grad[i] += (y - p) * x[i]
                wx = w * x[i]
                row = hess[i]
                for j in range(i + 1):
                    row[j] += wx * x[j]
        for i in range(d + 1):
            for j in range(i + 1, d + 1):
                hess[i][j] = hess[j][i]
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    coefficients = tuple(beta[j + 1] / spread[j] for j in range(d))
    bias = beta[0] - sum(c * m for c, m in zip(coefficients, mean))
    return Weights(bias=bias, coefficients=coefficients, threshold=_best_threshold(scored, bias, coefficients),
                   floor=Weights.load().floor)  # the margin set on real text applies to every fit


def _best_threshold(scored: Sequence[Scored], bias: float, coefficients: tuple[float, ...]) -> float:
    best_t, best_f1 = 4.0, -1.0
    for step in range(-16, 33):
        t = step / 8
        m = measure(scored, lambda _k, w=Weights(bias, coefficients, t): w)
        if m.precision >= TARGET_PRECISION and m.f1 > best_f1:
            best_t, best_f1 = t, m.f1
    return best_t


def cross_validate(
    scored: Sequence[Scored], groups: Sequence[int], folds: int, seed: int
) -> tuple[Metrics, list[Weights]]:
    distinct = sorted(set(groups))
    random.Random(seed).shuffle(distinct)
    fold_of_group = {g: k % folds for k, g in enumerate(distinct)}
    fitted = [fit([item for item, g in zip(scored, groups) if fold_of_group[g] != f]) for f in range(folds)]
    return measure(scored, lambda k: fitted[fold_of_group[groups[k]]]), fitted


def planted_suite(sentences: Sequence[Sentence], model: TypoModel, seed: int) -> list[Sentence]:
    """Each distinct clean sentence twice: as is, and with one confusion-set substitution planted."""
    rng = random.Random(seed)
    suite = []
    for right in sorted({s.right for s in sentences}):
        suite.append(Sentence(right, right, frozenset()))
        positions = [k for start, run in han_runs(right) for k in range(start, start + len(run))]
        rng.shuffle(positions)
        for k in positions:
            pool = sorted(model.candidates.chars_of(right[k]))
            if pool:
                suite.append(Sentence(right[:k] + rng.choice(pool) + right[k + 1 :], right, frozenset([k])))
                break
    return suite


def throughput(texts: Sequence[str], model: TypoModel, repeat: int = 3) -> float:
    blob = "\n".join(texts)
    began = time.process_time()  # CPU time: the machine is shared
    for _ in range(repeat):
        find_likely_typos(blob, (), model)
    return len(blob.encode("utf-8")) * repeat / (time.process_time() - began) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fit", action="store_true", help=f"refit the weights on all sentences into {WEIGHTS_FILE}")
    args = parser.parse_args()

    began = time.perf_counter()
    model = TypoModel.load()
    print(f"TypoModel.load(): {time.perf_counter() - began:.2f} s")
    sentences, skipped = load_sentences(args.data)
    groups = near_duplicate_groups(sentences)
    print(
        f"{len(sentences)} sentences, {sum(bool(s.errors) for s in sentences)} with errors "
        f"({sum(len(s.errors) for s in sentences)} wrong characters; "
        f"{skipped} line that is not a substitution skipped); "
        f"{len(set(groups))} near-duplicate groups"
    )
    scored = score_all(sentences, model)

    cv, fitted = cross_validate(scored, groups, args.folds, args.seed)
    print(cv.row(f"grouped {args.folds}-fold CV"))
    print("  thresholds per fold:", ", ".join(f"{w.threshold:.2f}" for w in fitted))
    if args.fit:
        weights = fit(scored)
        header = (
            "Weights of the general typo detector (lexicon/typo_scoring.py), fitted by\n"
            f"bench/eval_typo.py --fit on {args.data.name}; threshold for sentence precision {TARGET_PRECISION}."
        )
        weights.dump(WEIGHTS_FILE, header)
        model = model.with_weights(weights)
        print(f"weights written to {WEIGHTS_FILE}")
    print(measure(scored, lambda _k: model.weights).row("shipped weights (in-sample)"))
    rights = sorted({s.right for s in sentences})
    clean = measure(score_all([Sentence(r, r, frozenset()) for r in rights], model), lambda _k: model.weights)
    chars = sum(len(r) for r in rights)
    print(
        f"{'distinct right sentences':<26} flagged {clean.flagged_clean}/{clean.sentences} "
        f"({_ratio(clean.flagged_clean, clean.sentences):.1%}); {clean.findings} findings in {chars} characters "
        f"({clean.findings / chars * 10000:.1f} per 10,000)"
    )
    planted = score_all(planted_suite(sentences, model, args.seed), model)
    print(measure(planted, lambda _k: model.weights).row("planted suite"))
    print(
        f"throughput (full detector, one core, CPU time): clean sentences {throughput(rights, model):.2f} MB/s, "
        f"sentences as written {throughput([s.text for s in sentences], model):.2f} MB/s"
    )


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are 14 x 14)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    main()
