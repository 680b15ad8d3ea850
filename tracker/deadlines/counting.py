"""Counting working days and calendar days on a :class:`WorkCalendar`, keeping a trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.deadlines.calendar import Day, WorkCalendar

#: Bound on any count, so a broken calendar can never loop forever.
MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class Pause:
    """A consultation pause: working days after ``start`` up to ``end`` are not counted.

    The day the consultation is sent still counts (work was done on it); the day the answer
    arrives does not, like the day of receipt. ``end=None`` means still waiting.
    """

    start: date
    end: date | None = None
    reason: str = "征求第三方意见"

    def covers(self, value: date) -> bool:
        """True when ``value`` falls inside the pause."""
        return value > self.start and (self.end is None or value <= self.end)


@dataclass
class Trace:
    """What a count went through: every day looked at, and the working days counted."""

    days: list[Day] = field(default_factory=list)
    counted: list[date] = field(default_factory=list)
    paused: list[date] = field(default_factory=list)


def first_counted_day(received: date, receipt_day_counts: bool) -> date:
    """民法典 Art. 201: the starting day is not counted unless the setting says so."""
    return received if receipt_day_counts else received + timedelta(days=1)


def add_working_days(
    calendar: WorkCalendar, start: date, count: int, pauses: Sequence[Pause] = (),
) -> tuple[date | None, Trace]:
    """Walk from ``start`` (inclusive) until ``count`` working days are counted.

    Returns the day the count completes (``None`` when an open pause stops the clock) and
    the trace. With ``count == 0`` the due day is the first working day from ``start``.
    """
    trace = Trace()
    current = start
    for _ in range(MAX_SPAN_DAYS):
        day = calendar.day(current)
        trace.days.append(day)
        if day.workday:
            open_pause = next((p for p in pauses if p.end is None and p.covers(current)), None)
            if open_pause is not None:
                return None, trace
            if any(p.covers(current) for p in pauses):
                trace.paused.append(current)
            elif count == 0:
                return current, trace
            else:
                trace.counted.append(current)
                if len(trace.counted) == count:
                    return current, trace
        current += timedelta(days=1)
    raise ValueError(f"cannot count {count} working days from {start}")


def add_calendar_days(
    calendar: WorkCalendar, start: date, count: int,
) -> tuple[date, date, Trace]:
    """Count ``count`` natural days from ``start`` (inclusive), then move a deadline that
    lands on a rest day to the next working day (民法典 Art. 203).

    Returns (nominal day, due day, trace of the days after the nominal day).
    """
    nominal = start + timedelta(days=max(count - 1, 0))
    due = calendar.next_workday(nominal)
    trace = Trace()
    current = nominal
    while current <= due:
        trace.days.append(calendar.day(current))
        current += timedelta(days=1)
    return nominal, due, trace


def holiday_spans(days: Sequence[Day]) -> list[tuple[date, date, list[str]]]:
    """Maximal runs of rest days that contain a holiday: (first, last, festival names)."""
    spans: list[tuple[date, date, list[str]]] = []
    run: list[Day] = []
    for day in [*days, None]:
        if day is not None and not day.workday:
            run.append(day)
            continue
        if run and any(d.day_off for d in run):
            names: list[str] = []
            for d in run:
                if d.holiday and d.holiday not in names:
                    names.append(d.holiday)
            spans.append((run[0].day, run[-1].day, names))
        run = []
    return spans


def makeup_days(days: Sequence[Day], counted: Sequence[date]) -> list[Day]:
    """The 调休 weekend working days that were counted."""
    counted_set = set(counted)
    return [d for d in days if d.makeup and d.day in counted_set]
