"""What the monthly report says, gathered from the ledger once and shared by every format.

The figures come from :mod:`tracker.metrics` (computed in SQL); the lists (overdue entries,
red flags, hottest matters) are bounded queries so a month of 100,000 entries stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tracker.ledger import add_months
from tracker.metrics import (
    EXCLUDED_STATUSES,
    KINDS,
    Metrics,
    MetricsResult,
    Period,
    compute_metrics,
    hours_between,
    metrics_by,
    work_calendar_for,
)
from tracker.models import Department, LedgerEntry
from tracker.models.events import Alert, Event
from tracker.models.ledger import LedgerLink
from tracker.quality import DepartmentQuality, department_quality
from tracker.settings import Settings
from tracker.vocabulary import KIND_LABELS, LEVEL_LABELS, Level, MessageStatus, status_label

#: Lists in the HTML and PDF show this many rows; the workbook keeps up to LIST_LIMIT_XLSX
#: (most late / oldest first) and states the full count.
LIST_LIMIT = 50
LIST_LIMIT_XLSX = 5000
HOT_LIMIT = 10
TREND_MONTHS = 12
#: Reply-time distribution buckets: (upper bound in hours, label).
BUCKETS = ((24, "1天内"), (72, "1-3天"), (168, "3-7天"), (360, "7-15天"), (720, "15-30天"),
           (2160, "30-90天"), (None, "90天以上"))


@dataclass
class EntryRow:
    """One ledger entry as the report's lists show it."""

    id: int
    kind: str
    title: str
    department: str
    status: str
    received_at: datetime
    due_at: datetime | None = None
    replied_at: datetime | None = None
    responsible: str | None = None
    level: str | None = None
    mentions: int = 0
    reply_channel: str | None = None
    reply_summary: str | None = None
    published_at: datetime | None = None
    overdue_days: float | None = None

    @property
    def kind_label(self) -> str:
        """网民留言 / 政务舆情 / 依申请公开."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def reply_hours(self) -> float | None:
        """Hours from receipt to the reply."""
        if self.replied_at is None:
            return None
        return (self.replied_at - self.received_at).total_seconds() / 3600


@dataclass
class EntryList:
    """A bounded list with the full count."""

    rows: list[EntryRow] = field(default_factory=list)
    total: int = 0


@dataclass
class MonthlyReport:
    """Everything the monthly report shows, in every format."""

    period: Period
    as_of: datetime
    tz_name: str
    month: MetricsResult
    previous: Metrics
    last_year: Metrics
    by_kind: dict[str, Metrics]
    trend: list[tuple[str, Metrics]]
    distribution: list[tuple[str, int]]
    overdue: EntryList
    unanswered_3m: EntryList
    unpublished: EntryList
    hot: list[EntryRow]
    summary: list[str] = field(default_factory=list)
    #: Messages received up to the period's end waiting on the 历史遗留 list (not overdue).
    legacy: int = 0
    #: Reply quality of the month's approved replies by department, worst first.
    quality: list[DepartmentQuality] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``2024年3月政务舆情回应与留言办理情况月报``."""
        start = self.period.start
        return f"{start.year}年{start.month}月政务舆情回应与留言办理情况月报"

    @property
    def month_key(self) -> str:
        """``YYYY-MM``."""
        return self.period.start.strftime("%Y-%m")


def _entry_columns():
    e = LedgerEntry
    return (e.id, e.kind, e.title, Department.name, e.status, e.received_at, e.due_at,
            e.replied_at, e.responsible_person, e.level, e.reply_channel, e.reply_summary,
            e.published_at)


def _rows_from(r, as_of: datetime) -> EntryRow:
    """An :class:`EntryRow` from the columns of :func:`_entry_columns` (plus a count)."""
    row = EntryRow(id=r[0], kind=r[1], title=r[2], department=r[3] or "未指定部门",
                   status=_status(r[1], r[4]), received_at=r[5], due_at=r[6],
                   replied_at=r[7], responsible=r[8], level=r[9], reply_channel=r[10],
                   reply_summary=r[11], published_at=r[12])
    if len(r) > 13:  # the linked-mention count of :func:`hottest_opinions`
        row.mentions = int(r[13])
    if row.due_at is not None and row.replied_at is None and row.due_at < as_of:
        row.overdue_days = (as_of - row.due_at).total_seconds() / 86400
    return row


def _rows(session: Session, stmt, as_of: datetime) -> list[EntryRow]:
    return [_rows_from(r, as_of) for r in session.execute(stmt)]


def _status(kind: str, status: str) -> str:
    try:
        return status_label(kind, status)
    except ValueError:
        return status


def _listing(session: Session, where: list, order, as_of: datetime, limit: int,
             total: int | None = None) -> EntryList:
    e = LedgerEntry
    if total is None:
        total = session.scalar(select(func.count()).select_from(e).where(*where)) or 0
    if session.get_bind().dialect.name == "sqlite":
        # An expression, not the bare column: ordering by an indexed column makes SQLite walk
        # that index through the whole ledger instead of the period's covering index range.
        order = [func.coalesce(column, None) for column in order]
    stmt = (select(*_entry_columns()).outerjoin(Department, Department.id == e.lead_department_id)
            .where(*where).order_by(*order).limit(limit))
    return EntryList(_rows(session, stmt, as_of), total)


def _open_as_of(as_of: datetime) -> list:
    e = LedgerEntry
    return [or_null(e.replied_at, as_of), or_null(e.closed_at, as_of),
            e.status.not_in(EXCLUDED_STATUSES)]


def or_null(column, as_of: datetime):
    """``column`` is empty, or set only after ``as_of``."""
    return (column.is_(None)) | (column > as_of)


def overdue_list(session: Session, period: Period, settings: Settings, as_of: datetime,
                 limit: int = LIST_LIMIT, total: int | None = None) -> EntryList:
    """Open entries past due at ``as_of`` received up to the end of ``period``, most late first."""
    e = LedgerEntry
    upper = period.utc_bounds(settings.tz)[1]
    where = [*_open_as_of(as_of), e.paused_since.is_(None), e.due_at.is_not(None),
             e.due_at < as_of, e.received_at < upper]
    return _listing(session, where, (e.due_at, e.id), as_of, limit, total)


def unanswered_3_months(session: Session, period: Period, settings: Settings, as_of: datetime,
                        limit: int = LIST_LIMIT, total: int | None = None) -> EntryList:
    """Messages still unanswered three months after receipt (the inspection's veto item)."""
    where = unanswered_3m_where(period, settings, as_of)
    return _listing(session, where, (LedgerEntry.received_at, LedgerEntry.id), as_of, limit,
                    total)


def unanswered_3m_where(period: Period, settings: Settings, as_of: datetime) -> list:
    """The conditions of :func:`unanswered_3_months` (the yearly assessment counts by them)."""
    e = LedgerEntry
    upper = min(period.utc_bounds(settings.tz)[1], add_months(as_of, -3))
    return [*_open_as_of(as_of), e.kind == "message", e.received_at <= upper,
            e.status != MessageStatus.LEGACY.value]  # 历史遗留: counted apart, in words


def legacy_before(session: Session, period: Period, settings: Settings) -> int:
    """Messages received up to the end of ``period`` that wait on the 历史遗留 list."""
    e = LedgerEntry
    return session.scalar(select(func.count()).select_from(e).where(
        e.kind == "message", e.status == MessageStatus.LEGACY.value,
        e.received_at < period.utc_bounds(settings.tz)[1])) or 0


def unpublished_replies(session: Session, period: Period, settings: Settings, as_of: datetime,
                        limit: int = LIST_LIMIT, total: int | None = None) -> EntryList:
    """Answered messages whose reply is not published (archived ones are history: left out)."""
    where = unpublished_where(period, settings, as_of)
    return _listing(session, where, (LedgerEntry.replied_at, LedgerEntry.id), as_of, limit,
                    total)


def unpublished_where(period: Period, settings: Settings, as_of: datetime) -> list:
    """The conditions of :func:`unpublished_replies` (the yearly assessment counts by them)."""
    e = LedgerEntry
    upper = period.utc_bounds(settings.tz)[1]
    return [e.kind == "message", e.replied_at.is_not(None), e.replied_at <= as_of,
            or_null(e.published_at, as_of), e.received_at < upper,
            e.status.not_in((*EXCLUDED_STATUSES, MessageStatus.ARCHIVED.value))]


def hottest(session: Session, period: Period, settings: Settings, as_of: datetime,
            limit: int = HOT_LIMIT) -> list[EntryRow]:
    """The month's hottest events with how they were answered; without analysed events,
    the month's opinion entries by level and linked mentions."""
    rows = hottest_events(session, period, settings, as_of, limit)
    return rows or hottest_opinions(session, period, settings, as_of, limit)


def hottest_events(session: Session, period: Period, settings: Settings, as_of: datetime,
                   limit: int = HOT_LIMIT) -> list[EntryRow]:
    """Events talked about in the month, hottest first, each with the ledger entry its
    alert was escalated to (response time, channel, content), if any."""
    lower, upper = period.utc_bounds(settings.tz)
    e = LedgerEntry
    escalated = (select(Alert.event_id, func.min(e.id).label("entry_id"))
                 .join(e, e.alert_id == Alert.id).group_by(Alert.event_id).subquery())
    stmt = (select(Event, *_entry_columns())
            .outerjoin(escalated, escalated.c.event_id == Event.id)
            .outerjoin(e, e.id == escalated.c.entry_id)
            .outerjoin(Department, Department.id == e.lead_department_id)
            .where(Event.first_seen_at < upper, Event.last_seen_at >= lower,
                   Event.status != "merged")
            .order_by(Event.hotness.desc(), Event.id).limit(limit))
    out = []
    for event, *cols in session.execute(stmt):
        if cols[0] is None:  # never escalated to the ledger
            out.append(EntryRow(id=0, kind="opinion", title=event.title,
                                department=event.department or "未转台账", status="未转台账",
                                received_at=event.first_seen_at, level=event.level,
                                mentions=event.mention_count))
            continue
        row = _rows_from(cols, as_of)
        row.title, row.level, row.mentions = event.title, event.level, event.mention_count
        out.append(row)
    return out


def hottest_opinions(session: Session, period: Period, settings: Settings, as_of: datetime,
                     limit: int = HOT_LIMIT) -> list[EntryRow]:
    """The month's opinion entries by level, then by linked mentions, with their answers."""
    e = LedgerEntry
    lower, upper = period.utc_bounds(settings.tz)
    links = (select(LedgerLink.entry_id, func.count().label("n"))
             .group_by(LedgerLink.entry_id).subquery())
    # Highest level first; entries without a level (rank 0) come last.
    level_rank = case({level.value: level.rank for level in Level}, value=e.level, else_=0)
    stmt = (select(*_entry_columns(), func.coalesce(links.c.n, 0))
            .outerjoin(Department, Department.id == e.lead_department_id)
            .outerjoin(links, links.c.entry_id == e.id)
            .where(e.kind == "opinion", e.received_at >= lower, e.received_at < upper,
                   e.status.not_in(EXCLUDED_STATUSES))
            .order_by(level_rank.desc(), func.coalesce(links.c.n, 0).desc(), e.received_at, e.id)
            .limit(limit))
    rows = _rows(session, stmt, as_of)
    for row in rows:
        row.level = LEVEL_LABELS.get(row.level, row.level) if row.level else None
    return rows


def distribution(session: Session, period: Period, settings: Settings,
                 as_of: datetime) -> list[tuple[str, int]]:
    """How many replies of the month fell in each reply-time bucket."""
    e = LedgerEntry
    dialect = session.get_bind().dialect.name
    lower, upper = period.utc_bounds(settings.tz)
    hours = hours_between(dialect, e.replied_at, e.received_at)
    bucket = case(*((hours <= bound, i) for i, (bound, _) in enumerate(BUCKETS) if bound),
                  else_=len(BUCKETS) - 1)
    stmt = (select(bucket, func.count())
            .where(e.received_at >= lower, e.received_at < upper, e.replied_at.is_not(None),
                   e.replied_at <= as_of, e.replied_at >= e.received_at,
                   e.status.not_in(EXCLUDED_STATUSES))
            .group_by(bucket))
    counts = dict(session.execute(stmt).all())
    return [(label, int(counts.get(i, 0))) for i, (_, label) in enumerate(BUCKETS)]


def trend(session: Session, period: Period, settings: Settings, as_of: datetime,
          work_calendar=None) -> list[tuple[str, Metrics]]:
    """Metrics of the ``TREND_MONTHS`` months ending with ``period``, one SQL pass."""
    first = period.shifted_months(-(TREND_MONTHS - 1))
    span = Period(first.start, period.end)
    _, months = metrics_by(session, span, settings, "month", as_of=as_of,
                           work_calendar=work_calendar, overall=False, workdays=False)
    keys = [period.shifted_months(-i).start.strftime("%Y-%m")
            for i in range(TREND_MONTHS - 1, -1, -1)]
    return [(key, months.get(key, Metrics())) for key in keys]


def build_monthly_report(session: Session, period: Period, settings: Settings,
                         as_of: datetime | None = None) -> MonthlyReport:
    """Gather the monthly report of ``period`` as known at ``as_of`` (default: now)."""
    from tracker.reports.words import summary_paragraphs

    as_of = as_of or datetime.now(UTC)
    calendar = work_calendar_for(session)
    month = compute_metrics(session, period, settings, as_of=as_of, work_calendar=calendar)
    _, kinds = metrics_by(session, period, settings, "kind", as_of=as_of, work_calendar=calendar,
                          overall=False)
    report = MonthlyReport(
        period=period, as_of=as_of, tz_name=settings.timezone, month=month,
        previous=compute_metrics(session, period.shifted_months(-1), settings, as_of=as_of,
                                 work_calendar=calendar).total,
        last_year=compute_metrics(session, period.shifted_months(-12), settings, as_of=as_of,
                                  work_calendar=calendar).total,
        by_kind={k: kinds.get(k, Metrics()) for k in KINDS},
        trend=trend(session, period, settings, as_of, calendar),
        distribution=distribution(session, period, settings, as_of),
        overdue=overdue_list(session, period, settings, as_of),
        unanswered_3m=unanswered_3_months(session, period, settings, as_of),
        unpublished=unpublished_replies(session, period, settings, as_of),
        hot=hottest(session, period, settings, as_of),
        legacy=legacy_before(session, period, settings),
        quality=department_quality(session, *period.utc_bounds(settings.tz)),
    )
    report.summary = summary_paragraphs(report)
    return report


def full_lists(session: Session, report: MonthlyReport, settings: Settings) -> MonthlyReport:
    """A copy of the report with its lists extended to ``LIST_LIMIT_XLSX`` rows (for Excel);
    the report itself is left as it was."""
    args = (session, report.period, settings, report.as_of, LIST_LIMIT_XLSX)
    return replace(
        report,
        overdue=overdue_list(*args, total=report.overdue.total),
        unanswered_3m=unanswered_3_months(*args, total=report.unanswered_3m.total),
        unpublished=unpublished_replies(*args, total=report.unpublished.total))

