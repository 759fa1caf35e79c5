"""Times as people read them: stored times are UTC; every page, notification, e-mail, public page
and human CLI line shows them in the installation's zone (setting SANSHEN_TIME_ZONE). JSON keeps
ISO 8601 with its offset. Formatting only: nothing here reads the clock."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
MINUTE = "%Y-%m-%d %H:%M"
_LABELS = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Hong_Kong": "香港时间",
           "Asia/Macau": "澳门时间", "Asia/Taipei": "台北时间", "UTC": "协调世界时", "Etc/UTC": "协调世界时"}


@cache
def zone(name: str = DEFAULT_ZONE) -> tzinfo:
    """The named IANA zone; ValueError (in Chinese) for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("应为 IANA 时区名称，如 Asia/Shanghai") from None


def zone_label(name: str = DEFAULT_ZONE) -> str:
    return _LABELS.get(name, f"{name} 时间")


def local(at: datetime, name: str = DEFAULT_ZONE) -> datetime:
    """``at`` in the zone (a naive time counts as UTC, as the database stores it)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone(name))


def local_text(at: datetime | str | None, name: str = DEFAULT_ZONE, fmt: str = MINUTE) -> str:
    """``2026-11-24 10:00`` in the zone; "—" for no time. Accepts ISO 8601 text too."""
    if at is None or at == "":
        return "—"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return local(at, name).strftime(fmt)
