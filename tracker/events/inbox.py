"""The monitoring side of the work inbox: new alerts for staff, today's hot issues for leaders.

Every row carries the alert to open (an event without an alert is opened through search).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models.events import ALERT_NEW, EVENT_OPEN, Alert, Event


@dataclass(frozen=True)
class AlertRow:
    """One untriaged alert with its event's title."""

    id: int
    title: str
    level: str
    created_at: datetime


@dataclass(frozen=True)
class HotRow:
    """One hot event, with its newest alert (to link to) when it has one."""

    event_id: int
    title: str
    level: str
    hotness: float
    mentions: int
    alert_id: int | None


def new_alerts(session: Session, limit: int = 20) -> tuple[list[AlertRow], int]:
    """Untriaged alerts, highest level and newest first, and how many there are."""
    where = Alert.status == ALERT_NEW
    total = session.scalar(select(func.count()).select_from(Alert).where(where)) or 0
    rows = session.execute(select(Alert.id, Event.title, Alert.level, Alert.created_at)
                           .join(Event, Event.id == Alert.event_id).where(where)
                           .order_by(Alert.level_rank.desc(), Alert.created_at.desc(),
                                     Alert.id.desc()).limit(limit)).all()
    return [AlertRow(*row) for row in rows], total


def hot_today(session: Session, now: datetime, tz: tzinfo, limit: int = 10) -> list[HotRow]:
    """Open events seen since local midnight (or in the last 24 h), hottest first."""
    midnight = datetime.combine(now.astimezone(tz).date(), datetime.min.time(), tz)
    since = min(midnight, now - timedelta(hours=24))
    newest = (select(Alert.event_id, func.max(Alert.id).label("alert_id"))
              .group_by(Alert.event_id).subquery())
    rows = session.execute(
        select(Event.id, Event.title, Event.level, Event.hotness, Event.mention_count,
               newest.c.alert_id)
        .outerjoin(newest, newest.c.event_id == Event.id)
        .where(Event.status == EVENT_OPEN, Event.last_seen_at >= since, Event.hotness > 0)
        .order_by(Event.hotness.desc(), Event.id).limit(limit)).all()
    return [HotRow(*row) for row in rows]
