"""Which characters and words a writer may have typed instead of which.

Two sources of confusion: the ECSpell sound and shape confusion sets (both directions), and
characters sharing a toneless pinyin reading.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntFlag
from pathlib import Path

from lexicon.loader import DATA_DIR

CONFUSION_FILE = DATA_DIR / "typo" / "confusion.tsv"
PYPINYIN_DIR = Path(importlib.util.find_spec("pypinyin").origin).parent  # found, not imported
# What the readings are built from: pypinyin's dictionaries (and its version, in __init__.py)
PYPINYIN_DATA = tuple(PYPINYIN_DIR / name for name in ("__init__.py", "pinyin_dict.json", "phrases_dict.json"))
MAX_READINGS = 2  # pypinyin also lists rare readings (角 gu, 喊 jian); they only add noise


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
    """The common toneless pinyin readings of each character, the most common first."""
    from pypinyin.constants import PINYIN_DICT

    readings = {}
    for char in chars:
        listed = PINYIN_DICT.get(ord(char))
        if listed:
            readings[char] = tuple(dict.fromkeys(_toneless(r) for r in listed.split(",")))[:MAX_READINGS]
    return readings


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")  # ü (lǜ → lv)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class CandidateMap:
    """For each character, the characters it may stand for, each with how they are alike.

    Kept compact (half a million pairs): per character, a string of candidates and a parallel
    byte string of their ``Likeness`` flags.
    """

    table: dict[str, tuple[str, bytes]] = field(repr=False)

    def chars_of(self, char: str) -> str:
        return self.table.get(char, ("", b""))[0]

    def kind(self, char: str, other: str) -> int:
        """The ``Likeness`` flags of ``other`` as a stand-in for ``char`` (0 when none)."""
        chars, kinds = self.table.get(char, ("", b""))
        k = chars.find(other)
        return kinds[k] if k >= 0 else 0

    @classmethod
    def build(
        cls, readings: dict[str, tuple[str, ...]], common_chars: frozenset[str], path: Path = CONFUSION_FILE
    ) -> "CandidateMap":
        """Confusion-set pairs (both directions) plus same-pinyin pairs among ``common_chars``."""
        table: dict[str, dict[str, int]] = defaultdict(dict)
        sound, shape, same_pinyin = int(Likeness.SOUND), int(Likeness.SHAPE), int(Likeness.PINYIN)
        for char, sounds, shapes in _confusion_rows(path):
            row = table[char]
            for kind, others in ((sound, sounds), (shape, shapes)):
                for other in others:
                    row[other] = row.get(other, 0) | kind
                    back = table[other]
                    back[char] = back.get(char, 0) | kind

        by_reading: dict[str, list[str]] = defaultdict(list)
        for char in common_chars:
            for reading in readings.get(char, ()):
                by_reading[reading].append(char)
        for group in by_reading.values():
            for a in group:
                row = table[a]
                for b in group:
                    row[b] = row.get(b, 0) | same_pinyin
        for char, row in table.items():
            row.pop(char, None)
        return cls(table={char: ("".join(row), bytes(row.values())) for char, row in table.items() if row})


def _confusion_rows(path: Path) -> Iterator[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if raw.startswith("#") or not raw.strip():
                continue
            parts = raw.rstrip("\n").split("\t")
            if len(parts) != 3 or len(parts[0]) != 1:
                raise ValueError(f"{path}:{lineno}: 格式错误，应为“字\\t音近字\\t形近字”")
            yield parts[0], parts[1], parts[2]
