"""Which characters a writer may have typed instead of which: sound, shape and same pinyin."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import IntFlag
from pathlib import Path

from pypinyin import Style, pinyin

CONFUSION_FILE = Path(__file__).resolve().parent.parent / "lexicon" / "data" / "typo" / "confusion.tsv"


class Likeness(IntFlag):
    SOUND = 1  # listed as similar-sounding in the confusion set
    SHAPE = 2  # listed as similar-looking in the confusion set
    PINYIN = 4  # shares a toneless pinyin reading

    @property
    def label(self) -> str:
        sound = bool(self & (Likeness.SOUND | Likeness.PINYIN))
        shape = bool(self & Likeness.SHAPE)
        return "音近形近" if sound and shape else "音近" if sound else "形近"


@dataclass(frozen=True, slots=True)
class CandidateMap:
    """For each character, the characters it may stand for, each with how they are alike."""

    likeness: dict[str, dict[str, Likeness]]

    def of(self, char: str) -> dict[str, Likeness]:
        return self.likeness.get(char, {})

    @classmethod
    def build(cls, common_chars: frozenset[str], path: Path = CONFUSION_FILE) -> "CandidateMap":
        """Confusion-set pairs (both directions) plus same-pinyin pairs among ``common_chars``."""
        table: dict[str, dict[str, Likeness]] = defaultdict(dict)

        def add(a: str, b: str, kind: Likeness) -> None:
            if a != b:
                row = table[a]
                row[b] = row.get(b, Likeness(0)) | kind

        for line in _confusion_lines(path):
            char, sound, shape = line
            for other in sound:
                add(char, other, Likeness.SOUND)
                add(other, char, Likeness.SOUND)
            for other in shape:
                add(char, other, Likeness.SHAPE)
                add(other, char, Likeness.SHAPE)

        by_reading: dict[str, list[str]] = defaultdict(list)
        for char in common_chars:
            for reading in _readings(char):
                by_reading[reading].append(char)
        for group in by_reading.values():
            for a in group:
                for b in group:
                    add(a, b, Likeness.PINYIN)
        return cls(likeness=dict(table))


def _confusion_lines(path: Path):
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if raw.startswith("#") or not raw.strip():
                continue
            parts = raw.rstrip("\n").split("\t")
            if len(parts) != 3 or len(parts[0]) != 1:
                raise ValueError(f"{path}:{lineno}: 格式错误，应为“字\\t音近字\\t形近字”")
            yield parts[0], parts[1], parts[2]


def _readings(char: str) -> set[str]:
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return set(readings[0]) if readings else set()
