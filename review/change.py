"""What kind of change a new revision makes, and which sign-offs the workflow lets it keep.

The default is safe: every sign-off is bound to the content hash, so a revision voids all of
them. A workflow may declare (``keep_signoffs`` in its TOML) that a change of one kind keeps the
sign-offs of some stages; e.g. a change of punctuation only may keep the 校 sign-offs.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class ChangeKind(StrEnum):
    PUNCTUATION = "punctuation"  # only punctuation marks and white space differ
    CONTENT = "content"  # anything else (words, title, attachments, metadata)


CHANGE_LABELS = {ChangeKind.PUNCTUATION: "仅标点符号修改", ChangeKind.CONTENT: "内容修改"}


def _letters(text: str) -> str:
    """The text without punctuation marks and white space (symbols and invisible characters stay:
    a changed ￥ or an inserted direction mark is a change of content)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZ" and ch not in "\n\r\t")


def classify(old_title: str, old_body: str, new_title: str, new_body: str, *, same_files: bool = True) -> ChangeKind:
    """PUNCTUATION when the two revisions differ only in punctuation marks and white space."""
    if not same_files:
        return ChangeKind.CONTENT
    if _letters(old_title) == _letters(new_title) and _letters(old_body) == _letters(new_body):
        return ChangeKind.PUNCTUATION
    return ChangeKind.CONTENT
