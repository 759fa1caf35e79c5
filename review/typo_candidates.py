"""Which characters and words a writer may have typed instead of which.

Three sources of confusion: the ECSpell sound and shape confusion sets (both directions),
characters sharing a toneless pinyin reading, and whole words typed with the same syllables
(the pinyin input method's classic slip: 部署 typed as 不熟).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntFlag
from itertools import product
from pathlib import Path

from pypinyin import Style, pinyin

CONFUSION_FILE = Path(__file__).resolve().parent.parent / "lexicon" / "data" / "typo" / "confusion.tsv"
SYLLABLE_CODE_BASE = 0xE000  # syllables are coded as private-use characters, one per syllable


class Likeness(IntFlag):
    SOUND = 1  # listed as similar-sounding in the confusion set
    SHAPE = 2  # listed as similar-looking in the confusion set
    PINYIN = 4  # shares a toneless pinyin reading

    @property
    def label(self) -> str:
        sound = bool(self & (Likeness.SOUND | Likeness.PINYIN))
        shape = bool(self & Likeness.SHAPE)
        return "音近形近" if sound and shape else "音近" if sound else "形近"


def char_readings(chars: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Toneless pinyin readings of each character, the most common first."""
    readings = {}
    for char in chars:
        found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
        if found and found[0]:
            readings[char] = tuple(dict.fromkeys(found[0]))
    return readings


@dataclass(frozen=True, slots=True)
class CandidateMap:
    """For each character, the characters it may stand for, each with how they are alike."""

    likeness: dict[str, dict[str, Likeness]]

    def of(self, char: str) -> dict[str, Likeness]:
        return self.likeness.get(char, {})

    @classmethod
    def build(
        cls, readings: dict[str, tuple[str, ...]], common_chars: frozenset[str], path: Path = CONFUSION_FILE
    ) -> "CandidateMap":
        """Confusion-set pairs (both directions) plus same-pinyin pairs among ``common_chars``."""
        table: dict[str, dict[str, Likeness]] = defaultdict(dict)

        def add(a: str, b: str, kind: Likeness) -> None:
            if a != b:
                row = table[a]
                row[b] = row.get(b, Likeness(0)) | kind

        for char, sound, shape in _confusion_rows(path):
            for other in sound:
                add(char, other, Likeness.SOUND)
                add(other, char, Likeness.SOUND)
            for other in shape:
                add(char, other, Likeness.SHAPE)
                add(other, char, Likeness.SHAPE)

        by_reading: dict[str, list[str]] = defaultdict(list)
        for char in common_chars:
            for reading in readings.get(char, ()):
                by_reading[reading].append(char)
        for group in by_reading.values():
            for a in group:
                for b in group:
                    add(a, b, Likeness.PINYIN)
        return cls(likeness=dict(table))


@dataclass(frozen=True, slots=True)
class HomophoneIndex:
    """Dictionary words by their syllables, to find the word a run of characters sounds like.

    A text is keyed by each character's most common reading (``text.translate(codes)``); a word
    is filed under every combination of its characters' readings, so 银航 finds 银行.
    """

    codes: dict[int, str]  # str.translate table: character -> its most common syllable's code
    words: dict[str, tuple[str, ...]]  # syllable codes -> the dictionary words that sound so

    def key(self, text: str) -> str:
        return text.translate(self.codes)

    @classmethod
    def build(cls, readings: dict[str, tuple[str, ...]], words: Iterable[str]) -> "HomophoneIndex":
        syllables: dict[str, str] = {}

        def code(syllable: str) -> str:
            return syllables.setdefault(syllable, chr(SYLLABLE_CODE_BASE + len(syllables)))

        codes = {ord(char): code(rs[0]) for char, rs in readings.items()}
        by_key: dict[str, list[str]] = defaultdict(list)
        for word in words:
            options = [readings.get(char) for char in word]
            if all(options):
                for combo in product(*options):
                    by_key["".join(code(s) for s in combo)].append(word)
        return cls(codes=codes, words={k: tuple(dict.fromkeys(v)) for k, v in by_key.items()})


def _confusion_rows(path: Path) -> Iterator[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if raw.startswith("#") or not raw.strip():
                continue
            parts = raw.rstrip("\n").split("\t")
            if len(parts) != 3 or len(parts[0]) != 1:
                raise ValueError(f"{path}:{lineno}: 格式错误，应为“字\\t音近字\\t形近字”")
            yield parts[0], parts[1], parts[2]
