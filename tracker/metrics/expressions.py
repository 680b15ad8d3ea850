"""SQL expressions that differ by dialect: hours between timestamps, local days and months."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, case, cast, func
from sqlalchemy.sql.elements import ColumnElement


def hours_between(dialect: str, later, earlier) -> ColumnElement:
    """``later - earlier`` in hours, as a float, on SQLite or PostgreSQL."""
    if dialect == "sqlite":
        # julianday() differences carry ~50 µs of float noise; rounding to the millisecond
        # makes them exact for the stored (microsecond) timestamps at that precision.
        return func.round((func.julianday(later) - func.julianday(earlier)) * 86400000.0) \
            / 3600000.0
    return cast(func.extract("epoch", later - earlier), Float) / 3600.0


def local_date(dialect: str, column, tz: ZoneInfo, at: datetime) -> ColumnElement:
    """The local calendar day of a UTC timestamp column.

    SQLite has no zone database: it shifts by the zone's offset at ``at`` (exact for
    Asia/Shanghai, which has no daylight saving time).
    """
    if dialect == "sqlite":
        minutes = int(at.astimezone(tz).utcoffset().total_seconds() // 60)
        return func.date(column, f"{minutes:+d} minutes")
    return cast(func.timezone(str(tz), column), Date)


def local_month(dialect: str, column, tz: ZoneInfo, at: datetime) -> ColumnElement:
    """The local ``YYYY-MM`` of a UTC timestamp column (SQLite: the offset at ``at``)."""
    if dialect == "sqlite":
        minutes = int(at.astimezone(tz).utcoffset().total_seconds() // 60)
        return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
    return func.to_char(func.timezone(str(tz), column), "YYYY-MM")


def count_if(condition: ColumnElement) -> ColumnElement:
    """The number of rows for which ``condition`` holds."""
    return func.sum(case((condition, 1), else_=0))
