"""What the general typo detector must not take for a typo: names of people, places and organisations.

A name is no dictionary word, so the best segmentation around it is poor and a common word that
sounds like it looks like a fine correction (周世敏 → 周市民, 浉河区 → 狮河区). Two pure rules say
"this span looks like a name", and a replacement inside such a span must then beat the detector's
cutoff by a margin (lexicon/typo_scoring.py), not only reach it:

* a person's name: a surname (lexicon/data/typo/surnames.tsv) and one or two given-name characters
  that jieba's own dictionary uses in the names it tags ``nr`` (三字人名), at least one of them a
  character seldom used outside names (峥, 炜, 濂: used in names far more often than its frequency as a
  word says), the whole no dictionary word;
* a place or an organisation: the changed characters end at most two characters before a suffix
  of place and organisation names (区, 县, 镇, 村, 街道, 局, 委, 办, 中心, 公司 …) that lies outside
  the new word;
* a named place: the changed characters lie in part in the name of a province, prefecture or
  county-level division, full or short (武安, 东乌旗, 浉河区: lexicon/data/typo/places.tsv).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from lexicon.loader import DATA_DIR

SURNAMES_FILE = DATA_DIR / "typo" / "surnames.tsv"
PLACES_FILE = DATA_DIR / "typo" / "places.tsv"
# A given-name character is *distinctive* when log((uses in nr given names + 0.5) / (its jieba
# frequency + 1)) reaches this: 峥 (1 use, frequency 27) -2.9 and 炜 -1.3 are; 健 (frequency 1514),
# 敏, 里, 提 are not. Set on ECSpell odw.train and bench/real_text*.jsonl (bench/eval_typo.py).
MIN_DISTINCTIVE = -3.0
NAME_MARGIN = 2.0  # what a replacement inside a name-like span must beat the cutoff by
PLACE_MARGIN = 1.0  # ... right before a place or organisation suffix
PLACE_SUFFIXES = ("街道", "中心", "公司", "区", "县", "乡", "镇", "村", "局", "委", "办", "厅", "所")
SUFFIX_GAP = 2  # characters allowed between the changed ones and the suffix (浉|河|区)
LONGEST_PLACE = 12  # characters of the longest place name read (克孜勒苏柯尔克孜自治州 has 11)


@dataclass(frozen=True, slots=True)
class NameModel:
    surnames: frozenset[str]  # single and compound
    common_surnames: frozenset[str]  # ... of which the commonest (the ``common`` column of surnames.tsv)
    given_chars: frozenset[str]  # characters jieba's nr entries use in given names
    distinctive: frozenset[str]  # ... of which those seldom used outside names
    places: frozenset[str]  # names of divisions, full and short
    place_prefixes: frozenset[str]  # every prefix of those names (them included)

    @classmethod
    def build(cls, entries: Iterable[tuple[str, int, str]], surnames: Iterable[str],
              places: Iterable[str], common_surnames: Iterable[str] = ()) -> "NameModel":
        """From dictionary ``entries`` (word, frequency, POS tag: jieba's dict.txt lines), a
        surname table and a table of place names: the given names are the last two characters of
        three-character ``nr`` entries opening with a single-character surname."""
        surnames = frozenset(surnames)
        uses: dict[str, int] = {}
        freq: dict[str, int] = {}
        for word, count, tag in entries:
            if len(word) == 1:
                freq[word] = count
            if tag == "nr" and len(word) == 3 and word[0] in surnames:
                for ch in word[1:]:
                    uses[ch] = uses.get(ch, 0) + 1
        distinctive = frozenset(c for c, n in uses.items() if distinctiveness(n, freq.get(c, 0)) >= MIN_DISTINCTIVE)
        return cls(surnames=surnames, common_surnames=frozenset(common_surnames) & surnames, given_chars=frozenset(uses),
                   distinctive=distinctive, **place_tables(places))


def place_tables(places: Iterable[str]) -> dict[str, frozenset[str]]:
    """``places`` and ``place_prefixes`` of a :class:`NameModel` (names longer than LONGEST_PLACE dropped)."""
    names = frozenset(p for p in places if len(p) <= LONGEST_PLACE)
    return {"places": names, "place_prefixes": frozenset(p[:k] for p in names for k in range(1, len(p) + 1))}


def distinctiveness(uses: int, frequency: int) -> float:
    return math.log((uses + 0.5) / (frequency + 1))


def read_entries(path: Path) -> list[tuple[str, int, str]]:
    """jieba's dict.txt: ``word frequency tag`` per line."""
    entries = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                entries.append((parts[0], int(parts[1]), parts[2]))
    return entries


def _rows(path: Path) -> Iterator[list[str]]:
    """The rows of a table of ``path`` (TAB-separated, # comments), each cell stripped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                yield [cell.strip() for cell in line.rstrip("\n").split("\t")]


def read_first_column(path: Path) -> list[str]:
    """The first column of a table of ``path``: surnames.tsv, places.tsv."""
    return [row[0] for row in _rows(path)]


def read_surnames(path: Path = SURNAMES_FILE) -> list[str]:
    return read_first_column(path)


def read_common_surnames(path: Path = SURNAMES_FILE) -> list[str]:
    """The surnames marked common (``1`` in the second column: surname TAB common TAB source)."""
    return [row[0] for row in _rows(path) if len(row) > 1 and row[1] == "1"]


def read_places(path: Path = PLACES_FILE) -> list[str]:
    return read_first_column(path)


def in_person_name(run: str, start: int, end: int, names: NameModel, words: Mapping[str, float]) -> bool:
    """Whether the changed characters ``run[start:end]`` are the given name (or part of it, or the
    surname and part of it) of a name-like span: surname + one or two given-name characters, one of them distinctive, the
    whole no word of ``words`` (亓玉国, 常峥, 张维炜)."""
    for surname_len in (1, 2):
        for given_len in (1, 2):
            for first in range(max(0, end - surname_len - given_len), start - surname_len + 1):
                given_at = first + surname_len
                span_end = given_at + given_len
                # the changed characters lie in the given name, or run from the surname into it
                # (巩孝武 → 功效武): a surname changed alone is no evidence either way
                if (given_at > start and end <= given_at) or span_end < end or span_end > len(run):
                    continue
                given = run[given_at:span_end]
                if run[first:given_at] in names.surnames and all(c in names.given_chars for c in given) \
                        and any(c in names.distinctive for c in given) and run[first:span_end] not in words:
                    return True
    return False


def in_place_name(run: str, start: int, end: int, names: NameModel) -> bool:
    """Whether a place name in ``run`` covers one of the changed characters ``run[start:end]``
    (each start tried is extended only while it opens some name)."""
    prefixes, places = names.place_prefixes, names.places
    for first in range(max(0, start - LONGEST_PLACE + 1), end):
        last = first + 1
        while last <= len(run) and run[first:last] in prefixes:
            if last > start and last - first >= 2 and run[first:last] in places:
                return True
            last += 1
    return False


def before_place_suffix(run: str, end: int) -> bool:
    """Whether a place or organisation suffix starts within SUFFIX_GAP characters after ``end``."""
    return any(run.startswith(suffix, at) for at in range(end, min(end + SUFFIX_GAP, len(run)) + 1)
               for suffix in PLACE_SUFFIXES)


def margin(run: str, start: int, end: int, word_end: int, names: NameModel, words: Mapping[str, float]) -> float:
    """What a replacement of ``run[start:end]`` (its new word ending at ``word_end``) must beat the
    cutoff by: the larger margin of the name rules it meets, else 0."""
    if in_person_name(run, start, end, names, words) or in_place_name(run, start, end, names):
        return NAME_MARGIN
    if before_place_suffix(run, max(end, word_end)):
        return PLACE_MARGIN
    return 0.0
