"""Word boundaries and dictionary look-ups from jieba, loaded once per process and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jieba

try:  # jieba-rs: the same dictionary and the same segmentation (bench/eval_rjieba.py), an order faster
    import rjieba
except ImportError:  # pragma: no cover - depends on the install
    rjieba = None

jieba.setLogLevel(60)
SHORT_PIECE_COST = 500
VERB_FREQ = 500  # a verb at least this frequent in jieba's dictionary is a common one


@dataclass(frozen=True)
class WordIndex:
    tokenizer: jieba.Tokenizer
    fast: Any = field(default=None, repr=False, compare=False)  # an rjieba.Jieba, when installed

    @classmethod
    def load(cls) -> "WordIndex":
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return cls(tokenizer, rjieba.Jieba() if rjieba is not None else None)

    def cut(self, text: str) -> list[str]:
        """jieba's best segmentation of ``text`` by its dictionary alone (``cut(text, HMM=False)``)."""
        if self.fast is not None:
            return self.fast.cut(text, False)
        return list(self.tokenizer.cut(text, HMM=False))

    def freq(self, word: str) -> int:
        return self.tokenizer.FREQ.get(word, 0)

    @cached_property
    def common_verbs(self) -> frozenset[str]:
        """The words jieba's dictionary tags as verbs (``v``) with a frequency of at least VERB_FREQ,
        read from the dictionary file the first time they are asked for (rarely needed)."""
        verbs = set()
        with self.tokenizer.get_dict_file() as fh:
            for line in fh.read().decode("utf-8").splitlines():
                word, _, rest = line.partition(" ")
                freq, _, tag = rest.partition(" ")
                if tag.strip() == "v" and freq.isdigit() and int(freq) >= VERB_FREQ:
                    verbs.add(word)
        return frozenset(verbs)

    def piece_cost(self, piece: str) -> int:
        """How often a matcher piece can be expected in text: words by their frequency, and any
        two-character piece as fairly common."""
        return self.freq(piece) + (SHORT_PIECE_COST if len(piece) <= 2 else 0)

    def boundaries(self, text: str) -> set[int]:
        """Offsets in ``text`` where jieba's best segmentation puts a word boundary."""
        cuts = {0}
        pos = 0
        for token in self.cut(text):
            pos += len(token)
            cuts.add(pos)
        return cuts

    def straddled(self, text: str, start: int, end: int, margin: int = 6) -> bool:
        """Whether a word of the best segmentation crosses into [start, end) from outside: one
        that starts before ``start`` and ends after it (农村|长期 over 村长), or one that starts
        inside and runs past ``end`` (解放|前线 over 解放前). A word that begins at ``start``
        and runs on (弱智儿童) does not straddle it."""
        lo = max(0, start - margin)
        pos = lo
        for token in self.cut(text[lo : end + margin]):
            token_start, pos = pos, pos + len(token)
            if token_start < start < pos or start < token_start < end < pos:
                return True
            if pos >= end:
                break
        return False

    def aligned(self, text: str, start: int, end: int, margin: int = 6) -> bool:
        """Whether [start, end) starts and ends on word boundaries of the surrounding text."""
        lo = max(0, start - margin)
        cuts = self.boundaries(text[lo : end + margin])
        return (start - lo) in cuts and (end - lo) in cuts
