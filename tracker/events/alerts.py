"""Alerts: one per event and level, never repeated; quiet hours defer the lower levels.

An event whose level rises above every level it was alerted at gets one alert row, as
:func:`analysis.hotness.should_alert` decides; the unique (event, level) constraint makes a
repeat impossible even for two jobs racing. In quiet hours (22:00-07:00 local by default)
only 重大/特别重大 alert; a lower level is deferred, and because the job also looks at every
event whose level is above its alerts (:func:`pending_events`), the deferred alert is raised
by the first run after the quiet hours, new mentions or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, exists, select
from sqlalchemy.orm import Session

from analysis import hotness
from analysis.hotness import QuietHours
from analysis.types import Level
from tracker.models.events import ALERT_NEW, EVENT_OPEN, Alert, Event
from tracker.vocabulary import EVENT_LEVEL_RANKS


@dataclass(frozen=True)
class AlertPolicy:
    """Lowest level that alerts, quiet hours, and how stale a matter may be and still alert."""

    min_level: Level = Level.GENERAL
    # One post that many people like is news, not yet a matter: it alerts from this level.
    single_min_level: Level = Level.LARGE
    # Opinion risk needs criticism: below this negative share only watch-rule or
    # sensitive-word hits make a hot event alert (a much-liked festival story does not).
    min_negative_share: float = 0.3
    quiet: QuietHours | None = field(default_factory=QuietHours)
    # None: alert whatever the age (an imported history raises alerts too); else only events
    # whose latest mention is this recent.
    max_age: timedelta | None = None


def alerted_levels(session: Session, event_ids: Sequence[int]) -> dict[int, set[Level]]:
    """The levels each event was already alerted at."""
    out: dict[int, set[Level]] = defaultdict(set)
    for start in range(0, len(event_ids), 500):
        rows = session.execute(select(Alert.event_id, Alert.level)
                               .where(Alert.event_id.in_(event_ids[start:start + 500])))
        for event_id, level in rows:
            if level in EVENT_LEVEL_RANKS:
                out[event_id].add(Level(level))
    return out


def level_rank():
    """SQL expression: the rank of an event's level (0 for none or unknown)."""
    return case(EVENT_LEVEL_RANKS, value=Event.level, else_=0)


def pending_events(session: Session, policy: AlertPolicy, now: datetime) -> list[Event]:
    """Open events whose level is above every alert they had (deferred or never raised)."""
    higher = exists().where(Alert.event_id == Event.id, Alert.level_rank >= level_rank())
    query = select(Event).where(Event.status == EVENT_OPEN, Event.level != Level.NONE.value,
                                level_rank() >= policy.min_level.rank, ~higher)
    if policy.max_age is not None:
        query = query.where(Event.last_seen_at >= now - policy.max_age)
    return list(session.scalars(query.order_by(Event.id)))


def is_risk(event: Event, policy: AlertPolicy) -> bool:
    """Negative enough, or hit a watch rule or sensitive words (as the reason says)."""
    negative = event.negative_count / event.mention_count if event.mention_count else 0.0
    # analysis.hotness.reason names the hits with these fixed words.
    return (negative >= policy.min_negative_share or "命中监测方案" in event.reason
            or "敏感词" in event.reason)


def decide(event: Event, done: set[Level], policy: AlertPolicy, now: datetime) -> Level | None:
    """The level to alert the event at now, or None."""
    level = Level(event.level) if event.level in EVENT_LEVEL_RANKS else Level.NONE
    if level.rank < policy.min_level.rank or not is_risk(event, policy):
        return None
    if event.mention_count <= 1 and level.rank < policy.single_min_level.rank:
        return None
    if policy.max_age is not None and event.last_seen_at < now - policy.max_age:
        return None
    return level if hotness.should_alert(done, level, now, policy.quiet).alert else None


def raise_alerts(session: Session, events: Sequence[Event], policy: AlertPolicy,
                 now: datetime) -> list[Alert]:
    """Raise the alerts the events' levels call for (and deferred ones now due)."""
    candidates = {e.id: e for e in events}
    for event in pending_events(session, policy, now):
        candidates.setdefault(event.id, event)
    done = alerted_levels(session, sorted(candidates))
    quiet = policy.quiet is not None and hotness.in_quiet_hours(now, policy.quiet)
    raised = []
    for event_id in sorted(candidates):
        event = candidates[event_id]
        level = decide(event, done[event_id], policy, now)
        if level is None:
            continue
        alert = Alert(event_id=event.id, level=level.value, level_rank=level.rank,
                      hotness=round(event.hotness, 2), reason=event.reason,
                      department=event.department, status=ALERT_NEW, created_at=now,
                      quiet=quiet)
        session.add(alert)
        done[event_id].add(level)
        raised.append(alert)
    session.flush()
    return raised


def due_announcements(session: Session, limit: int = 200) -> list[Alert]:
    """Alerts nobody was told of yet (for the notifier), oldest first."""
    return list(session.scalars(select(Alert).where(Alert.announced_at.is_(None))
                                .order_by(Alert.id).limit(limit)))
