"""How often words occur in real running text: the typo detector's corpus features.

jieba's dictionary says which words exist and how likely each is in its segmentation model; it
knows little of the words of today's official and news text (颜值, 视情, 可研, 脱硝, 垫资), and a
replacement that makes a dictionary word out of such a word looks like a fine correction. The counts
of a large corpus segmented by another tool (lexicon/data/typo/word_counts.tsv, from JioNLP) tell
how common the original reading is against the proposed one: a typo's reading (部暑, 建没) is rare
there, a real word is not.
"""

from __future__ import annotations

import math
from pathlib import Path

from lexicon.loader import DATA_DIR

WORD_COUNTS_FILE = DATA_DIR / "typo" / "word_counts.tsv"


def read_log_counts(path: Path = WORD_COUNTS_FILE) -> dict[str, float]:
    """``log(1 + count)`` of each word of ``path`` (word TAB count, # comments)."""
    table = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            word, count = line.rstrip("\n").split("\t")
            table[word] = math.log1p(int(count))
    return table

