"""The dashboards' newer figures: where mentions come from (source, media type), the top
keywords, hot issues with their daily trend, the weekly reply-time trend and the on-time
rate and overdue count by department.

Reply-time and on-time figures come from :mod:`tracker.metrics` (the definitions of the
monthly report); overdue by department from :mod:`tracker.ledger` (the leader's inbox).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ledger import overdue_by_department
from tracker.metrics import (
    DepartmentMetrics,
    Metrics,
    Period,
    compute_metrics,
    local_date,
    metrics_by,
)
from tracker.models import Mention, Source
from tracker.models.events import Alert, Event, MentionAnalysis
from tracker.settings import Settings

#: Days of a hot issue's sparkline.
SPARK_DAYS = 14
KIND_NAMES = {"news": "新闻", "rss": "订阅", "forum": "论坛", "board": "留言板"}


@dataclass
class Share:
    """One part of a distribution: its key (for the link), label and count."""

    key: str
    label: str
    count: int


@dataclass
class HotIssue:
    """An open event, its newest alert (to link to) and its mentions per day."""

    id: int
    title: str
    level: str
    hotness: float
    mentions: int
    negative: int
    alert_id: int | None = None
    daily: list[int] = field(default_factory=list)


@dataclass
class Week:
    """The reply-time figures of the entries received in one local week (Monday first)."""

    start: date
    end: date
    metrics: Metrics


def _when():
    return func.coalesce(Mention.published_at, Mention.fetched_at)


def window(settings: Settings, now: datetime, days: int) -> tuple[date, datetime]:
    """The first local day of the last ``days`` days and its UTC start."""
    first = now.astimezone(settings.tz).date() - timedelta(days=days - 1)
    return first, Period(first, first).utc_bounds(settings.tz)[0]


def source_shares(session: Session, settings: Settings, now: datetime,
                  days: int = 30, top: int = 7) -> list[Share]:
    """Mentions of the last ``days`` days by source, most first; the rest as 其他来源."""
    _, lower = window(settings, now, days)
    rows = session.execute(
        select(Source.name, Source.title, func.count()).select_from(Mention)
        .join(Source, Source.id == Mention.source_id)
        .where(_when() >= lower, _when() <= now)
        .group_by(Source.name, Source.title).order_by(func.count().desc(), Source.name)).all()
    shares = [Share(name, title or name, int(n)) for name, title, n in rows]
    if len(shares) > top + 1:
        rest = sum(s.count for s in shares[top:])
        shares = [*shares[:top], Share("", "其他来源", rest)]
    return shares


def kind_shares(session: Session, settings: Settings, now: datetime,
                days: int = 30) -> list[Share]:
    """Mentions of the last ``days`` days by media type (新闻, 论坛, 留言板 ...), most first."""
    _, lower = window(settings, now, days)
    rows = session.execute(select(Mention.kind, func.count())
                           .where(_when() >= lower, _when() <= now)
                           .group_by(Mention.kind).order_by(func.count().desc())).all()
    return [Share(kind, KIND_NAMES.get(kind, "其他类型"), int(n)) for kind, n in rows]


def top_keywords(session: Session, settings: Settings, now: datetime, days: int = 30,
                 top: int = 10) -> list[tuple[str, int]]:
    """The keywords found in most mentions of the last ``days`` days (analysis keywords,
    one count per mention)."""
    _, lower = window(settings, now, days)
    counts: Counter[str] = Counter()
    rows = session.execute(select(MentionAnalysis.keywords)
                           .join(Mention, Mention.id == MentionAnalysis.mention_id)
                           .where(_when() >= lower, _when() <= now))
    for (words,) in rows:
        counts.update({w for w in (words or []) if isinstance(w, str) and w})
    return counts.most_common(top)


def hot_issues(session: Session, settings: Settings, now: datetime, limit: int = 8,
               days: int = SPARK_DAYS) -> list[HotIssue]:
    """The hottest open events, with their newest alert and mentions per day over the last
    ``days`` days (the sparkline)."""
    newest = (select(Alert.event_id, func.max(Alert.id).label("alert_id"))
              .group_by(Alert.event_id).subquery())
    rows = session.execute(
        select(Event.id, Event.title, Event.level, Event.hotness, Event.mention_count,
               Event.negative_count, newest.c.alert_id)
        .outerjoin(newest, newest.c.event_id == Event.id)
        .where(Event.status == "open").order_by(Event.hotness.desc(), Event.id)
        .limit(limit)).all()
    issues = [HotIssue(*row) for row in rows]
    if not issues:
        return []
    first, lower = window(settings, now, days)
    dialect = session.get_bind().dialect.name
    day = local_date(dialect, _when(), settings.tz, lower)
    counts = session.execute(
        select(MentionAnalysis.event_id, day, func.count())
        .join(Mention, Mention.id == MentionAnalysis.mention_id)
        .where(MentionAnalysis.event_id.in_([i.id for i in issues]), _when() >= lower,
               _when() <= now).group_by(MentionAnalysis.event_id, day)).all()
    per = {(event_id, str(d)): int(n) for event_id, d, n in counts}
    for issue in issues:
        issue.daily = [per.get((issue.id, (first + timedelta(days=i)).isoformat()), 0)
                       for i in range(days)]
    return issues


def weekly_speed(session: Session, settings: Settings, now: datetime, weeks: int = 8,
                 department_id: int | None = None) -> list[Week]:
    """Reply-time metrics of the entries received in each of the last ``weeks`` local weeks
    (the current one included), as :func:`tracker.metrics.metrics_by` defines them."""
    today = now.astimezone(settings.tz).date()
    monday = today - timedelta(days=today.weekday())
    out = []
    for i in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=i)
        end = min(start + timedelta(days=6), today)
        total, _ = metrics_by(session, Period(start, end), settings, "kind", as_of=now,
                              department_id=department_id, workdays=False)
        out.append(Week(start, end, total))
    return out


def department_figures(session: Session, settings: Settings, now: datetime,
                       days: int = 30) -> list[DepartmentMetrics]:
    """The metrics of each lead department over the entries received in the last ``days``
    days (the monthly report's definitions), best on-time rate first."""
    first, _ = window(settings, now, days)
    result = compute_metrics(session, Period(first, now.astimezone(settings.tz).date()),
                             settings, as_of=now)
    known = [d for d in result.by_department if d.department_id is not None]
    return sorted(known, key=lambda d: (d.on_time_rate is None, -(d.on_time_rate or 0),
                                        -d.received))


__all__ = ["HotIssue", "KIND_NAMES", "Share", "Week", "department_figures", "hot_issues",
           "kind_shares", "overdue_by_department", "source_shares", "top_keywords",
           "weekly_speed", "window"]
