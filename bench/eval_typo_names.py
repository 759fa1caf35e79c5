"""The effect of sparing likely place and organisation names (checking/checks/names.py) on the
general typo detector, on the ECSpell official-document sentences, with the shipped weights.

    .venv/bin/python bench/eval_typo_names.py [--data PATH]

Sentence level, as bench/eval_typo.py counts it (a sentence is detected when a finding overlaps
a wrong character; a flagged sentence where none does is a false alarm), for the detector alone
(no protected spans, as bench/eval_typo.py runs it) without and with the names spared, and for
the whole automated pass (checking.check.Checker, typo findings only), which spares them; also the
distinct right sentences (clean text) that get a finding.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_typo import DEFAULT_DATA, Sentence, _f1, _ratio, load_sentences  # noqa: E402

from checking.checks.names import spare_names  # noqa: E402
from checking.checks.typo_general import find_likely_typos  # noqa: E402
from checking.findings import Category, Finding  # noqa: E402
from sanshen.checker import load_default_checker  # noqa: E402

Detector = Callable[[str], Sequence[Finding]]


def row(label: str, sentences: Sequence[Sentence], clean: Sequence[str], detect: Detector) -> str:
    flagged = hit = 0
    for s in sentences:
        found = detect(s.text)
        flagged += bool(found)
        hit += any(k in s.errors for f in found for k in range(f.start, f.end))
    with_errors = sum(bool(s.errors) for s in sentences)
    p, r = _ratio(hit, flagged), _ratio(hit, with_errors)
    clean_flagged = sum(bool(detect(t)) for t in clean)
    return (f"{label:<34} sentence P {p:.3f} R {r:.3f} F1 {_f1(p, r):.3f} ({hit}/{flagged} flagged, "
            f"{with_errors} with errors) | clean sentences flagged {clean_flagged}/{len(clean)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    checker = load_default_checker()
    model = checker.typo_model
    sentences, _ = load_sentences(args.data)
    clean = sorted({s.right for s in sentences})
    print(row("detector alone", sentences, clean, lambda t: find_likely_typos(t, (), model)))
    print(row("detector alone, names spared", sentences, clean,
              lambda t: spare_names(t, find_likely_typos(t, (), model), model)))
    print(row("automated pass (typo findings)", sentences, clean,
              lambda t: checker.check(t, only=(Category.TYPO,)).findings))


if __name__ == "__main__":
    main()
