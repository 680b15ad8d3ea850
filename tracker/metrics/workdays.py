"""Working days between a receipt day and a reply day, on the official calendar with 调休."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session


class WorkdayCounter:
    """Working days from a receipt day to a reply day, on the official calendar."""

    def __init__(self, work_calendar, receipt_day_counts: bool) -> None:
        self._calendar = work_calendar
        self._receipt_day_counts = receipt_day_counts
        self._first: date | None = None
        self._running: list[int] = []  # working days in [first, first + i]

    def _index(self, day: date) -> int:
        if self._first is None or day < self._first:
            self._first, self._running = day, []  # rebuilt from the earlier day on demand
        offset = (day - self._first).days
        while len(self._running) <= offset:
            current = self._first + timedelta(days=len(self._running))
            previous = self._running[-1] if self._running else 0
            self._running.append(previous + (1 if self._calendar.is_workday(current) else 0))
        return self._running[offset]

    def between(self, received: date, replied: date) -> int:
        """Working days after ``received`` up to ``replied`` (plus the receipt day if set)."""
        if replied <= received:
            count = 0
        else:
            self._index(received)  # anchors the running count at or before ``received``
            count = self._index(replied) - self._index(received)
        if self._receipt_day_counts and self._calendar.is_workday(received):
            count += 1
        return count


def work_calendar_for(session: Session):
    """The working-day calendar with the admin-entered days and complete years."""
    from tracker.deadlines import load_calendar

    return load_calendar(session)
