"""Working days in mainland China: Monday to Friday, less the public holidays, plus the make-up
working days (调休上班) the State Council announces each year.

The holidays and make-up days come from the ``chinese-calendar`` package (PyPI), which knows the
years whose schedule was announced when it was released. A date in a year it does not know is
refused with :class:`OutsideCalendar`, never guessed: a deployment upgrades the package, or adds
the year's schedule itself (:meth:`WorkCalendar.with_year`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "北京时间")  # no daylight saving since 1991


def china_date(at: datetime) -> date:
    """The calendar day in Beijing at the instant ``at`` (a timezone-aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("china_date needs a timezone-aware datetime")
    return at.astimezone(CHINA).date()


class OutsideCalendar(ValueError):
    """A date in a year whose holidays are not known."""

    code = "calendar_year_unknown"

    def __init__(self, day: date, years: Iterable[int]) -> None:
        known = sorted(years)
        span = f"{known[0]}—{known[-1]} 年" if known else "任何年份"
        self.message = (f"{day.isoformat()} 所在的 {day.year} 年的法定节假日与调休安排尚未收录（目前收录 {span}），"
                        f"无法按工作日计算期限：请在国务院公布该年安排后升级 chinese-calendar 包，或在 SANSHEN_HOLIDAY_FILE 中补录该年的节假日安排")
        super().__init__(self.message)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    make_up_days: frozenset[date]  # weekend days that are working days
    years: frozenset[int]  # the years whose schedule is known
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_package(cls) -> "WorkCalendar":
        """The schedule the installed ``chinese-calendar`` package carries."""
        from chinese_calendar import constants

        holidays = frozenset(constants.holidays)
        make_up = frozenset(constants.workdays)
        years = frozenset(range(min(d.year for d in holidays), max(d.year for d in holidays) + 1))
        return cls(holidays, make_up, years)

    def with_year(self, year: int, *, holidays: Iterable[date], make_up_days: Iterable[date]) -> "WorkCalendar":
        """This calendar with one more year's schedule (replacing what it had for that year)."""
        hs, ms = frozenset(holidays), frozenset(make_up_days)
        if any(d.year != year for d in hs | ms):
            raise ValueError(f"every date of the {year} schedule must fall in {year}")
        keep = lambda days: frozenset(d for d in days if d.year != year)  # noqa: E731
        return WorkCalendar(keep(self.holidays) | hs, keep(self.make_up_days) | ms, self.years | {year})

    def knows(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise OutsideCalendar(day, self.years)
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (the start day itself is not counted, as 期间开始的当日
        不计入期间; n = 0 gives ``start``)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, left = start, n
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def with_schedule(calendar: WorkCalendar, text: str, source: str) -> WorkCalendar:
    """``calendar`` plus the years a schedule file declares (TOML, one table per year)::

        [2027]
        holidays = ["2027-01-01", "2027-02-16", ...]   # 放假的日期
        make_up_days = ["2027-02-07", ...]             # 调休上班的周末

    A bad file is refused with a Chinese ValueError naming ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}：不是有效的 TOML（{exc}）") from None
    for key, table in data.items():
        if not (key.isdigit() and len(key) == 4) or not isinstance(table, dict):
            raise ValueError(f"{source}：“{key}”应为四位年份的表，如 [2027]")
        unknown = set(table) - {"holidays", "make_up_days"}
        if unknown:
            raise ValueError(f"{source}：[{key}] 中未知的键 {'、'.join(sorted(unknown))}（可用 holidays、make_up_days）")
        days: dict[str, list[date]] = {}
        for name in ("holidays", "make_up_days"):
            values = table.get(name, [])
            if not isinstance(values, list):
                raise ValueError(f"{source}：[{key}].{name} 应为日期列表")
            try:
                days[name] = [v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values]
            except ValueError:
                raise ValueError(f"{source}：[{key}].{name} 中有不是 YYYY-MM-DD 的日期") from None
        try:
            calendar = calendar.with_year(int(key), holidays=days["holidays"], make_up_days=days["make_up_days"])
        except ValueError:
            raise ValueError(f"{source}：[{key}] 中的日期必须都在 {key} 年") from None
    return calendar
