"""Reply-time metrics over the response ledger, computed in SQL.

Definitions (../shared/DESIGN.md, "Metrics JSON", and RULES.md §6):

- An entry belongs to the period of its *received* time; periods are whole local days
  (``Settings.timezone``), ``start`` and ``end`` both included.
- Everything is evaluated as known at ``as_of`` (default: now): a reply counts when
  ``replied_at <= as_of``; an unanswered entry is *overdue open* when ``due_at < as_of``.
- Reply time = ``replied_at - received_at`` in hours. Unanswered entries count in
  ``received`` (and in ``overdue_open`` when past due), never in the reply-time statistics.
  A reply recorded before its receipt is a data error: it counts as replied but stays out of
  the statistics and is counted in ``negative_reply_times``.
- Percentiles use linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's
  default, PostgreSQL's ``percentile_cont``): for sorted ``x[0..n-1]``, ``h = (n-1)·p`` and
  the value is ``x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])``. PostgreSQL computes it with
  ``percentile_cont``. SQLite has no percentile function, and its sorter needs about 0.2 s
  for each ordering of 75,000 rows (measured: ``ROW_NUMBER`` windows cost 0.58 s of a 1.0 s
  month), so there SQL computes each entry's reply hours and days in one unsorted pass and
  Python ranks them (same formula, same values).
- ``on_time_rate`` = entries answered by their own ``due_at`` ÷ (answered entries that have a
  due time + open entries already past due). Open entries not yet due are undecided and left
  out; entries without a due time too.
- Working days (messages and disclosures; opinions are measured in hours): the working days
  after the local day of receipt up to and including the local day of the reply, on the
  official calendar with 调休 (``tracker.deadlines``); the receipt day counts only when
  ``Settings.receipt_day_counts`` is on. Replies are counted per (receipt day, reply day);
  Python turns each pair into a working-day count and takes the weighted percentiles.
- The first acknowledgement (``first_ack_at``) is measured apart from the final reply: its
  median overall, its mean overall and per department.
- ``satisfaction_rate`` = (满意 + 基本满意) ÷ entries with a recorded satisfaction (未评价 is
  a recorded answer too).
- ``replied_at`` is the first final reply (the ledger keeps it when an entry is reopened);
  a reopened entry therefore stays replied with its first reply time and leaves ``closed``
  until it is closed again. ``overdue_open`` follows the ledger's red flags: an entry closed
  without a reply, or whose clock is paused, is not overdue.
- Departments are the lead (牵头) department; departments with fewer received entries than
  ``Settings.min_rank_sample`` are listed but not ranked, and the result says so.
"""

from __future__ import annotations

import calendar as _calendar
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tracker.models import Department, LedgerEntry
from tracker.settings import Settings

KINDS = ("message", "opinion", "disclosure")
WORKDAY_KINDS = ("message", "disclosure")
SATISFIED = ("满意", "基本满意")
UNASSIGNED = "未指定部门"
ALL = "__all__"
#: Ledger statuses that are not cases to answer: a disclosure application deemed withdrawn
#: (视为撤回, no 补正 in time) is out of every figure.
EXCLUDED_STATUSES = ("withdrawn",)


@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``year-month``."""
        last = _calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """Parse ``YYYY-MM``."""
        year, month = (int(part) for part in text.split("-"))
        return cls.month(year, month)

    def shifted_months(self, months: int) -> Period:
        """The calendar month ``months`` away from the month of ``start``."""
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period.month(index // 12, index % 12 + 1)

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The half-open UTC interval ``[start 00:00, end+1 00:00)`` in ``tz``."""
        lower = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        upper = datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
        return lower, upper

    @property
    def label(self) -> str:
        """``2019-04-01 至 2019-04-30``."""
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


@dataclass
class Metrics:
    """The figures of one group of entries (all of them, or one department)."""

    received: int = 0
    replied: int = 0
    reply_rate: float | None = None
    median_reply_hours: float | None = None
    p90_reply_hours: float | None = None
    mean_reply_hours: float | None = None
    on_time_rate: float | None = None
    overdue_open: int = 0
    open: int = 0
    closed: int = 0
    on_time: int = 0
    deadline_decided: int = 0
    median_reply_workdays: float | None = None
    p90_reply_workdays: float | None = None
    mean_reply_workdays: float | None = None
    acknowledged: int = 0
    median_ack_hours: float | None = None
    mean_ack_hours: float | None = None
    published: int = 0
    satisfaction_rated: int = 0
    satisfied: int = 0
    satisfaction_rate: float | None = None
    negative_reply_times: int = 0

    def as_dict(self) -> dict:
        """The JSON form: hours to 6 decimals (3.6 ms), rates to 4."""
        out = {}
        for f in fields(Metrics):
            value = getattr(self, f.name)
            if isinstance(value, float):
                value = round(value, 4 if f.name.endswith("_rate") else 6)
            out[f.name] = value
        return out


@dataclass
class DepartmentMetrics(Metrics):
    """Metrics of one lead department, with its rank (``None`` when under the sample)."""

    department_id: int | None = None
    department: str = UNASSIGNED
    rank: int | None = None

    def as_dict(self) -> dict:
        """Metric keys plus department, department_id, rank and ranked."""
        return {"department": self.department, "department_id": self.department_id,
                "rank": self.rank, "ranked": self.rank is not None, **super().as_dict()}


@dataclass
class MetricsResult:
    """Metrics of a period, overall and by department."""

    period: Period
    kind: str | None
    as_of: datetime
    min_rank_sample: int
    total: Metrics
    by_department: list[DepartmentMetrics] = field(default_factory=list)

    @property
    def unranked(self) -> list[DepartmentMetrics]:
        """Departments left out of the ranking for having too few entries."""
        return [d for d in self.by_department if d.rank is None and d.department_id is not None]

    @property
    def ranking_note(self) -> str:
        """Says which departments are not ranked, and why (in Chinese, for reports)."""
        names = "、".join(d.department for d in self.unranked)
        if not names:
            return f"各部门受理均不少于 {self.min_rank_sample} 件，全部参与排名。"
        return f"受理不足 {self.min_rank_sample} 件的部门不参与排名：{names}。"

    def to_json(self) -> dict:
        """The ``yuqing metrics --json`` shape (DESIGN.md) plus period and ranking notes."""
        return {
            **self.total.as_dict(),
            "by_department": [d.as_dict() for d in self.by_department],
            "from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
            "kind": self.kind, "as_of": self.as_of.isoformat(timespec="seconds"),
            "percentile_method": "linear interpolation (percentile_cont, type 7)",
            "min_rank_sample": self.min_rank_sample, "ranking_note": self.ranking_note,
        }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def hours_between(dialect: str, later, earlier) -> ColumnElement:
    """``later - earlier`` in hours, as a float, on SQLite or PostgreSQL."""
    if dialect == "sqlite":
        # julianday() differences carry ~50 µs of float noise; rounding to the millisecond
        # makes them exact for the stored (microsecond) timestamps at that precision.
        return func.round((func.julianday(later) - func.julianday(earlier)) * 86400000.0) \
            / 3600000.0
    return cast(func.extract("epoch", later - earlier), Float) / 3600.0


def local_date(dialect: str, column, tz: ZoneInfo, at: datetime) -> ColumnElement:
    """The local calendar day of a UTC timestamp column.

    SQLite has no zone database: it shifts by the zone's offset at ``at`` (exact for
    Asia/Shanghai, which has no daylight saving time).
    """
    if dialect == "sqlite":
        minutes = int(at.astimezone(tz).utcoffset().total_seconds() // 60)
        return func.date(column, f"{minutes:+d} minutes")
    return cast(func.timezone(str(tz), column), Date)


def _count_if(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _percentile_rows(rows, overall: bool = True):
    """PostgreSQL: P50/P90 of ``v`` per group and overall, P50 of ``a`` overall.

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


def weighted_percentile(pairs: list[tuple[float, int]], p: float) -> float | None:
    """Type-7 percentile of values given as ``(value, count)`` pairs."""
    pairs = sorted(pair for pair in pairs if pair[1] > 0)
    n = sum(count for _, count in pairs)
    if n == 0:
        return None
    h = (n - 1) * p
    lower = int(h)
    return _nth(pairs, lower) + (h - lower) * (_nth(pairs, min(lower + 1, n - 1))
                                               - _nth(pairs, lower))


def _percentiles(values: list[float]) -> tuple[float | None, float | None]:
    """Type-7 (P50, P90) of ``values`` (sorted in place)."""
    if not values:
        return None, None
    values.sort()
    last = len(values) - 1
    out = []
    for p in (0.5, 0.9):
        h = last * p
        lower = int(h)
        upper = min(lower + 1, last)
        out.append(values[lower] + (h - lower) * (values[upper] - values[lower]))
    return out[0], out[1]


def _from_jdn(number: int) -> date:
    """The date of a Julian day number (JDN 1721426 is 0001-01-01)."""
    return date.fromordinal(number - 1721425)


def _nth(pairs: list[tuple[float, int]], index: int) -> float:
    seen = 0
    for value, count in pairs:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


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
    """The working-day calendar with the admin overrides stored in the database."""
    from tracker.deadlines import Override, WorkCalendar
    from tracker.models import HolidayOverride

    rows = session.execute(select(HolidayOverride.day, HolidayOverride.workday,
                                  HolidayOverride.name)).all()
    return WorkCalendar([Override(day, workday, name) for day, workday, name in rows])


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _fill(target: Metrics, row, pct: tuple | None, ack_median, workdays: list) -> None:
    """Turn the raw figures of one group into metrics."""
    target.received, target.replied = int(row.received), int(row.replied or 0)
    target.reply_rate = _ratio(target.replied, target.received)
    timed = int(row.timed or 0)
    target.negative_reply_times = target.replied - timed
    target.mean_reply_hours = row.hours_sum / timed if timed else None
    if pct:
        target.median_reply_hours, target.p90_reply_hours = (
            None if v is None else float(v) for v in pct)
    target.overdue_open, target.on_time = int(row.overdue_open or 0), int(row.on_time or 0)
    target.open = target.received - target.replied
    target.closed = int(row.closed or 0)
    target.deadline_decided = int(row.replied_with_due or 0) + target.overdue_open
    target.on_time_rate = _ratio(target.on_time, target.deadline_decided)
    target.acknowledged = int(row.acknowledged or 0)
    target.mean_ack_hours = row.ack_sum / target.acknowledged if target.acknowledged else None
    target.median_ack_hours = None if ack_median is None else float(ack_median)
    target.published = int(row.published or 0)
    target.satisfaction_rated, target.satisfied = int(row.rated or 0), int(row.satisfied or 0)
    target.satisfaction_rate = _ratio(target.satisfied, target.satisfaction_rated)
    if workdays:
        total = sum(c for _, c in workdays)
        target.median_reply_workdays = weighted_percentile(workdays, 0.5)
        target.p90_reply_workdays = weighted_percentile(workdays, 0.9)
        target.mean_reply_workdays = sum(d * c for d, c in workdays) / total


class _Sum:
    """Adds up the additive columns of the department rows into one overall row."""

    NAMES = ("received", "replied", "timed", "hours_sum", "overdue_open", "closed", "on_time",
             "replied_with_due", "acknowledged", "ack_sum", "published", "rated", "satisfied")

    def __init__(self, rows: list) -> None:
        for name in self.NAMES:
            setattr(self, name, sum((getattr(r, name) or 0) for r in rows))


def _rank(departments: list[DepartmentMetrics], min_sample: int) -> list[DepartmentMetrics]:
    """Rank by on-time rate, then reply rate, then median hours; small samples unranked."""
    def key(d: DepartmentMetrics):
        return (-(d.on_time_rate or 0.0), -(d.reply_rate or 0.0),
                d.median_reply_hours if d.median_reply_hours is not None else float("inf"),
                d.department)

    def rankable(d: DepartmentMetrics) -> bool:
        return d.department_id is not None and d.received >= min_sample

    ranked = sorted((d for d in departments if rankable(d)), key=key)
    for position, dept in enumerate(ranked, start=1):
        dept.rank = position
    rest = sorted((d for d in departments if not rankable(d)),
                  key=lambda d: (d.department_id is None, -d.received, d.department))
    return ranked + rest


class _Query:
    """The entries of one period and kind, as known at ``as_of``, on one database."""

    def __init__(self, session: Session, period: Period, settings: Settings,
                 kind: str | None, as_of: datetime) -> None:
        self.session, self.period, self.kind, self.as_of = session, period, kind, as_of
        self.settings, self.tz = settings, settings.tz
        self.dialect = session.get_bind().dialect.name
        self.lower, self.upper = period.utc_bounds(self.tz)
        self.scope = [LedgerEntry.received_at >= self.lower,
                      LedgerEntry.received_at < self.upper,
                      LedgerEntry.status.not_in(EXCLUDED_STATUSES)]
        if kind is not None:
            self.scope.append(LedgerEntry.kind == kind)
        self.replied = and_(LedgerEntry.replied_at.is_not(None), LedgerEntry.replied_at <= as_of)

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
        if self.dialect == "sqlite":
            minutes = int(self.lower.astimezone(self.tz).utcoffset().total_seconds() // 60)
            return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
        return func.to_char(func.timezone(str(self.tz), column), "YYYY-MM")

    def counts(self, group) -> list:
        """One grouped pass: the additive figures of each group."""
        e, replied = LedgerEntry, self.replied
        good = and_(replied, e.replied_at >= e.received_at)
        acked = and_(e.first_ack_at.is_not(None), e.first_ack_at <= self.as_of,
                     e.first_ack_at >= e.received_at)
        closed = and_(e.closed_at.is_not(None), e.closed_at <= self.as_of)
        # As the ledger's red flags: closed without a reply, or a paused clock, is not overdue.
        overdue = and_(~replied, ~closed, e.paused_since.is_(None), e.due_at.is_not(None),
                       e.due_at < self.as_of)
        stmt = select(
            group.label("g"),
            func.count().label("received"),
            _count_if(replied).label("replied"),
            _count_if(good).label("timed"),
            func.sum(case((good, self.hours(e.replied_at, e.received_at)), else_=0.0))
            .label("hours_sum"),
            _count_if(overdue).label("overdue_open"),
            _count_if(closed).label("closed"),
            _count_if(and_(replied, e.replied_at <= e.due_at)).label("on_time"),
            _count_if(and_(replied, e.due_at.is_not(None))).label("replied_with_due"),
            _count_if(acked).label("acknowledged"),
            func.sum(case((acked, self.hours(e.first_ack_at, e.received_at)), else_=0.0))
            .label("ack_sum"),
            _count_if(and_(replied, e.published_at.is_not(None),
                           e.published_at <= self.as_of)).label("published"),
            _count_if(e.satisfaction.is_not(None)).label("rated"),
            _count_if(e.satisfaction.in_(SATISFIED)).label("satisfied"),
        ).where(*self.scope).group_by(group)
        return list(self.session.execute(stmt))

    def percentiles(self, group, overall: bool = True) -> tuple[dict, dict]:
        """PostgreSQL: reply-hour (P50, P90) per group and under ``ALL``; acknowledgement P50
        under ``ALL`` (the ``ALL`` figures only when ``overall``)."""
        e = LedgerEntry
        good = and_(self.replied, e.replied_at >= e.received_at)
        acked = and_(e.first_ack_at.is_not(None), e.first_ack_at <= self.as_of,
                     e.first_ack_at >= e.received_at)
        rows = select(group.label("g"),
                      case((good, self.hours(e.replied_at, e.received_at))).label("v"),
                      case((acked, self.hours(e.first_ack_at, e.received_at))).label("a"),
                      ).where(*self.scope)
        replies, acks = {}, {}

        def floats(values) -> tuple:
            return tuple(None if x is None else float(x) for x in values)

        for row in self.session.execute(_percentile_rows(rows, overall)):
            key = ALL if row[0] else row[1]  # (is_total, g, reply p50, p90, ack p50 or NULL)
            replies[key] = floats(row[2:4])
            if row[0]:
                acks[key] = floats(row[4:5])
        return replies, acks

    def workdays(self, group, counter: WorkdayCounter) -> dict:
        """PostgreSQL: ``{group: [(workdays, count)]}`` plus key ``ALL``, for messages and
        disclosures."""
        e = LedgerEntry
        got, answered = self.local_day(e.received_at), self.local_day(e.replied_at)
        # The kind is grouped on, not filtered on: a kind filter would steer SQLite onto the
        # kind index (and every table row) instead of the covering metrics index.
        stmt = (
            select(group.label("g"), e.kind, got, answered, func.count())
            .where(*self.scope, self.replied, e.replied_at >= e.received_at)
            .group_by(group, e.kind, got, answered)
        )
        out: dict = defaultdict(list)
        for key, kind, received, replied, count in self.session.execute(stmt):
            if kind not in WORKDAY_KINDS:
                continue
            days = counter.between(_as_date(received), _as_date(replied))
            out[key].append((days, count))
            out[ALL].append((days, count))
        return out

    def ranked_in_python(self, group, overall: bool,
                         counter: WorkdayCounter | None) -> tuple[dict, dict, dict]:
        """SQLite: :meth:`percentiles` and :meth:`workdays` from one unsorted pass.

        SQL selects the entries of the period with the Julian days of their receipt, reply
        (NULL when it does not count) and acknowledgement; Python turns them into hours
        (rounded to the millisecond, as :func:`hours_between`) and local days, sorts the
        hours for the type-7 percentiles, and counts working days once per pair of days.
        """
        e = LedgerEntry
        good = and_(self.replied, e.replied_at >= e.received_at)
        acked = and_(e.first_ack_at.is_not(None), e.first_ack_at <= self.as_of,
                     e.first_ack_at >= e.received_at)
        stmt = select(group, e.kind, func.julianday(e.received_at),
                      case((good, func.julianday(e.replied_at))),
                      case((acked, func.julianday(e.first_ack_at)))).where(*self.scope)
        # Julian day number of the local day: JD starts at noon UTC, plus the zone offset.
        shift = 0.5 + self.lower.astimezone(self.tz).utcoffset().total_seconds() / 86400
        hours: dict = defaultdict(list)
        ack_hours: list[float] = []
        pairs: dict = defaultdict(int)
        for key, kind, got, reply, ack in self.session.connection().execute(stmt).all():
            if ack is not None:
                ack_hours.append(round((ack - got) * 86400000.0) / 3600000.0)
            if reply is None:
                continue
            hours[key].append(round((reply - got) * 86400000.0) / 3600000.0)
            if kind in WORKDAY_KINDS:
                pairs[key, int(got + shift), int(reply + shift)] += 1
        replies = {key: _percentiles(values) for key, values in hours.items()}
        acks: dict = {}
        if overall:
            replies[ALL] = _percentiles([v for values in hours.values() for v in values])
            acks[ALL] = _percentiles(ack_hours)[:1]
        days: dict = defaultdict(list)
        if counter is not None:
            for (key, got_day, reply_day), count in pairs.items():
                spent = counter.between(_from_jdn(got_day), _from_jdn(reply_day))
                days[key].append((spent, count))
                days[ALL].append((spent, count))
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
        days: dict = {}
        if self.dialect == "sqlite":
            replies, acks, days = self.ranked_in_python(group, overall, counter)
        else:
            replies, acks = self.percentiles(group, overall)
            if counter is not None:
                days = self.workdays(group, counter)
        total = Metrics()
        if rows:
            _fill(total, _Sum(rows), replies.get(ALL), acks.get(ALL, (None,))[0],
                  days.get(ALL, []))
        groups = {}
        for row in rows:
            groups[row.g] = Metrics()
            _fill(groups[row.g], row, replies.get(row.g), acks.get(row.g, (None,))[0],
                  days.get(row.g, []))
        return total, groups


def compute_metrics(
    session: Session, period: Period, settings: Settings, *, kind: str | None = None,
    as_of: datetime | None = None, work_calendar=None,
) -> MetricsResult:
    """Metrics of the entries received in ``period`` (optionally of one ``kind``)."""
    _check_kind(kind)
    as_of = as_of or datetime.now(UTC)
    query = _Query(session, period, settings, kind, as_of)
    total, groups = query.grouped(LedgerEntry.lead_department_id, work_calendar)
    names = _department_names(session, list(groups))
    departments = [
        DepartmentMetrics(**vars(m), department_id=key, department=names.get(key, UNASSIGNED))
        for key, m in groups.items()
    ]
    return MetricsResult(period, kind, as_of, settings.min_rank_sample, total,
                         _rank(departments, settings.min_rank_sample))


def metrics_by(
    session: Session, period: Period, settings: Settings, by: str, *,
    kind: str | None = None, as_of: datetime | None = None, work_calendar=None,
    department_id: int | None = None, overall: bool = True, workdays: bool = True,
) -> tuple[Metrics, dict[str, Metrics]]:
    """Metrics overall and per ``by``: ``"kind"`` or ``"month"`` (local ``YYYY-MM``),
    optionally of one lead department only; see :meth:`_Query.grouped` for the flags."""
    _check_kind(kind)
    query = _Query(session, period, settings, kind, as_of or datetime.now(UTC))
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


__all__ = [
    "EXCLUDED_STATUSES", "KINDS", "SATISFIED", "UNASSIGNED", "WORKDAY_KINDS",
    "DepartmentMetrics", "Metrics", "MetricsResult", "Period", "WorkdayCounter",
    "compute_metrics", "hours_between", "metrics_by", "local_date", "weighted_percentile",
    "work_calendar_for",
]
