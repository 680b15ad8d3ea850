"""Legal deadlines on the working-day calendar, each able to explain itself.

Public entry points: :func:`due_at`, :func:`is_overdue`, :func:`is_due_soon`,
:func:`resolve_rule`, :class:`WorkCalendar`. Everything here is pure (no database); admin
overrides and configured rules are loaded by :mod:`tracker.deadlines.store`. Kinds and levels
are words of :mod:`tracker.vocabulary`.
"""

from tracker.deadlines.calendar import (
    Day,
    DaySource,
    Override,
    WorkCalendar,
    default_calendar,
    weekday_name,
)
from tracker.deadlines.compute import (
    SHANGHAI,
    Deadline,
    Milestone,
    due_at,
    is_due_soon,
    is_overdue,
)
from tracker.deadlines.counting import Pause, add_working_days
from tracker.deadlines.rules import (
    CONSULTATION_DAYS,
    CORRECTION_NOTICE_DAYS,
    DEFAULT_RULES,
    ClockStart,
    SlaRule,
    Unit,
    resolve_rule,
)

__all__ = [
    "CONSULTATION_DAYS", "CORRECTION_NOTICE_DAYS", "DEFAULT_RULES", "SHANGHAI", "ClockStart",
    "Day", "DaySource", "Deadline", "Milestone", "Override", "Pause", "SlaRule", "Unit",
    "WorkCalendar", "add_working_days", "default_calendar", "due_at", "is_due_soon",
    "is_overdue", "resolve_rule", "weekday_name",
]
