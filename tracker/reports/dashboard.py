"""What the role dashboards show: mentions and sentiment over time, where they come from,
top keywords, hot issues with their trend, open alerts, entries due soon and overdue, the
reply-time trend (by month and by week) and on-time rate and overdue by department.

The newer figures are computed in :mod:`tracker.reports.dashboard_figures`.

Events, alerts and per-mention sentiment come from the analysis area
(``tracker.models.events``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ledger import legacy_count
from tracker.metrics import Metrics, Period, local_date, metrics_by
from tracker.models import Department, LedgerEntry, Mention
from tracker.models.base import utcnow
from tracker.models.events import Alert, Event, MentionAnalysis
from tracker.reports.dashboard_figures import (
    HotIssue,
    Share,
    Week,
    department_figures,
    hot_issues,
    kind_shares,
    overdue_by_department,
    source_shares,
    top_keywords,
    weekly_speed,
)
from tracker.reports.data import EntryList, EntryRow, _listing, _open_as_of
from tracker.settings import Settings

#: Sentiment bands on the [0, 1] score (1 = positive).
NEGATIVE_BELOW, POSITIVE_FROM = 0.4, 0.6
DUE_SOON = timedelta(hours=48)


@dataclass
class DayCount:
    """Mentions of one local day, split by sentiment band when known."""

    day: date
    total: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0


@dataclass
class Dashboard:
    """The figures and lists of one role's home page."""

    now: datetime
    month: Metrics
    trend: list[tuple[str, Metrics]]
    due_soon: EntryList
    overdue: EntryList
    days: list[DayCount] = field(default_factory=list)
    hot_events: list[dict] = field(default_factory=list)
    open_alerts: list[dict] = field(default_factory=list)
    open_alert_count: int = 0
    #: Unanswered old messages on the 历史遗留 list: not in ``overdue``, said in words.
    legacy: int = 0
    #: Reply-time metrics of the last eight weeks (by week of receipt).
    weeks: list[Week] = field(default_factory=list)
    #: Per department over the last 30 days (all departments; empty for a responder).
    departments: list = field(default_factory=list)
    #: Open overdue entries by lead department (now; empty for a responder).
    overdue_departments: list = field(default_factory=list)
    sources: list[Share] = field(default_factory=list)
    kinds: list[Share] = field(default_factory=list)
    keywords: list[tuple[str, int]] = field(default_factory=list)
    hot_issues: list[HotIssue] = field(default_factory=list)
    #: The first local day of the 30-day window (for links to the lists behind figures).
    since: date | None = None


def mention_days(session: Session, settings: Settings, now: datetime,
                 days: int = 30) -> list[DayCount]:
    """Mentions per local day over the last ``days`` days, with sentiment bands."""
    tz = settings.tz
    first = now.astimezone(tz).date() - timedelta(days=days - 1)
    lower = Period(first, first).utc_bounds(tz)[0]
    dialect = session.get_bind().dialect.name
    when = func.coalesce(Mention.published_at, Mention.fetched_at)
    day = local_date(dialect, when, tz, lower)
    score = MentionAnalysis.sentiment
    stmt = (select(day, func.count(), func.count(score).filter(score >= POSITIVE_FROM),
                   func.count(score).filter(score < NEGATIVE_BELOW), func.count(score))
            .select_from(Mention)
            .outerjoin(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
            .where(when >= lower, when <= now))
    counts = {str(row[0]): row for row in session.execute(stmt.group_by(day))}
    out = []
    for i in range(days):
        current = first + timedelta(days=i)
        row = counts.get(current.isoformat())
        item = DayCount(current, int(row[1]) if row else 0)
        if row:
            item.positive, item.negative = int(row[2]), int(row[3])
            item.neutral = int(row[4]) - item.positive - item.negative
        out.append(item)
    return out


def hot_events(session: Session, limit: int = 8) -> list[dict]:
    """The hottest open events (analysis area)."""
    rows = session.scalars(select(Event).where(Event.status == "open")
                           .order_by(Event.hotness.desc(), Event.id).limit(limit))
    return [{"id": e.id, "title": e.title, "level": e.level, "hotness": e.hotness,
             "mentions": e.mention_count, "negative": e.negative_count,
             "last_seen_at": e.last_seen_at} for e in rows]


def open_alerts(session: Session, limit: int = 8) -> tuple[int, list[dict]]:
    """Untriaged alerts, highest level and newest first, and how many there are."""
    where = Alert.status == "new"
    total = session.scalar(select(func.count()).select_from(Alert).where(where)) or 0
    rows = session.execute(select(Alert, Event.title).join(Event, Event.id == Alert.event_id)
                           .where(where)
                           .order_by(Alert.level_rank.desc(), Alert.created_at.desc())
                           .limit(limit)).all()
    return total, [{"id": a.id, "title": title, "level": a.level, "reason": a.reason,
                    "created_at": a.created_at} for a, title in rows]


def due_soon(session: Session, now: datetime, department_id: int | None = None,
             within: timedelta = DUE_SOON, limit: int = 20) -> EntryList:
    """Open entries falling due within ``within`` from ``now``, soonest first."""
    e = LedgerEntry
    where = [*_open_as_of(now), e.paused_since.is_(None), e.due_at >= now,
             e.due_at <= now + within]
    if department_id is not None:
        where.append(e.lead_department_id == department_id)
    return _listing(session, where, (e.due_at, e.id), now, limit)


def overdue_now(session: Session, now: datetime, department_id: int | None = None,
                limit: int = 20) -> EntryList:
    """Open entries past due at ``now``, most late first."""
    e = LedgerEntry
    where = [*_open_as_of(now), e.paused_since.is_(None), e.due_at.is_not(None), e.due_at < now]
    if department_id is not None:
        where.append(e.lead_department_id == department_id)
    return _listing(session, where, (e.due_at, e.id), now, limit)


def build_dashboard(session: Session, settings: Settings, *, department_id: int | None = None,
                    now: datetime | None = None, with_public: bool = True) -> Dashboard:
    """The dashboard; ``department_id`` scopes the ledger panels to one department, and
    ``with_public=False`` leaves out mentions, events and alerts (department responders)."""
    now = now or utcnow()
    today = now.astimezone(settings.tz).date()
    this_month = Period.month(today.year, today.month)
    span = Period(this_month.shifted_months(-11).start, this_month.end)
    _, months = metrics_by(session, span, settings, "month", as_of=now,
                           department_id=department_id, overall=False, workdays=False)
    keys = [this_month.shifted_months(-i).start.strftime("%Y-%m") for i in range(11, -1, -1)]
    board = Dashboard(
        now=now, month=months.get(keys[-1], Metrics()),
        trend=[(k, months.get(k, Metrics())) for k in keys],
        due_soon=due_soon(session, now, department_id),
        overdue=overdue_now(session, now, department_id),
        legacy=legacy_count(session, department_id),
        weeks=weekly_speed(session, settings, now, department_id=department_id),
        since=today - timedelta(days=29))
    if department_id is None:
        board.departments = department_figures(session, settings, now)
        board.overdue_departments = overdue_by_department(session, now)
    if with_public:
        board.days = mention_days(session, settings, now)
        board.hot_events = hot_events(session)
        board.open_alert_count, board.open_alerts = open_alerts(session)
        board.sources = source_shares(session, settings, now)
        board.kinds = kind_shares(session, settings, now)
        board.keywords = top_keywords(session, settings, now)
        board.hot_issues = hot_issues(session, settings, now)
    return board


def department_name(session: Session, department_id: int | None) -> str | None:
    """The name of a department, for headings."""
    if department_id is None:
        return None
    return session.scalar(select(Department.name).where(Department.id == department_id))


__all__ = ["Dashboard", "DayCount", "EntryRow", "HotIssue", "Share", "Week", "build_dashboard",
           "department_name", "due_soon", "hot_events", "mention_days", "open_alerts",
           "overdue_now"]

