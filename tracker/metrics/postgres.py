"""PostgreSQL: percentiles with ``percentile_cont`` and working days from grouped day pairs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import case, func, literal, select, union_all

from tracker.metrics.constants import ALL, WORKDAY_KINDS
from tracker.metrics.workdays import WorkdayCounter
from tracker.models import LedgerEntry

if TYPE_CHECKING:
    from tracker.metrics.query import Query


def percentile_rows(rows, overall: bool = True):
    """P50/P90 of ``v`` per group and overall, P50 of ``a`` overall.

    ``rows`` selects ``g`` (group), ``v`` (reply hours or NULL) and ``a`` (acknowledgement
    hours or NULL); the result rows are ``(is_total, g, v50, v90, a50)``. The
    acknowledgement median is overall only (per department the mean is reported).
    ``overall=False`` leaves out every overall figure.
    """
    d = rows.subquery()
    pc = [func.percentile_cont(0.5).within_group(d.c.v),
          func.percentile_cont(0.9).within_group(d.c.v),
          func.percentile_cont(0.5).within_group(d.c.a)]
    grouped = select(literal(0), d.c.g, *pc[:2], literal(None)).group_by(d.c.g)
    return union_all(grouped, select(literal(1), literal(None), *pc)) if overall else grouped


def _floats(values) -> tuple:
    return tuple(None if x is None else float(x) for x in values)


def percentiles(query: Query, group, overall: bool = True) -> tuple[dict, dict]:
    """Reply-hour (P50, P90) per group and under ``ALL``; acknowledgement P50 under ``ALL``
    (the ``ALL`` figures only when ``overall``)."""
    e = LedgerEntry
    rows = select(group.label("g"),
                  case((query.good, query.hours(e.replied_at, e.received_at))).label("v"),
                  case((query.acked, query.hours(e.first_ack_at, e.received_at))).label("a"),
                  ).where(*query.scope)
    replies, acks = {}, {}
    for row in query.session.execute(percentile_rows(rows, overall)):
        key = ALL if row[0] else row[1]  # (is_total, g, reply p50, p90, ack p50 or NULL)
        replies[key] = _floats(row[2:4])
        if row[0]:
            acks[key] = _floats(row[4:5])
    return replies, acks


def workdays(query: Query, group, counter: WorkdayCounter) -> dict:
    """``{group: [(workdays, count)]}`` plus key ``ALL``, for messages and disclosures."""
    e = LedgerEntry
    got, answered = query.local_day(e.received_at), query.local_day(e.replied_at)
    # The kind is grouped on, not filtered on: a kind filter would steer SQLite onto the
    # kind index (and every table row) instead of the covering metrics index.
    stmt = (
        select(group.label("g"), e.kind, got, answered, func.count())
        .where(*query.scope, query.replied, e.replied_at >= e.received_at)
        .group_by(group, e.kind, got, answered)
    )
    out: dict = defaultdict(list)
    for key, kind, received, replied, count in query.session.execute(stmt):
        if kind not in WORKDAY_KINDS:
            continue
        days = counter.between(_as_date(received), _as_date(replied))
        out[key].append((days, count))
        out[ALL].append((days, count))
    return out


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
