"""What the app accepts from a URL, a query string or a form, checked at the boundary.

Every id column is an ``INTEGER``: PostgreSQL refuses a value above 2**31 - 1 ("integer out
of range") and SQLite one above 2**63 - 1, and either refusal used to surface as a 500. Times
outside the years the deadline code and the calendars can work with (adding working days to
9999-12-31, or moving 0001-01-01 from Shanghai to UTC, overflows ``datetime``) are refused
the same way: a path id out of range is a 404, a value out of range a 400 with a Chinese
message.
"""

from __future__ import annotations

from datetime import date, datetime

from werkzeug.routing import IntegerConverter

#: The largest value of an ``INTEGER`` id column on PostgreSQL (and so on both backends).
ID_MAX = 2**31 - 1
#: Years a date or time entered in the app may fall in (deadlines, reports, filters).
MIN_YEAR, MAX_YEAR = 2000, 2099
YEARS_TEXT = f"{MIN_YEAR}—{MAX_YEAR} 年"


class OutOfRange(ValueError):
    """A well-formed value the app cannot work with; the message is Chinese, for the page."""


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: an id the database can hold, else no match (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = ID_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(value: object) -> int | None:
    """The id in ``value`` (text of digits or an int) when a table could hold it, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= ID_MAX else None


def year_ok(value: date | datetime | None) -> bool:
    """True when ``value`` is empty or falls in the years the app works with."""
    return value is None or MIN_YEAR <= value.year <= MAX_YEAR


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date, None when empty or not a date; OutOfRange beyond the years."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if not year_ok(day):
        raise OutOfRange(f"日期超出范围（须在 {YEARS_TEXT}之间）")
    return day


def month_ok(text: str) -> bool:
    """True for a ``YYYY-MM`` month in the years the app works with."""
    year, _, month = text.partition("-")
    return year.isdigit() and month.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR \
        and 1 <= int(month) <= 12
