"""Scheduled publication (定时发布) and expiry (到期下线) as people type them.

A time without a zone is Beijing time (UTC+8), as government offices read the clock; one with a
zone (ISO 8601, e.g. 2026-12-01T09:00+08:00 or …Z) is taken as given. Stored in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from review.refusals import InvalidInput

BEIJING = timezone(timedelta(hours=8))


def moment(value: str | datetime | None, *, what: str) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("bad_time", f"{what}“{value}”不是有效的时间，请写成 2026-12-01T09:00（北京时间）"
                                           "或带时区的 ISO 8601 时间") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(timezone.utc)


def check_schedule(publish_at: datetime | None, expires_at: datetime | None, *, now: datetime) -> None:
    """A scheduled time lies ahead, and a page expires after it goes out."""
    if publish_at is not None and publish_at <= now:
        raise InvalidInput("bad_schedule", "定时发布时间须晚于现在；立即发布请不填")
    if expires_at is not None and expires_at <= max(now, publish_at or now):
        raise InvalidInput("bad_schedule", "下线时间须晚于现在和定时发布时间")
