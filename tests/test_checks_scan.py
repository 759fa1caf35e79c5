"""``finditer_from`` finds what ``finditer`` finds, for the patterns the checks use it with."""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench.corpus import clean_sentences
from checking.checks import punctuation
from checking.checks.scan import finditer_from

ROOT = Path(__file__).resolve().parents[1]
USES = ((punctuation.HALF, punctuation.HALF_RUN), (punctuation.SPACE_BEFORE, punctuation.SPACE_RUN))


def test_same_matches_as_finditer() -> None:
    rng = random.Random(4)
    texts = list(clean_sentences())
    with (ROOT / "bench" / "real_text.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh]
    alphabet = ",;?!:() \t\u3000\u00a0，。、；：？！）》”’中国1a😀"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(3000)]
    found = 0
    for text in texts:
        for pattern, starts in USES:
            expected = [(m.span(), m.group()) for m in pattern.finditer(text)]
            assert [(m.span(), m.group()) for m in finditer_from(pattern, text, starts)] == expected, text
            found += len(expected)
    assert found > 1000
