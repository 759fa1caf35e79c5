"""Input validation shared by every entry point: bad input raises InvalidInput before anything is written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from review.refusals import InvalidInput

MAX_BODY_CHARS = 200_000
MAX_TITLE_CHARS = 500
MAX_LINE_CHARS = 2_000  # comments, reasons, notes
MAX_ROW_ID = 2**31 - 1  # an INTEGER id column on PostgreSQL (SQLite's are wider)

# C0/C1 control characters other than tab, line feed and carriage return; also NUL.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Half of a UTF-16 pair: it has no UTF-8 form, yet a JSON "\ud800" escape decodes to one.
_SURROGATE = r"\ud800-\udfff"
_NOT_TEXT = re.compile(f"[{_CONTROL}{_SURROGATE}]")
# What no database takes, not even to look it up: PostgreSQL refuses NUL, a lone surrogate has no UTF-8.
_UNSTORABLE = re.compile(f"[\\x00{_SURROGATE}]")
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")


def _refuse_bad_char(text: str, pattern: re.Pattern[str], message: Callable[[int, str], str]) -> None:
    """Refuse the first character of ``text`` that ``pattern`` finds; ``message`` words the refusal
    from the character's position and what it is."""
    m = pattern.search(text)
    if m is None:
        return
    point = f"U+{ord(m.group()):04X}"
    if unicodedata.category(m.group()) == "Cs":
        raise InvalidInput("lone_surrogate", message(m.start(), f"无效的 Unicode 字符（不成对的代理项 {point}）"))
    raise InvalidInput("control_chars", message(m.start(), f"控制字符（{point}）"))


def body_text(body: str, *, what: str = "正文") -> str:
    if not body.strip():
        raise InvalidInput("empty_body", f"{what}为空，无法提交")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(
            "body_too_long", f"{what}共 {len(body)} 字符，超过上限 {MAX_BODY_CHARS} 字符"
        )
    _refuse_bad_char(body, _NOT_TEXT, lambda at, char: f"{what}第 {at + 1} 个字符是{char}，请删除后重试")
    return body


def one_line(text: str, *, what: str, required: bool = True, max_chars: int = MAX_LINE_CHARS) -> str:
    text = text.strip()
    if required and not text:
        raise InvalidInput("missing_text", f"{what}不能为空")
    if len(text) > max_chars:
        raise InvalidInput("too_long", f"{what}超过 {max_chars} 字符")
    _refuse_bad_char(text, _NOT_TEXT, lambda _, char: f"{what}含有{char}")
    return text


def storable_text(text: str, *, what: str) -> str:
    """Refuse text the database could neither store nor look up (any text a request carries)."""
    _refuse_bad_char(text, _UNSTORABLE, lambda _, char: f"{what}含有{char}，无法处理，未做任何更改")
    return text


def is_row_id(value: int) -> bool:
    """Whether ``value`` can be a row's id at all: a larger number makes the database driver raise."""
    return 1 <= value <= MAX_ROW_ID


def decimal_id(text: str) -> int | None:
    """An id typed by a person (ASCII digits, within range), or None."""
    return int(text) if text.isascii() and text.isdigit() and is_row_id(int(text)) else None


def title_text(title: str) -> str:
    title = one_line(title, what="标题", max_chars=MAX_TITLE_CHARS)
    if "\n" in title or "\r" in title:
        raise InvalidInput("bad_title", "标题不能换行")
    return title


def user_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise InvalidInput("bad_user_name", f"用户名“{name}”无效：只能用 1–64 个字母、数字、汉字或 _ . -")
    return name


def decode_utf8(data: bytes, *, source: str) -> str:
    """Decode a file's bytes as UTF-8 (a BOM is dropped) or refuse naming the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "not_utf8", f"{source} 不是 UTF-8 编码（第 {exc.start + 1} 个字节无法解码），请转换为 UTF-8 后重试"
        ) from None
    return text.removeprefix("\ufeff")
