"""rjieba (jieba-rs) beside jieba as the segmenter of the checks (prints figures; not a test).

    .venv/bin/python bench/eval_rjieba.py [--mb 1]

On the texts of bench/findings_snapshot.py, compares rjieba's segmentation with the two the
checks use: jieba's ``Tokenizer.cut(text, HMM=False)`` (lexicon/words.py, formulation readings),
and the typo detector's best segmentation of each run of Chinese characters (jieba's dictionary
plus the official words, lexicon/typo_words.py, computed in lexicon/_segscore.c), rjieba given the
same added words; then the speed of each on the same text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.findings_snapshot import texts  # noqa: E402
from checking.checks.typo_general import han_runs  # noqa: E402
from lexicon.normalize import fold  # noqa: E402
from lexicon.typo_model import TypoModel  # noqa: E402
from lexicon.typo_words import OFFICIAL_FREQ, official_words, score_run  # noqa: E402
from lexicon.words import WordIndex  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0)
    args = parser.parse_args()
    import rjieba

    docs = [text for _, text in texts(args.mb)]
    chars = sum(map(len, docs))
    words = WordIndex.load()
    plain = rjieba.Jieba()
    model = TypoModel.load()
    official = rjieba.Jieba()
    for word in official_words():
        if not words.freq(word):
            official.add_word(word, OFFICIAL_FREQ, None)

    differ = sum(list(words.tokenizer.cut(d, HMM=False)) != plain.cut(d, False) for d in docs)
    print(f"{len(docs)} texts, {chars} characters")
    print(f"jieba Tokenizer.cut(HMM=False) vs rjieba cut(hmm=False): {differ} of {len(docs)} texts segmented differently")

    runs = [run for d in docs for _, run in han_runs(fold(d))]
    ours = [[run[a:b] for a, b in score_run(run, model.words).tokens] for run in runs]
    theirs = [official.cut(run, False) for run in runs]
    differing = [(run, o, t) for run, o, t in zip(runs, ours, theirs) if o != t]
    print(f"typo detector's segmentation vs rjieba with the official words: {len(differing)} of {len(runs)} runs differ")
    for run, o, t in differing[:5]:
        print(f"  {run}: {'/'.join(o)} | rjieba {'/'.join(t)}")

    def timed(label: str, run) -> None:
        best = min(_cpu(run) for _ in range(3))
        print(f"{label}: {chars / best / 1e6:.2f} M chars/s")

    import jieba

    jieba.initialize()
    timed("jieba.lcut (HMM on, the speed baseline)", lambda: [jieba.lcut(d) for d in docs])
    timed("jieba Tokenizer.cut(HMM=False)", lambda: [list(words.tokenizer.cut(d, HMM=False)) for d in docs])
    timed("rjieba cut(hmm=False)", lambda: [plain.cut(d, False) for d in docs])
    timed("typo detector's scores (C lattice, forward and backward, every run)",
          lambda: [score_run(run, model.words) for run in runs])


def _cpu(run) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


if __name__ == "__main__":
    main()
