"""The kinds of value a setting holds: how each is parsed from its variable's text and how it is shown.

A parser raises ValueError whose message says, in Chinese, what the value should be; the
caller names the variable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MASK = "****"
Shown = str | int | float | bool

# The credentials of a database URL, as SQLAlchemy reads them: `dialect://user:password@`.
_URL_PASSWORD = re.compile(r"^([\w+.-]+://[^:/@]*:)[^@]*@")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Kind:
    parse: Callable[[str], Any]
    show: Callable[[Any], Shown] = lambda value: value  # what `sanshen config` may print


def _flag(raw: str) -> bool:
    word = raw.strip().lower()
    if word not in _TRUE + _FALSE:
        raise ValueError(f"应为 {'/'.join(_TRUE)} 或 {'/'.join(_FALSE)}")
    return word in _TRUE


def _number(raw: str, *, zero_allowed: bool, expected: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and (value >= 0 if zero_allowed else value > 0)):
        raise ValueError(f"应为{expected}")
    return value


def _port(raw: str) -> int:
    if not raw.strip().isdecimal() or not 1 <= int(raw) <= 65535:
        raise ValueError("应为 1 到 65535 之间的整数")
    return int(raw)


def _count(raw: str) -> int:
    if not raw.strip().isdecimal():
        raise ValueError("应为非负整数")
    return int(raw)


def _web_address(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("应为以 http:// 或 https:// 开头的网址")
    return raw


def _site_store(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme in ("s3", "s3a"):
        if not parts.netloc:
            raise ValueError("应写明存储桶，如 s3://bucket/site")
        return raw
    if parts.scheme == "file":
        return f"file://{Path(parts.netloc + parts.path).expanduser().resolve()}"
    if parts.scheme:
        raise ValueError("应为 file:///路径、s3://存储桶/前缀 或本机目录")
    return f"file://{Path(raw).expanduser().resolve()}"


def _mask_url_password(url: str) -> str:
    return _URL_PASSWORD.sub(rf"\g<1>{MASK}@", url)


TEXT = Kind(str)
SECRET = Kind(str, show=lambda value: MASK)
DATABASE_URL = Kind(str, show=_mask_url_password)
PATH = Kind(lambda raw: Path(raw).expanduser().resolve(), show=str)
FLAG = Kind(_flag)
POSITIVE = Kind(lambda raw: _number(raw, zero_allowed=False, expected="正数"))
SECONDS = Kind(lambda raw: _number(raw, zero_allowed=True, expected="非负数"))
PORT = Kind(_port)
WEB_ADDRESS = Kind(_web_address)


def _positive_count(raw: str) -> int:
    if not raw.strip().isdecimal() or int(raw) < 1:
        raise ValueError("应为正整数")
    return int(raw)


POSITIVE_COUNT = Kind(_positive_count)
SITE_STORE = Kind(_site_store)
COUNT = Kind(_count)


def _time_zone(raw: str) -> str:
    from storage.localtime import zone

    zone(raw.strip())
    return raw.strip()


TIME_ZONE = Kind(_time_zone)


def _name(raw: str) -> str:
    name = raw.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
        raise ValueError("应为 1–40 个小写字母、数字、连字符或下划线，以字母或数字开头")
    return name


NAME = Kind(_name)  # a name other systems see (Prefect's deployments and limits)
