"""Characters a browser does not draw: matching ignores them and the automated pass reports them.

The table is the Default_Ignorable_Code_Point property of the Unicode Character Database 14.0.0
(the Unicode version of Python 3.11's ``unicodedata``), row for row as DerivedCoreProperties.txt
lists it. UAX #44 derives that property as Other_Default_Ignorable_Code_Point + Cf (format
characters) + Variation_Selector − White_Space − FFF9..FFFB − 13430..13438 −
Prepended_Concatenation_Mark; reserved code points in it are included so that characters assigned
later are ignored too. Three kinds of character it leaves out are added after it (``NOT_IGNORABLE``):
they have no glyph in Chinese text either. tests/test_invisible.py checks the table against
``unicodedata.category``; a newer Python (a newer Unicode) makes that test name what to add.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Invisible:
    first: int
    last: int
    name: str  # what the reader is told
    bidi: bool = False  # a direction control: it reorders the text shown after it ("Trojan source")


RESERVED = "未分配的可忽略字符"

DEFAULT_IGNORABLE: tuple[Invisible, ...] = (
    Invisible(0x00AD, 0x00AD, "软连字符"),
    Invisible(0x034F, 0x034F, "组合字素连接符"),
    Invisible(0x061C, 0x061C, "阿拉伯字母标记", bidi=True),
    Invisible(0x115F, 0x1160, "谚文填充符"),
    Invisible(0x17B4, 0x17B5, "高棉文固有元音"),
    Invisible(0x180B, 0x180D, "蒙古文自由变体选择符"),
    Invisible(0x180E, 0x180E, "蒙古文元音分隔符"),
    Invisible(0x180F, 0x180F, "蒙古文自由变体选择符"),
    Invisible(0x200B, 0x200B, "零宽空格"),
    Invisible(0x200C, 0x200C, "零宽不连字"),
    Invisible(0x200D, 0x200D, "零宽连字"),
    Invisible(0x200E, 0x200E, "从左到右标记", bidi=True),
    Invisible(0x200F, 0x200F, "从右到左标记", bidi=True),
    Invisible(0x202A, 0x202A, "从左到右嵌入符", bidi=True),
    Invisible(0x202B, 0x202B, "从右到左嵌入符", bidi=True),
    Invisible(0x202C, 0x202C, "方向格式结束符", bidi=True),
    Invisible(0x202D, 0x202D, "从左到右强制符", bidi=True),
    Invisible(0x202E, 0x202E, "从右到左强制符", bidi=True),
    Invisible(0x2060, 0x2060, "词连接符"),
    Invisible(0x2061, 0x2061, "不可见函数应用符"),
    Invisible(0x2062, 0x2062, "不可见乘号"),
    Invisible(0x2063, 0x2063, "不可见分隔符"),
    Invisible(0x2064, 0x2064, "不可见加号"),
    Invisible(0x2065, 0x2065, RESERVED),
    Invisible(0x2066, 0x2066, "从左到右隔离符", bidi=True),
    Invisible(0x2067, 0x2067, "从右到左隔离符", bidi=True),
    Invisible(0x2068, 0x2068, "首强方向隔离符", bidi=True),
    Invisible(0x2069, 0x2069, "方向隔离结束符", bidi=True),
    Invisible(0x206A, 0x206F, "已弃用的格式控制符"),
    Invisible(0x3164, 0x3164, "谚文填充符"),
    Invisible(0xFE00, 0xFE0F, "变体选择符"),
    Invisible(0xFEFF, 0xFEFF, "零宽不换行空格（字节顺序标记）"),
    Invisible(0xFFA0, 0xFFA0, "半角谚文填充符"),
    Invisible(0xFFF0, 0xFFF8, RESERVED),
    Invisible(0x1BCA0, 0x1BCA3, "速记格式控制符"),
    Invisible(0x1D173, 0x1D17A, "乐谱格式控制符"),
    Invisible(0xE0000, 0xE0000, RESERVED),
    Invisible(0xE0001, 0xE0001, "语言标签"),
    Invisible(0xE0002, 0xE001F, RESERVED),
    Invisible(0xE0020, 0xE007F, "标签字符"),
    Invisible(0xE0080, 0xE00FF, RESERVED),
    Invisible(0xE0100, 0xE01EF, "变体选择符"),
    Invisible(0xE01F0, 0xE0FFF, RESERVED),
)

NOT_IGNORABLE: tuple[Invisible, ...] = (
    # Control characters other than white space (tab, line breaks, U+001C..001F, U+0085).
    Invisible(0x0000, 0x0008, "控制字符"),
    Invisible(0x000E, 0x001B, "控制字符"),
    Invisible(0x007F, 0x0084, "控制字符"),
    Invisible(0x0086, 0x009F, "控制字符"),
    # The format characters the derivation takes out because they act on the script around them.
    Invisible(0xFFF9, 0xFFFB, "行间注释控制符"),
    Invisible(0x13430, 0x13438, "埃及圣书体格式控制符"),
)

INVISIBLE: tuple[Invisible, ...] = tuple(sorted(DEFAULT_IGNORABLE + NOT_IGNORABLE, key=lambda row: row.first))
_FIRSTS = [row.first for row in INVISIBLE]


def _char_class(rows: tuple[Invisible, ...]) -> str:
    return "".join(f"\\U{row.first:08x}-\\U{row.last:08x}" for row in rows)


CHAR_CLASS = _char_class(INVISIBLE)  # the inside of a regular expression's [...]
INVISIBLE_RUN = re.compile(f"[{CHAR_CLASS}]+")
# A class with ranges beyond U+FFFF is tested range by range; the Basic Multilingual Plane part plus
# one range for every other plane is tested at once, so this finds what may be invisible fast.
MAY_HIDE_CLASS = _char_class(tuple(row for row in INVISIBLE if row.last <= 0xFFFF)) + "\\U00010000-\\U0010ffff"
MAY_HIDE = re.compile(f"[{MAY_HIDE_CLASS}]")


def describe(char: str) -> Invisible:
    """The table row of an invisible character."""
    row = INVISIBLE[bisect_right(_FIRSTS, ord(char)) - 1]
    if not row.first <= ord(char) <= row.last:
        raise ValueError(f"U+{ord(char):04X} is not invisible")
    return row
