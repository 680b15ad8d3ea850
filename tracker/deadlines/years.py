"""Whole years of the official schedule in the database: importing a State Council notice,
confirming that the days entered by hand are the whole year, and each year's status.

A year is known (deadlines through it carry no warning) only when its whole schedule is
entered; one entered holiday does not make the rest of the year known (calendar.py rule 4).
Callers open the transaction as writers and commit (the CLI's ``session_scope(write=True)``, a
web POST).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.deadlines.calendar import (
    SOURCE_LABELS,
    YEAR_STATUS_LABELS,
    DaySource,
    Override,
    YearStatus,
)
from tracker.deadlines.notice import NoticeError, NoticeSchedule
from tracker.deadlines.store import load_calendar
from tracker.models import audit
from tracker.models.ledger import HolidayOverride, HolidayYear

YEAR_SOURCE_LABELS = {"notice": "导入国务院放假通知", "confirmed": "逐日录入并确认完整"}


@dataclass(frozen=True)
class ImportResult:
    """What importing a notice changed."""

    year: int
    stored: int
    removed: int
    replaced: bool


@dataclass(frozen=True)
class YearInfo:
    """One year as the holiday-calendar page and ``yuqing ledger holiday list`` show it."""

    year: int
    status: YearStatus
    source: str
    entered: int
    how: str | None = None
    notice_number: str | None = None
    updated_at: datetime | None = None

    @property
    def status_label(self) -> str:
        """完整 / 不完整 / 未知."""
        return YEAR_STATUS_LABELS[self.status]


def _label(workday: bool | None, name: str | None) -> str | None:
    if workday is None:
        return None
    return f"{'上班' if workday else '放假'} {name or ''}".strip()


def _store_day(session: Session, row: HolidayOverride | None, day: Override, year: int,
               note: str, actor_id: int | None) -> None:
    old = None if row is None else _label(row.workday, row.name)
    if row is None:
        row = HolidayOverride(day=day.day, created_by_id=actor_id)
        session.add(row)
    row.workday, row.name, row.note, row.schedule_year = day.workday, day.name, note, year
    audit.record(session, entity_type="holiday", entity_id=day.day.isoformat(), action="import",
                 actor_id=actor_id, changes={"day": (old, _label(day.workday, day.name))})


def _mark_complete(session: Session, year: int, source: str, actor_id: int | None, *,
                   days: int, number: str | None = None, note: str | None = None) -> None:
    row = session.scalar(select(HolidayYear).where(HolidayYear.year == year))
    old = None if row is None or not row.complete else YEAR_SOURCE_LABELS.get(row.source)
    if row is None:
        row = HolidayYear(year=year)
        session.add(row)
    row.complete, row.source, row.notice_number, row.days = True, source, number, days
    row.note, row.updated_by_id = note, actor_id
    audit.record(session, entity_type="holiday_year", entity_id=year, action=source,
                 actor_id=actor_id, changes={"complete": (old, YEAR_SOURCE_LABELS[source])},
                 detail={"days": days, "number": number})


def import_notice(session: Session, schedule: NoticeSchedule, *,
                  actor_id: int | None = None) -> ImportResult:
    """Store every day of a parsed notice and mark its year complete, in the caller's
    transaction; the days of an earlier import of the same year that the notice no longer
    names are removed. Raises :class:`NoticeError` (nothing stored) for a faulty notice."""
    if not schedule.ok or schedule.year is None:
        raise NoticeError(schedule.errors or ("通知中没有可导入的放假安排",))
    year, days = schedule.year, {o.day: o for o in schedule.overrides()}
    rows = {r.day: r for r in session.scalars(select(HolidayOverride).where(or_(
        HolidayOverride.schedule_year == year, HolidayOverride.day.in_(list(days)))))}
    replaced = session.scalar(select(HolidayYear.id).where(
        HolidayYear.year == year, HolidayYear.source == "notice")) is not None
    removed = 0
    for day, row in sorted(rows.items()):
        if day not in days:
            audit.record(session, entity_type="holiday", entity_id=day.isoformat(),
                         action="remove", actor_id=actor_id,
                         changes={"day": (_label(row.workday, row.name), None)})
            session.delete(row)
            removed += 1
    session.flush()
    for day, entry in sorted(days.items()):
        _store_day(session, rows.get(day), entry, year, schedule.source_note, actor_id)
    _mark_complete(session, year, "notice", actor_id, days=len(days), number=schedule.number,
                   note=schedule.title)
    session.flush()
    return ImportResult(year, len(days), removed, replaced)


def _entered(session: Session, year: int) -> int:
    return session.scalar(select(func.count(HolidayOverride.id)).where(
        HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))) or 0


def confirm_year(session: Session, year: int, *, actor_id: int | None = None,
                 note: str | None = None) -> None:
    """Record that the days entered by hand are the whole official schedule of ``year``.

    Raises ValueError (a Chinese message) when a calendar package already has the year or
    no day of it is entered."""
    calendar = load_calendar(session)
    if calendar.year_source(year) in (DaySource.CHINESE_CALENDAR, DaySource.HOLIDAYS):
        raise ValueError(f"{year} 年的放假安排已由{SOURCE_LABELS[calendar.year_source(year)]}"
                         "收录，无需确认")
    entered = _entered(session, year)
    if not entered:
        raise ValueError(f"{year} 年还没有录入任何日期；请先导入国务院放假通知或逐日录入")
    _mark_complete(session, year, "confirmed", actor_id, days=entered, note=note)
    session.flush()


def year_overview(session: Session, this_year: int) -> list[YearInfo]:
    """Last year to two years ahead, plus every year with entered days: status and source."""
    calendar = load_calendar(session)
    rows = {r.year: r for r in session.scalars(select(HolidayYear))}
    entered_years = {d.year for d in session.scalars(select(HolidayOverride.day))}
    years = sorted(set(range(this_year - 1, this_year + 3)) | entered_years | set(rows))
    infos = []
    for year in years:
        row = rows.get(year) if rows.get(year) and rows[year].complete else None
        infos.append(YearInfo(
            year, calendar.year_status(year), _source_text(calendar.year_status(year),
                                                           calendar.year_source(year), row),
            _entered(session, year), YEAR_SOURCE_LABELS.get(row.source) if row else None,
            row.notice_number if row else None, row.updated_at if row else None))
    return infos


def _source_text(status: YearStatus, source: DaySource, row: HolidayYear | None) -> str:
    """Where a year's schedule comes from, in words."""
    if status is YearStatus.PARTIAL:
        return "管理员录入了部分日期，未确认全年完整；其余按推算"
    if source is DaySource.OVERRIDE and row is not None:
        number = f"（{row.notice_number}）" if row.notice_number else ""
        return f"管理员{YEAR_SOURCE_LABELS[row.source]}{number}"
    return SOURCE_LABELS[source]
