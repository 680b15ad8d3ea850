"""Legal deadlines on the working-day calendar, each able to explain itself.

Public entry points: :func:`due_at`, :func:`is_overdue`, :func:`is_due_soon`,
:func:`resolve_rule`, :class:`WorkCalendar`. Everything here is pure (no database); admin
overrides and configured rules are loaded by :mod:`tracker.deadlines.store`. Kinds and levels
are words of :mod:`tracker.vocabulary`.
"""

from tracker.deadlines.calendar import (
    SOURCE_LABELS,
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
from tracker.deadlines.counting import Pause, add_working_days, first_counted_day
from tracker.deadlines.rules import (
    CLOCK_START_LABELS,
    CONSULTATION_DAYS,
    CORRECTION_NOTICE_DAYS,
    DEFAULT_RULES,
    UNANSWERED_RED_FLAG_MONTHS,
    UNIT_LABELS,
    ClockStart,
    SlaRule,
    Unit,
    resolve_rule,
)
from tracker.deadlines.store import DeadlineContext, deadline_context, load_overrides, set_override

__all__ = [
    "CLOCK_START_LABELS",
    "CONSULTATION_DAYS",
    "CORRECTION_NOTICE_DAYS",
    "ClockStart",
    "DEFAULT_RULES",
    "Day",
    "DaySource",
    "Deadline",
    "DeadlineContext",
    "Milestone",
    "Override",
    "Pause",
    "SHANGHAI",
    "SOURCE_LABELS",
    "SlaRule",
    "UNANSWERED_RED_FLAG_MONTHS",
    "UNIT_LABELS",
    "Unit",
    "WorkCalendar",
    "add_working_days",
    "deadline_context",
    "default_calendar",
    "due_at",
    "first_counted_day",
    "is_due_soon",
    "is_overdue",
    "load_overrides",
    "resolve_rule",
    "set_override",
    "weekday_name",
]
