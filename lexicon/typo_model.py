"""The general typo detector's tables: jieba's word log-probabilities, the characters and words
each may stand for, and the completions of words with one character masked.

Built in seconds from jieba's dictionary, pypinyin's readings and the confusion set, and kept in
an on-disk cache (lexicon/typo_cache.py) that reads back in a fraction of that.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import lexicon.doubling as doubling
import lexicon.typo_cache as cache
import lexicon.typo_candidates as typo_candidates
import lexicon.typo_corpus as typo_corpus
import lexicon.typo_names as typo_names
import lexicon.typo_phrases as typo_phrases
import lexicon.typo_words as typo_words
from lexicon.typo_candidates import CandidateMap, char_readings
from lexicon.typo_names import NameModel
from lexicon.typo_scoring import Weights
from lexicon.typo_words import WordModel

MASK = "*"
MIN_WORD_FREQ = 3  # jieba lists many frequency-3 fragments; they are no evidence of a typo
COMMON_CHAR_FREQ = 50  # same-pinyin candidates are drawn from characters at least this frequent
MAX_WORD_LEN = 4
RARE_WORD_FREQ = 500  # characters inside rarer two-character words are examined too (编织 for 编制)
FREQUENT_CHAR_FREQ = 150_000  # 的, 了, 是 … : no segmentation gain can argue against them alone
HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
CACHE_NAME = "typo-tables"
# Everything the tables are built from: the data, and the code that reads and derives them.
BUILD_INPUTS = (
    typo_words.JIEBA_DICT,
    typo_words.OFFICIAL_WORDS,
    typo_candidates.CONFUSION_FILE,
    typo_names.SURNAMES_FILE,
    typo_names.PLACES_FILE,
    typo_corpus.WORD_COUNTS_FILE,
    Path(typo_corpus.__file__),
    Path(typo_names.__file__),
    Path(typo_phrases.__file__),
    Path(doubling.__file__),
    *typo_candidates.PYPINYIN_DATA,
    Path(__file__),
    Path(typo_words.__file__),
    Path(typo_candidates.__file__),
    Path(cache.__file__),
)


@dataclass(frozen=True, slots=True)
class TypoModel:
    words: WordModel
    candidates: CandidateMap
    # a word with one character masked -> the characters that fill it, ordered by the
    # log-probability of the word they make, best first
    completions: dict[str, str] = field(repr=False)
    weights: Weights
    rare_word_logp: float
    frequent_char_logp: float
    # character -> the log-probability of the likeliest short word containing it
    word_cap: dict[str, float] = field(repr=False)
    # what looks like a person's name (lexicon/typo_names.py)
    names: NameModel = field(repr=False)
    # word -> log(1 + its count in a large corpus of running text) (lexicon/typo_corpus.py)
    corpus: dict[str, float] = field(repr=False)
    # words an input method offers first: conjunctions, adverbs, pronouns … (lexicon/typo_phrases.py)
    function_words: frozenset[str] = field(default=frozenset(), repr=False)
    # words said twice on purpose: verbs, adjectives, numerals … (lexicon/doubling.py)
    reduplicating: frozenset[str] = field(default=frozenset(), repr=False)

    @classmethod
    def load(cls, weights: Weights | None = None, *, cache_dir: Path | None = None) -> "TypoModel":
        """The model, its tables read from the cache under ``cache_dir`` (default: the user's
        cache directory) when they were built from the same inputs, else built and cached."""
        weights = weights or Weights.load()
        directory = cache_dir or cache.default_cache_dir()
        if directory is None:
            return cls.build(weights)
        store = cache.TableCache.for_inputs(directory, CACHE_NAME, BUILD_INPUTS)
        tables = store.read()
        if tables is not None:
            try:
                return cls.from_tables(tables, weights)
            except (KeyError, TypeError, ValueError):
                pass  # not tables this code wrote: build them again
        model = cls.build(weights)
        store.write(model.tables())
        return model

    def tables(self) -> dict[str, Any]:
        """Everything but the weights, as plain values for :class:`lexicon.typo_cache.TableCache`."""
        return {
            "logp": cache.pack_floats(self.words.logp),
            "prefixes": cache.pack_strs(self.words.prefixes),
            "unknown_logp": self.words.unknown_logp,
            "candidates": self.candidates.table,
            "completions": cache.pack_str_map(self.completions),
            "rare_word_logp": self.rare_word_logp,
            "frequent_char_logp": self.frequent_char_logp,
            "word_cap": self.word_cap,
            "surnames": cache.pack_strs(self.names.surnames),
            "common_surnames": cache.pack_strs(self.names.common_surnames),
            "given_chars": cache.pack_strs(self.names.given_chars),
            "distinctive": cache.pack_strs(self.names.distinctive),
            "places": cache.pack_strs(self.names.places),
            "corpus": cache.pack_floats(self.corpus),
            "function_words": cache.pack_strs(self.function_words),
            "reduplicating": cache.pack_strs(self.reduplicating),
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any], weights: Weights) -> "TypoModel":
        return cls(
            words=WordModel(
                logp=cache.unpack_floats(tables["logp"]),
                prefixes=frozenset(cache.unpack_strs(tables["prefixes"])),
                unknown_logp=float(tables["unknown_logp"]),
            ),
            candidates=CandidateMap(table=tables["candidates"]),
            completions=cache.unpack_str_map(tables["completions"]),
            weights=weights,
            rare_word_logp=float(tables["rare_word_logp"]),
            frequent_char_logp=float(tables["frequent_char_logp"]),
            word_cap=tables["word_cap"],
            names=NameModel(
                surnames=frozenset(cache.unpack_strs(tables["surnames"])),
                common_surnames=frozenset(cache.unpack_strs(tables["common_surnames"])),
                given_chars=frozenset(cache.unpack_strs(tables["given_chars"])),
                distinctive=frozenset(cache.unpack_strs(tables["distinctive"])),
                **typo_names.place_tables(cache.unpack_strs(tables["places"])),
            ),
            corpus=cache.unpack_floats(tables["corpus"]),
            function_words=frozenset(cache.unpack_strs(tables["function_words"])),
            reduplicating=frozenset(cache.unpack_strs(tables["reduplicating"])),
        )

    @classmethod
    def build(cls, weights: Weights | None = None) -> "TypoModel":
        """The model built from jieba's dictionary, pypinyin's readings and the confusion set."""
        words = WordModel.from_jieba()
        floor = math.log(MIN_WORD_FREQ) + words.unknown_logp
        # The words of official text added to jieba's (typo_words.official_words) shield what is
        # written; they are never offered as corrections (打牢 is not a typo of 扛牢).
        official = frozenset(typo_words.official_words())
        short_words = [
            w for w, lp in words.logp.items() if 2 <= len(w) <= MAX_WORD_LEN and lp >= floor and w not in official
        ]
        short_words.sort(key=words.logp.__getitem__, reverse=True)
        fills: dict[str, list[str]] = defaultdict(list)
        for word in short_words:
            if len(word) == 2:
                fills[MASK + word[1]].append(word[0])
                fills[word[0] + MASK].append(word[1])
            else:
                for j in range(len(word)):
                    fills[word[:j] + MASK + word[j + 1 :]].append(word[j])
        distinct: dict[str, str] = {}  # one string per distinct set of fills (a seventh as many)
        completions = {}
        for key, chars in fills.items():
            joined = "".join(chars)
            completions[key] = distinct.setdefault(joined, joined)
        word_cap = {ch: words.logp[word] for word in reversed(short_words) for ch in word}  # the likeliest wins
        readings = char_readings({c for w in short_words for c in w} | {w for w in words.logp if len(w) == 1})
        common_floor = math.log(COMMON_CHAR_FREQ) + words.unknown_logp
        common = frozenset(w for w, lp in words.logp.items() if len(w) == 1 and is_han(w) and lp >= common_floor)
        entries = typo_names.read_entries(typo_words.JIEBA_DICT)
        return cls(
            words=words,
            candidates=CandidateMap.build(readings, common),
            completions=completions,
            weights=weights or Weights.load(),
            rare_word_logp=math.log(RARE_WORD_FREQ) + words.unknown_logp,
            frequent_char_logp=math.log(FREQUENT_CHAR_FREQ) + words.unknown_logp,
            word_cap=word_cap,
            names=NameModel.build(entries, typo_names.read_surnames(),
                                  typo_names.read_places(), typo_names.read_common_surnames()),
            corpus=typo_corpus.read_log_counts(),
            function_words=typo_phrases.function_words(entries),
            reduplicating=doubling.reduplicating_words(entries),
        )

    def with_weights(self, weights: Weights) -> "TypoModel":
        return replace(self, weights=weights)



def is_han(ch: str) -> bool:
    return HAN_RUN.fullmatch(ch) is not None
