"""Legal deadlines on the working-day calendar, each able to explain itself.

Public entry points: :func:`due_at`, :func:`is_overdue`, :func:`is_due_soon`,
:func:`resolve_rule`, :class:`WorkCalendar`, :func:`parse_notice` (the State Council's yearly
holiday notice). Everything here is pure (no database) except :mod:`tracker.deadlines.store`
(admin overrides, complete years, configured rules) and :mod:`tracker.deadlines.years`
(importing a notice, confirming a year complete, each year's status). Kinds and levels are
words of :mod:`tracker.vocabulary`.
"""

from tracker.deadlines.calendar import (
    SOURCE_LABELS,
    YEAR_STATUS_LABELS,
    Day,
    DaySource,
    Override,
    WorkCalendar,
    YearStatus,
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
from tracker.deadlines.notice import (
    FESTIVALS,
    Festival,
    NoticeError,
    NoticeSchedule,
    cn_day,
    day_spans,
    describe,
    describe_days,
    parse_notice,
)
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
from tracker.deadlines.store import (
    DeadlineContext,
    complete_years,
    deadline_context,
    load_calendar,
    load_overrides,
    set_override,
)
from tracker.deadlines.years import (
    ImportResult,
    YearInfo,
    confirm_year,
    import_notice,
    year_overview,
)

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
    "FESTIVALS",
    "Festival",
    "ImportResult",
    "Milestone",
    "NoticeError",
    "NoticeSchedule",
    "Override",
    "Pause",
    "SHANGHAI",
    "SOURCE_LABELS",
    "SlaRule",
    "UNANSWERED_RED_FLAG_MONTHS",
    "UNIT_LABELS",
    "Unit",
    "WorkCalendar",
    "YEAR_STATUS_LABELS",
    "YearInfo",
    "YearStatus",
    "add_working_days",
    "cn_day",
    "complete_years",
    "confirm_year",
    "day_spans",
    "deadline_context",
    "default_calendar",
    "describe",
    "describe_days",
    "due_at",
    "first_counted_day",
    "import_notice",
    "is_due_soon",
    "is_overdue",
    "load_calendar",
    "load_overrides",
    "parse_notice",
    "resolve_rule",
    "set_override",
    "weekday_name",
    "year_overview",
]
