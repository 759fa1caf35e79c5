"""Word boundaries and dictionary look-ups from jieba, loaded once per process and passed down."""

from __future__ import annotations

from dataclasses import dataclass

import jieba

jieba.setLogLevel(60)
SHORT_PIECE_COST = 500


@dataclass(frozen=True)
class WordIndex:
    tokenizer: jieba.Tokenizer

    @classmethod
    def load(cls) -> "WordIndex":
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return cls(tokenizer)

    def freq(self, word: str) -> int:
        return self.tokenizer.FREQ.get(word, 0)

    def piece_cost(self, piece: str) -> int:
        """How often a matcher piece can be expected in text: words by their frequency, and any
        two-character piece as fairly common."""
        return self.freq(piece) + (SHORT_PIECE_COST if len(piece) <= 2 else 0)

    def boundaries(self, text: str) -> set[int]:
        """Offsets in ``text`` where jieba's best segmentation puts a word boundary."""
        cuts = {0}
        pos = 0
        for token in self.tokenizer.cut(text, HMM=False):
            pos += len(token)
            cuts.add(pos)
        return cuts

    def aligned(self, text: str, start: int, end: int, margin: int = 6) -> bool:
        """Whether [start, end) starts and ends on word boundaries of the surrounding text."""
        lo = max(0, start - margin)
        cuts = self.boundaries(text[lo : end + margin])
        return (start - lo) in cuts and (end - lo) in cuts
