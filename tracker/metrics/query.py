"""The metrics queries: one period and kind as known at ``as_of``, grouped in SQL.

The counts, rates and means are one grouped pass on either database; the percentiles and
working days come from :mod:`tracker.metrics.postgres` or :mod:`tracker.metrics.sqlite`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tracker.metrics import postgres, sqlite
from tracker.metrics.constants import (
    ALL,
    EXCLUDED_STATUSES,
    KINDS,
    UNASSIGNED,
    WORKDAY_KINDS,
)
from tracker.metrics.expressions import count_if, hours_between, local_date, local_month
from tracker.metrics.period import Period
from tracker.metrics.results import (
    DepartmentMetrics,
    Metrics,
    MetricsResult,
    SummedRow,
    fill,
    rank_departments,
)
from tracker.metrics.workdays import WorkdayCounter, work_calendar_for
from tracker.models import Department, LedgerEntry
from tracker.settings import Settings
from tracker.vocabulary import SATISFIED, MessageStatus

#: 历史遗留 messages have no due time until someone decides, so no overdue figure counts
#: them; ``legacy_open`` says how many there are (tracker.ledger.archive).
LEGACY = MessageStatus.LEGACY.value


class Query:
    """The entries of one period and kind, as known at ``as_of``, on one database."""

    def __init__(self, session: Session, period: Period, settings: Settings,
                 kind: str | None, as_of: datetime) -> None:
        self.session, self.period, self.kind, self.as_of = session, period, kind, as_of
        self.settings, self.tz = settings, settings.tz
        self.dialect = session.get_bind().dialect.name
        self.lower, self.upper = period.utc_bounds(self.tz)
        e = LedgerEntry
        self.scope = [e.received_at >= self.lower, e.received_at < self.upper,
                      e.status.not_in(EXCLUDED_STATUSES)]
        if kind is not None:
            self.scope.append(e.kind == kind)
        self.replied = and_(e.replied_at.is_not(None), e.replied_at <= as_of)
        #: Replies that count in the reply-time statistics (not recorded before receipt).
        self.good = and_(self.replied, e.replied_at >= e.received_at)
        self.acked = and_(e.first_ack_at.is_not(None), e.first_ack_at <= as_of,
                          e.first_ack_at >= e.received_at)

    def key(self, group) -> ColumnElement:
        """The grouping expression. On SQLite a bare indexed column lets the planner walk a
        department or kind index for GROUP BY and fetch every table row; an expression
        (``coalesce(col, NULL)``, the same value) keeps it on the covering metrics index."""
        return func.coalesce(group, None) if self.dialect == "sqlite" else group

    def hours(self, later, earlier) -> ColumnElement:
        """``later - earlier`` in hours."""
        return hours_between(self.dialect, later, earlier)

    def local_day(self, column) -> ColumnElement:
        """The local day of a timestamp column."""
        return local_date(self.dialect, column, self.tz, self.lower)

    def local_month(self, column) -> ColumnElement:
        """The local ``YYYY-MM`` of a timestamp column."""
        return local_month(self.dialect, column, self.tz, self.lower)

    def counts(self, group) -> list:
        """One grouped pass: the additive figures of each group."""
        e, replied, good, acked = LedgerEntry, self.replied, self.good, self.acked
        closed = and_(e.closed_at.is_not(None), e.closed_at <= self.as_of)
        # As the ledger's red flags: closed without a reply, or a paused clock, is not overdue.
        overdue = and_(~replied, ~closed, e.paused_since.is_(None), e.due_at.is_not(None),
                       e.due_at < self.as_of)
        stmt = select(
            group.label("g"),
            func.count().label("received"),
            count_if(replied).label("replied"),
            count_if(good).label("timed"),
            func.sum(case((good, self.hours(e.replied_at, e.received_at)), else_=0.0))
            .label("hours_sum"),
            count_if(overdue).label("overdue_open"),
            count_if(and_(~replied, ~closed, e.status == LEGACY)).label("legacy_open"),
            count_if(closed).label("closed"),
            count_if(and_(replied, e.replied_at <= e.due_at)).label("on_time"),
            count_if(and_(replied, e.due_at.is_not(None))).label("replied_with_due"),
            count_if(acked).label("acknowledged"),
            func.sum(case((acked, self.hours(e.first_ack_at, e.received_at)), else_=0.0))
            .label("ack_sum"),
            count_if(and_(replied, e.published_at.is_not(None),
                          e.published_at <= self.as_of)).label("published"),
            count_if(e.satisfaction.is_not(None)).label("rated"),
            count_if(e.satisfaction.in_(SATISFIED)).label("satisfied"),
        ).where(*self.scope).group_by(group)
        return list(self.session.execute(stmt))

    def ranked(self, group, overall: bool, counter: WorkdayCounter | None):
        """``(replies, acks, days)``: percentiles and working days, as the dialect does it."""
        if self.dialect == "sqlite":
            return sqlite.ranked_in_python(self, group, overall, counter)
        replies, acks = postgres.percentiles(self, group, overall)
        days = postgres.workdays(self, group, counter) if counter is not None else {}
        return replies, acks, days

    def grouped(self, group, work_calendar=None, *, overall: bool = True,
                workdays: bool = True) -> tuple[Metrics, dict]:
        """Metrics overall and per value of ``group`` (a column expression).

        ``overall=False`` skips the overall percentiles (the total then has counts, rates
        and means only); ``workdays=False`` skips the working-day figures. Both save passes
        where a table does not show them (the 12-month trend, the by-kind table).
        """
        group = self.key(group)
        rows = self.counts(group)
        counter = None
        if workdays and self.kind in (None, *WORKDAY_KINDS):
            calendar = work_calendar or work_calendar_for(self.session)
            counter = WorkdayCounter(calendar, self.settings.receipt_day_counts)
        replies, acks, days = self.ranked(group, overall, counter)
        total = Metrics()
        if rows:
            fill(total, SummedRow(rows), replies.get(ALL), acks.get(ALL, (None,))[0],
                 days.get(ALL, []))
        groups = {}
        for row in rows:
            groups[row.g] = Metrics()
            fill(groups[row.g], row, replies.get(row.g), acks.get(row.g, (None,))[0],
                 days.get(row.g, []))
        return total, groups


def compute_metrics(
    session: Session, period: Period, settings: Settings, *, kind: str | None = None,
    as_of: datetime | None = None, work_calendar=None,
) -> MetricsResult:
    """Metrics of the entries received in ``period`` (optionally of one ``kind``)."""
    _check_kind(kind)
    as_of = as_of or datetime.now(UTC)
    query = Query(session, period, settings, kind, as_of)
    total, groups = query.grouped(LedgerEntry.lead_department_id, work_calendar)
    names = _department_names(session, list(groups))
    departments = [
        DepartmentMetrics(**vars(m), department_id=key, department=names.get(key, UNASSIGNED))
        for key, m in groups.items()
    ]
    return MetricsResult(period, kind, as_of, settings.min_rank_sample, total,
                         rank_departments(departments, settings.min_rank_sample))


def metrics_by(
    session: Session, period: Period, settings: Settings, by: str, *,
    kind: str | None = None, as_of: datetime | None = None, work_calendar=None,
    department_id: int | None = None, overall: bool = True, workdays: bool = True,
) -> tuple[Metrics, dict[str, Metrics]]:
    """Metrics overall and per ``by``: ``"kind"`` or ``"month"`` (local ``YYYY-MM``),
    optionally of one lead department only; see :meth:`Query.grouped` for the flags."""
    _check_kind(kind)
    query = Query(session, period, settings, kind, as_of or datetime.now(UTC))
    if department_id is not None:
        query.scope.append(LedgerEntry.lead_department_id == department_id)
    groups = {"kind": LedgerEntry.kind, "month": query.local_month(LedgerEntry.received_at)}
    if by not in groups:
        raise ValueError(f"cannot group metrics by {by!r}")
    return query.grouped(groups[by], work_calendar, overall=overall, workdays=workdays)


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def _department_names(session: Session, ids: list) -> dict:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(Department.id, Department.name)
                                .where(Department.id.in_(wanted))).all())
