"""What the general typo detector must not take for a typo: the phrases and names of real text.

On published text nearly every warning of the detector is a correct phrase it does not know.
These pure rules say "the writer meant this", each from a signal that holds beyond the words seen,
and a replacement they cover must then beat the detector's cutoff by a margin
(lexicon/typo_scoring.py), or is not made at all:

* an attested phrase: a word of three or more characters of a large corpus of running text
  (lexicon/typo_corpus.py) covers every changed character (私搭乱建, 缉枪治爆): a typo breaks the
  phrase it falls in, so the phrase would not be there;
* a numbered frame: two numerals two characters apart (三共四同, 两学一做, 五位一体): the frames
  of official slogans, which no dictionary holds;
* a repeated frame: the last four characters before punctuation, one repeated two apart (扶志扶德,
  动火动焊, 深学细学), a changed character not the repeated one (建立建全 is a typo of 建立健全: the
  repeat is the typo), with a margin (多捞多得 scores high enough to be reported);
* a swap for a function word: two or more characters replaced by a word typed with the same
  syllables that is a conjunction, adverb, pronoun, numeral or word of position (注药 → 主要,
  主检 → 之间, 宜机 → 以及): an input method offers such a common word first, so a writer who meant
  it got it; the rare characters written are a term the dictionary lacks;
* the end of a place name: the new word ends by replacing the suffix of a place (玉峰镇 → 玉蜂针,
  官坊乡 → 方向, 在丰市 → 丰富, 汲河 → 集合);
* an unseen word: a new word of three characters occurs nowhere in the corpus (沙井子, 玉蜂针):
  jieba's dictionary lists it, but running text never uses it, so it is no likelier than what is
  written. Four-character words are left alone: idioms and compounds the corpus's segmenter split
  (油腔滑调, 广西壮族, 广大干群) are right corrections of real typos; shorter ones are left to the
  corpus features;
* an unseen word over seen words: a new word of four or more characters occurs nowhere in the
  corpus, and what is written in its place reads as corpus words of two or more characters
  (欢度佳节 → 欢渡佳节: 欢度 and 佳节): the writer's words are the phrase, the dictionary's word
  a variant or a slip of the dictionary itself (a typo leaves a character that is no word:
  广大千群 does not read as such words);
* before a natural feature: 水库, 河, 溪, 湖 … follow the changed characters and the new word
  directly (九井水库): the name of a reservoir, a river or a hill (one character further on, as in
  有限公司东湖, it is often another name).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

ATTESTED = math.inf  # an attested phrase is never "corrected"
FRAME = math.inf  # ... nor a numbered frame
UNSEEN = math.inf  # ... nor made into a word running text never uses
REPEAT_MARGIN = 2.0  # what a replacement in a repeated frame must beat the cutoff by (多捞多得 is a typo)
SWAP_MARGIN = 2.0  # what a swap for a function word must beat the cutoff by
PLACE_END_MARGIN = 2.0  # ... a new word replacing a place suffix
FEATURE_MARGIN = 2.0  # ... changed characters before a natural feature's suffix
MIN_ATTESTED = 4.0  # log(1 + count): a phrase seen at least 54 times in the corpus
SHORTEST_PHRASE = 3
UNSEEN_LENGTH = 3  # the length of a new word the unseen rule reads
LONGEST_PHRASE = 6
NUMERALS = frozenset("一二三四五六七八九十两百千万")
# Characters whose repeats two apart are grammar, not a frame (的X的, 了X了, 一X一 is a numbered frame).
PLAIN_REPEATS = frozenset("的了地得是在和与及之其也都就不")
# POS tags of jieba's dictionary for words an input method offers first: conjunction, adverb,
# locative, numeral, pronoun, preposition, quantifier, auxiliary, modal and distinguishing words.
FUNCTION_TAGS = frozenset("c d f m p q r u ud ug uj ul uv uz y e o b".split())
PLACE_SUFFIX_CHARS = frozenset("省市县区乡镇村街河湖溪江")
FEATURE_SUFFIXES = ("水库", "河", "溪", "湖", "江", "渠", "塘", "山", "岭", "峰", "岛", "湾")
FEATURE_GAP = 0  # 有限公司东湖: a suffix further on is often another name


def function_words(entries: Iterable[tuple[str, int, str]]) -> frozenset[str]:
    """The words of ``entries`` (jieba's dict.txt lines: word, frequency, tag) of two or more
    characters tagged as function words (FUNCTION_TAGS)."""
    return frozenset(word for word, _, tag in entries if len(word) >= 2 and tag in FUNCTION_TAGS)


def attested_phrase(run: str, start: int, end: int, corpus: Mapping[str, float]) -> str | None:
    """A phrase of the corpus of SHORTEST_PHRASE to LONGEST_PHRASE characters, seen often enough,
    in ``run`` covering all of ``run[start:end]``."""
    for first in range(max(0, end - LONGEST_PHRASE), start + 1):
        for last in range(max(end, first + SHORTEST_PHRASE), min(len(run), first + LONGEST_PHRASE) + 1):
            if corpus.get(run[first:last], 0.0) >= MIN_ATTESTED:
                return run[first:last]
    return None


def reads_as_seen_words(text: str, corpus: Mapping[str, float]) -> bool:
    """Whether ``text`` splits into words of two or more characters that the corpus has."""
    ends = {0}
    for end in range(2, len(text) + 1):
        if any(end - start >= 2 and corpus.get(text[start:end], 0.0) > 0.0 for start in ends):
            ends.add(end)
    return len(text) in ends


def in_numbered_frame(run: str, start: int, end: int) -> bool:
    """Whether ``run[start:end]`` lies in four characters N X N Y with N numerals (三共四同)."""
    for first in range(max(0, end - 4), start + 1):
        window = run[first : first + 4]
        if len(window) == 4 and window[0] in NUMERALS and window[2] in NUMERALS:
            return True
    return False


def in_repeated_frame(run: str, start: int, end: int) -> bool:
    """Whether the last four characters of ``run`` (a phrase of its own: punctuation or the end
    of the text follows) are A X A Y or X A Y A and a changed character of ``run[start:end]`` is
    not the repeated one (扶志扶德、, 深学细学，)."""
    first = len(run) - 4
    if first < 0 or end <= first:
        return False
    window = run[first:]
    for a, b in ((0, 2), (1, 3)):
        ch = window[a]
        if ch != window[b] or ch in PLAIN_REPEATS or ch in NUMERALS or len(set(window)) < 3:
            continue
        if any(start <= first + k < end and window[k] != ch for k in range(4) if k not in (a, b)):
            return True
    return False


def function_swap(start: int, end: int, word: str, functions: frozenset[str]) -> bool:
    """Whether two or more characters change (``run[start:end]``: from the first changed one to
    the last) and the new word is a function word."""
    return end - start >= 2 and word in functions


def replaces_place_end(run: str, start: int, end: int, word_start: int, word: str) -> bool:
    """Whether the new word's last character replaces a place suffix written after at least one
    character (玉峰镇 → 玉蜂针, 在丰市 → 丰富)."""
    last = word_start + len(word) - 1
    return start <= last < end and last > 0 and run[last] in PLACE_SUFFIX_CHARS and run[last] != word[-1]


def before_feature(run: str, end: int) -> bool:
    """Whether a natural feature's suffix starts within FEATURE_GAP characters after ``end``."""
    return any(run.startswith(suffix, at) for at in range(end, min(end + FEATURE_GAP, len(run)) + 1)
               for suffix in FEATURE_SUFFIXES)


def phrase_margin(run: str, start: int, end: int, word_start: int, word: str,
                  corpus: Mapping[str, float], functions: frozenset[str]) -> float:
    """What a replacement of ``run[start:end]`` making ``word`` at ``word_start`` must beat the
    cutoff by under these rules: the largest margin of the rules it meets, else 0."""
    if in_numbered_frame(run, start, end):
        return FRAME
    if in_repeated_frame(run, start, end):
        return REPEAT_MARGIN
    if attested_phrase(run, start, end, corpus) is not None:
        return ATTESTED
    if corpus.get(word, 0.0) == 0.0 and (len(word) == UNSEEN_LENGTH or (
            len(word) > UNSEEN_LENGTH and reads_as_seen_words(run[word_start : word_start + len(word)], corpus))):
        return UNSEEN
    word_end = word_start + len(word)
    if function_swap(start, end, word, functions):
        return SWAP_MARGIN
    if replaces_place_end(run, start, end, word_start, word):
        return PLACE_END_MARGIN
    if before_feature(run, max(end, word_end)):
        return FEATURE_MARGIN
    return 0.0
