"""What the triage queue shows: alerts in order, and one alert's event in detail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.appeal import NEGATIVE_APPEALS
from tracker.events.figures import EventFigures, alerted_count, figures_of, tone
from tracker.events.hot import members_of
from tracker.models import Mention
from tracker.models.events import ALERT_NEW, EVENT_OPEN, Alert, Event, MentionAnalysis

STATUSES = {"new": "待处置", "dismissed": "已忽略", "escalated": "已转台账", "merged": "已合并"}
SORTS = {"new": "最新优先", "hot": "最热优先"}
PAGE_SIZE = 30
MENTIONS_SHOWN = 100
TREND_DAYS = 14


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue."""

    alerts: list[Alert]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def queue(session: Session, status: str = ALERT_NEW, sort: str = "new",
          page: int = 1) -> QueuePage:
    """Alerts of one status (or all), newest or hottest first."""
    where = [] if status == "all" else [Alert.status == status]
    total = session.scalar(select(func.count()).select_from(Alert).where(*where)) or 0
    order = ((Alert.hotness.desc(), Alert.created_at.desc()) if sort == "hot"
             else (Alert.created_at.desc(), Alert.hotness.desc()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    alerts = list(session.scalars(select(Alert).where(*where).order_by(*order, Alert.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    counts = dict(session.execute(select(Alert.status, func.count()).group_by(Alert.status)).all())
    return QueuePage(alerts, total, page, pages, {k: counts.get(k, 0) for k in STATUSES})


@dataclass(frozen=True)
class MentionRow:
    """One mention of the event as the detail page lists it."""

    mention: Mention
    sentiment: float
    corrected: bool
    duplicate_of: int | None
    appeal: str | None = None  # the 诉求类型 a board message declares (analysis.appeal)

    @property
    def tone(self) -> str:
        """负面/中性/正面 as the event's sentiment mix counts it (tracker.events.figures)."""
        return tone(self.sentiment, self.appeal, self.corrected)

    @property
    def complaint_counts_negative(self) -> bool:
        """Whether its declared appeal alone puts it in the negative share (as events.hot)."""
        return self.appeal in NEGATIVE_APPEALS and not self.corrected


@dataclass
class EventDetail:
    """An event with its figures (tracker.events.figures), trend, mentions and alerts."""

    event: Event
    mentions: list[MentionRow]
    figures: EventFigures
    trend: list[tuple[date, int]]
    alerts: list[Alert] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many mentions the event has now."""
        return self.figures.total

    @property
    def mix(self) -> dict[str, int]:
        """负面/中性/正面 counts of all its mentions."""
        return self.figures.mix

    def alerted(self, alert: Alert) -> int | None:
        """How many mentions it had when ``alert`` was raised (None: unknown)."""
        return alerted_count(alert)

    @property
    def trend_max(self) -> int:
        """The highest day, for scaling the bars."""
        return max((n for _, n in self.trend), default=0) or 1


def trend(times: list[datetime], tz: ZoneInfo, days: int = TREND_DAYS) -> list[tuple[date, int]]:
    """Mentions per local day over the ``days`` days up to the latest one."""
    if not times:
        return []
    per_day = Counter(t.astimezone(tz).date() for t in times)
    last = max(per_day)
    return [(last - timedelta(days=i), per_day.get(last - timedelta(days=i), 0))
            for i in range(days - 1, -1, -1)]


def event_detail(session: Session, event: Event, tz: ZoneInfo) -> EventDetail:
    """The detail of an event: figures from all members, the newest mentions listed."""
    members = members_of(session, [event.id]).get(event.id, [])
    rows = session.execute(
        select(Mention, MentionAnalysis.sentiment, MentionAnalysis.sentiment_corrected,
               MentionAnalysis.duplicate_of_id, MentionAnalysis.appeal)
        .join(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
        .where(MentionAnalysis.event_id == event.id)
        .order_by(func.coalesce(Mention.published_at, Mention.fetched_at).desc(),
                  Mention.id.desc())
        .limit(MENTIONS_SHOWN)).unique().all()
    alerts = list(session.scalars(select(Alert).where(Alert.event_id == event.id)
                                  .order_by(Alert.created_at, Alert.id)))
    return EventDetail(event, [MentionRow(*row) for row in rows], figures_of(members),
                       trend([m.at for m in members], tz), alerts)


def merge_targets(session: Session, event: Event, limit: int = 50) -> list[Event]:
    """Open events the event could be merged into: those with open alerts, then the hottest."""
    alerted = select(Alert.event_id).where(Alert.status == ALERT_NEW)
    base = select(Event).where(Event.status == EVENT_OPEN, Event.id != event.id)
    first = list(session.scalars(base.where(Event.id.in_(alerted))
                                 .order_by(Event.hotness.desc(), Event.id).limit(limit)))
    seen = {e.id for e in first}
    rest = session.scalars(base.order_by(Event.hotness.desc(), Event.id).limit(limit))
    return first + [e for e in rest if e.id not in seen][:max(0, limit - len(first))]
