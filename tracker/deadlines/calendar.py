"""The working-day calendar: official holidays and 调休 make-up days, with admin overrides.

Sources, in order of precedence for a given date:

1. an admin-entered override (``HolidayOverride`` rows) for that very date;
2. ``chinesecalendar`` (built from the State Council notices; 2004-2026 in 1.11.0, and it
   raises for other years, which is a clean "unknown" signal);
3. ``holidays`` (CN) for a year whose official schedule it carries (its table of
   substituted days has the year: 2026 in 0.109);
4. for a year whose whole schedule an admin entered (a State Council notice imported, or the
   days entered one by one and the year confirmed complete; ``holiday_years`` rows): weekdays
   work, weekends rest, except the overridden dates;
5. otherwise an estimate (statutory festivals computed by ``holidays``, no 调休), flagged as
   unknown so that every deadline through that year carries a loud warning. Days an admin
   entered for such a year still apply (rule 1): one entered holiday does not make the rest
   of the year known.

Both packages agree on every day of 2024, 2025 and 2026 (checked day by day when this was
written); chinesecalendar comes first because it names the festival of each 调休 working day.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

WEEKDAY_NAMES = "一二三四五六日"

_CC_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class DaySource(enum.StrEnum):
    """Where the status of a day comes from."""

    OVERRIDE = "override"
    CHINESE_CALENDAR = "chinesecalendar"
    HOLIDAYS = "holidays"
    ESTIMATE = "estimate"


SOURCE_LABELS = {
    DaySource.OVERRIDE: "管理员录入（全年安排完整）",
    DaySource.CHINESE_CALENDAR: "内置日历（国务院放假安排）",
    DaySource.HOLIDAYS: "内置日历（国务院放假安排，备用数据）",
    DaySource.ESTIMATE: "推算（该年放假安排未知）",
}


class YearStatus(enum.StrEnum):
    """How much of a year's official schedule the calendar knows."""

    COMPLETE = "complete"  # a package has it, or an admin entered the whole year
    PARTIAL = "partial"  # an admin entered some days but not (yet) the whole year
    UNKNOWN = "unknown"  # nothing: festivals are estimated, 调休 unknown


YEAR_STATUS_LABELS = {
    YearStatus.COMPLETE: "完整",
    YearStatus.PARTIAL: "不完整",
    YearStatus.UNKNOWN: "未知",
}


@dataclass(frozen=True)
class Override:
    """An admin-entered day: a holiday (workday=False) or a make-up working day."""

    day: date
    workday: bool
    name: str | None = None


@dataclass(frozen=True)
class Day:
    """One calendar day as the working-day count sees it."""

    day: date
    workday: bool
    holiday: str | None
    source: DaySource

    @property
    def weekend(self) -> bool:
        """Saturday or Sunday."""
        return self.day.weekday() >= 5

    @property
    def makeup(self) -> bool:
        """A weekend day worked because of 调休."""
        return self.workday and self.weekend

    @property
    def day_off(self) -> bool:
        """A weekday off, or a day that belongs to a named holiday."""
        return not self.workday and (not self.weekend or self.holiday is not None)


def weekday_name(value: date) -> str:
    """周一 … 周日."""
    return "周" + WEEKDAY_NAMES[value.weekday()]


def _holidays_name(raw: str | None) -> str | None:
    """Normalise a ``holidays`` zh_CN name: drop (补假)/(推定), unnamed 调休 rest days."""
    if not raw:
        return None
    if raw.startswith("休息日"):
        return None
    name = re.sub(r"（[^）]*）", "", raw).strip()
    return "春节" if name == "农历除夕" else name or None


@lru_cache(maxsize=64)
def _holidays_year(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year, language="zh_CN")


@lru_cache(maxsize=64)
def holidays_has_official(year: int) -> bool:
    """True when the ``holidays`` package carries the State Council schedule of ``year``.

    Its table of substituted days (internal, hence the guarded import) lists every year it
    took from a notice; a year with 调休 working days is official too.
    """
    try:
        from holidays.countries.china import ChinaStaticHolidays

        table = ChinaStaticHolidays.special_public_holidays
    except (ImportError, AttributeError):
        table = {}
    if year in table:
        return True
    workdays = getattr(_holidays_year(year), "weekend_workdays", ())
    return any(d.year == year for d in workdays)


@lru_cache(maxsize=64)
def chinese_calendar_knows(year: int) -> bool:
    """True when ``chinesecalendar`` has data for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _from_chinese_calendar(value: date) -> Day | None:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(value)
    except NotImplementedError:
        return None
    label = _CC_NAMES.get(name, name) if name else None
    return Day(value, not is_holiday, label, DaySource.CHINESE_CALENDAR)


def _from_holidays(value: date, source: DaySource) -> Day:
    table = _holidays_year(value.year)
    if value in table:
        return Day(value, False, _holidays_name(table.get(value)), source)
    workday = value.weekday() < 5 or value in getattr(table, "weekend_workdays", set())
    return Day(value, workday, None, source)


class WorkCalendar:
    """Answers "is this a working day, and why" for any date."""

    def __init__(self, overrides: Iterable[Override] = (),
                 complete_years: Iterable[int] = ()) -> None:
        self._overrides = {o.day: o for o in overrides}
        self._override_years = {d.year for d in self._overrides}
        self._complete_years = frozenset(complete_years)
        self._cache: dict[date, Day] = {}

    def day(self, value: date) -> Day:
        """The status of ``value`` with its source."""
        found = self._cache.get(value)
        if found is None:
            found = self._cache[value] = self._lookup(value)
        return found

    def is_workday(self, value: date) -> bool:
        """True on a working day (including 调休 make-up days)."""
        return self.day(value).workday

    def year_source(self, year: int) -> DaySource:
        """Which source decides the days of ``year`` (ESTIMATE when none knows it)."""
        if chinese_calendar_knows(year):
            return DaySource.CHINESE_CALENDAR
        if holidays_has_official(year):
            return DaySource.HOLIDAYS
        if year in self._complete_years:
            return DaySource.OVERRIDE
        return DaySource.ESTIMATE

    def year_known(self, year: int) -> bool:
        """True when some source knows the whole official schedule of ``year``."""
        return self.year_source(year) is not DaySource.ESTIMATE

    def year_status(self, year: int) -> YearStatus:
        """Complete (known), partial (some days entered, year not complete) or unknown."""
        if self.year_known(year):
            return YearStatus.COMPLETE
        return YearStatus.PARTIAL if year in self._override_years else YearStatus.UNKNOWN

    def _lookup(self, value: date) -> Day:
        override = self._overrides.get(value)
        if override is not None:
            return Day(value, override.workday, override.name, DaySource.OVERRIDE)
        source = self.year_source(value.year)
        if source is DaySource.CHINESE_CALENDAR:
            day = _from_chinese_calendar(value)
            if day is not None:
                return day
        if source is DaySource.OVERRIDE:
            return Day(value, value.weekday() < 5, None, DaySource.OVERRIDE)
        return _from_holidays(value, source)

    def next_workday(self, value: date, limit: int = 60) -> date:
        """``value`` itself when it is a working day, else the next working day."""
        for offset in range(limit):
            candidate = value + timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no working day within {limit} days of {value}")


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar without admin overrides (for pure callers and the CLI without a DB)."""
    return WorkCalendar()
