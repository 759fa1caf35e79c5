"""Which words may stand twice in a row: the words of jieba's dictionary that reduplicate.

A verb, an adjective, a numeral with its measure word or an onomatopoeia is said twice on purpose
(研究研究, 雪白雪白, 一项一项, 哗啦哗啦); a noun written twice is a slip of the keyboard or of an
edit (资源资源局, 农村农村工作). The tags are those of jieba's dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable

# verbs, adjectives, state words, adverbs, numerals and measure words, onomatopoeia, interjections, modals
REDUPLICATING_TAGS = frozenset("v vd vi vq a ad ag z d m mq q o e y".split())


def reduplicating_words(entries: Iterable[tuple[str, int, str]]) -> frozenset[str]:
    """The words of ``entries`` (jieba's dict.txt lines: word, frequency, tag) of two or more
    characters whose tag says they may be said twice in a row."""
    return frozenset(word for word, _, tag in entries if len(word) >= 2 and tag in REDUPLICATING_TAGS)
