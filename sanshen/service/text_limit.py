"""How much text of one attachment the automated pass reads (about five times the longest body)."""

from __future__ import annotations

from review.refusals import InvalidInput

MAX_ATTACHMENT_TEXT_CHARS = 1_000_000


def too_much_text(label: str, max_chars: int = MAX_ATTACHMENT_TEXT_CHARS) -> InvalidInput:
    return InvalidInput("attachment_too_big", f"{label} 的文字超过 {max_chars} 字，无法逐字检查；请拆分后重新上传")
