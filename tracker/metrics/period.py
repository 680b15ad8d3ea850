"""Reporting periods: whole local days, both ends included."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``year-month``."""
        last = _calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """Parse ``YYYY-MM``."""
        year, month = (int(part) for part in text.split("-"))
        return cls.month(year, month)

    def shifted_months(self, months: int) -> Period:
        """The calendar month ``months`` away from the month of ``start``."""
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period.month(index // 12, index % 12 + 1)

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The half-open UTC interval ``[start 00:00, end+1 00:00)`` in ``tz``."""
        lower = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        upper = datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
        return lower, upper

    @property
    def label(self) -> str:
        """``2019-04-01 至 2019-04-30``."""
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"
