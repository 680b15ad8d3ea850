"""Legal deadlines on the working-day calendar, each able to explain itself.

Public entry points: :func:`due_at`, :func:`is_overdue`, :func:`is_due_soon`,
:func:`resolve_rule`, :class:`WorkCalendar`. Everything here is pure (no database); admin
overrides and configured rules are loaded by :mod:`tracker.deadlines.store`.
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
    KIND_LABELS,
    LEVEL_LABELS,
    ClockStart,
    Kind,
    Level,
    SlaRule,
    Unit,
    parse_level,
    resolve_rule,
)

__all__ = [
    "CONSULTATION_DAYS", "CORRECTION_NOTICE_DAYS", "DEFAULT_RULES", "KIND_LABELS",
    "LEVEL_LABELS", "SHANGHAI", "ClockStart", "Day", "DaySource", "Deadline", "Kind", "Level",
    "Milestone", "Override", "Pause", "SlaRule", "Unit", "WorkCalendar", "add_working_days",
    "default_calendar", "due_at", "is_due_soon", "is_overdue", "parse_level", "resolve_rule",
    "weekday_name",
]
