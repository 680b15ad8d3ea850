"""Admin-entered calendar days, complete years and configured SLA rules, read from (and
written to) the DB. Importing a whole notice is :mod:`tracker.deadlines.years`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.deadlines.calendar import Override, WorkCalendar
from tracker.deadlines.compute import SHANGHAI
from tracker.deadlines.rules import ClockStart, SlaRule, Unit, resolve_rule
from tracker.models import audit
from tracker.models.ledger import HolidayOverride, HolidayYear, SlaRuleRow
from tracker.vocabulary import Kind, parse_level


@dataclass(frozen=True)
class DeadlineContext:
    """Everything a due-time computation needs besides the entry: calendar, rules, zone."""

    calendar: WorkCalendar
    rules: tuple[SlaRule, ...] = ()
    tz: tzinfo = SHANGHAI
    receipt_day_counts: bool = False

    def rule_for(self, kind: Kind | str, *, level: str | None = None, board: str | None = None,
                 category: str | None = None) -> SlaRule:
        """The most specific rule for these attributes."""
        return resolve_rule(kind, level=level, board=board, category=category, rules=self.rules)


def load_overrides(session: Session) -> list[Override]:
    """Every admin-entered calendar day."""
    rows = session.scalars(select(HolidayOverride).order_by(HolidayOverride.day))
    return [Override(r.day, r.workday, r.name) for r in rows]


def complete_years(session: Session) -> set[int]:
    """The years whose whole schedule is entered (notice imported or confirmed complete)."""
    return set(session.scalars(select(HolidayYear.year).where(HolidayYear.complete.is_(True))))


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with every entered day and the complete years."""
    return WorkCalendar(load_overrides(session), complete_years(session))


def row_to_rule(row: SlaRuleRow) -> SlaRule:
    """A configured rule row as a :class:`SlaRule`."""
    return SlaRule(
        kind=Kind(row.kind), limit=row.time_limit, unit=Unit(row.unit),
        level=parse_level(row.level), board=row.board or None, category=row.category or None,
        extended_limit=row.extended_limit, second_limit_hours=row.second_limit_hours,
        clock_start=ClockStart(row.clock_start), configured=True,
    )


def load_rules(session: Session) -> tuple[SlaRule, ...]:
    """The active configured SLA rules."""
    rows = session.scalars(select(SlaRuleRow).where(SlaRuleRow.active.is_(True))
                           .order_by(SlaRuleRow.id))
    return tuple(row_to_rule(r) for r in rows)


def deadline_context(session: Session, *, tz: tzinfo | None = None,
                     receipt_day_counts: bool | None = None) -> DeadlineContext:
    """Build the context from the database; zone and receipt-day setting from settings."""
    if tz is None or receipt_day_counts is None:
        from tracker.settings import load_settings

        settings = load_settings()
        tz = tz or settings.tz
        receipt_day_counts = (settings.receipt_day_counts if receipt_day_counts is None
                              else receipt_day_counts)
    return DeadlineContext(load_calendar(session), load_rules(session), tz,
                           receipt_day_counts)


def set_override(session: Session, day: date, workday: bool, name: str | None,
                 note: str | None = None, actor_id: int | None = None) -> HolidayOverride:
    """Enter (or change) one day of the official schedule by hand; audited.

    The day no longer counts as a notice's day (``schedule_year``), so re-importing that
    notice keeps what the admin entered unless the notice itself names the day."""
    row = session.scalar(select(HolidayOverride).where(HolidayOverride.day == day))
    old = None if row is None else f"{'上班' if row.workday else '放假'} {row.name or ''}".strip()
    if row is None:
        row = HolidayOverride(day=day, workday=workday, name=name, note=note,
                              created_by_id=actor_id)
        session.add(row)
    else:
        row.workday, row.name, row.note, row.schedule_year = workday, name, note, None
    session.flush()
    new = f"{'上班' if workday else '放假'} {name or ''}".strip()
    audit.record(session, entity_type="holiday", entity_id=day.isoformat(), action="set",
                 actor_id=actor_id, changes={"day": (old, new)})
    return row
