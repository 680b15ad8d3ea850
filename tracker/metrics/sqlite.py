"""SQLite: no percentile function and a slow sorter, so SQL reads and Python ranks.

SQLite's sorter needs about 0.2 s for each ordering of 75,000 rows (measured: ``ROW_NUMBER``
windows cost 0.58 s of a 1.0 s month), so SQL computes each entry's Julian days in one
unsorted pass and Python ranks them (same type-7 formula, same values as PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select

from tracker.metrics.constants import ALL, WORKDAY_KINDS
from tracker.metrics.percentiles import percentiles
from tracker.metrics.workdays import WorkdayCounter
from tracker.models import LedgerEntry

if TYPE_CHECKING:
    from tracker.metrics.query import Query


def _from_jdn(number: int) -> date:
    """The date of a Julian day number (JDN 1721426 is 0001-01-01)."""
    return date.fromordinal(number - 1721425)


def _hours(later: float, earlier: float) -> float:
    """Julian days apart in hours, rounded to the millisecond as :func:`hours_between`."""
    return round((later - earlier) * 86400000.0) / 3600000.0


def ranked_in_python(query: Query, group, overall: bool,
                     counter: WorkdayCounter | None) -> tuple[dict, dict, dict]:
    """The reply-hour percentiles, acknowledgement median and working days of one pass.

    SQL selects the entries of the period with the Julian days of their receipt, reply
    (NULL when it does not count) and acknowledgement; Python turns them into hours and
    local days, sorts the hours for the type-7 percentiles, and counts working days once
    per pair of days. Returns what PostgreSQL's ``percentiles`` and ``workdays`` return.
    """
    e = LedgerEntry
    stmt = select(group, e.kind, func.julianday(e.received_at),
                  case((query.good, func.julianday(e.replied_at))),
                  case((query.acked, func.julianday(e.first_ack_at)))).where(*query.scope)
    # Julian day number of the local day: JD starts at noon UTC, plus the zone offset.
    shift = 0.5 + query.lower.astimezone(query.tz).utcoffset().total_seconds() / 86400
    hours: dict = defaultdict(list)
    ack_hours: list[float] = []
    pairs: dict = defaultdict(int)
    for key, kind, got, reply, ack in query.session.connection().execute(stmt).all():
        if ack is not None:
            ack_hours.append(_hours(ack, got))
        if reply is None:
            continue
        hours[key].append(_hours(reply, got))
        if kind in WORKDAY_KINDS:
            pairs[key, int(got + shift), int(reply + shift)] += 1
    replies = {key: percentiles(values) for key, values in hours.items()}
    acks: dict = {}
    if overall:
        replies[ALL] = percentiles([v for values in hours.values() for v in values])
        acks[ALL] = percentiles(ack_hours, (0.5,))
    return replies, acks, _workdays(pairs, counter)


def _workdays(pairs: dict, counter: WorkdayCounter | None) -> dict:
    """``{group: [(workdays, count)]}`` plus key ``ALL`` from counts per (group, day, day)."""
    days: dict = defaultdict(list)
    if counter is not None:
        for (key, got_day, reply_day), count in pairs.items():
            spent = counter.between(_from_jdn(got_day), _from_jdn(reply_day))
            days[key].append((spent, count))
            days[ALL].append((spent, count))
    return days
