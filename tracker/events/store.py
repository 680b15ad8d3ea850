"""Events in SQL as the clusterer sees them: restore the active ones, save what changed,
follow merges. The clusterer's state is never kept whole: an event row keeps its centroid
and place names, ``mention_analysis`` its members and their SimHash signatures, so only the
events active around new mentions are rebuilt (time in proportion to them, not the corpus).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from analysis import keywords
from analysis.clustering import ClusterConfig, EventClusterer
from analysis.clustering import Event as ClusterEvent
from tracker.models import Mention, audit
from tracker.models.events import (
    ALERT_MERGED,
    ALERT_NEW,
    EVENT_MERGED,
    EVENT_OPEN,
    Alert,
    Event,
    MentionAnalysis,
)

CLUSTER_PREFIX = "e"
SIGNED_64 = 1 << 63


def to_signed(value: int) -> int:
    """A 64-bit unsigned signature as a signed BIGINT."""
    return value - (1 << 64) if value >= SIGNED_64 else value


def to_unsigned(value: int) -> int:
    """A signed BIGINT back to the 64-bit unsigned signature."""
    return value + (1 << 64) if value < 0 else value


def active_events(session: Session, start: datetime, end: datetime,
                  window: timedelta) -> list[Event]:
    """Open events the clusterer may put mentions from ``start``..``end`` into."""
    return list(session.scalars(select(Event).where(
        Event.status == EVENT_OPEN, Event.last_seen_at >= start - window,
        Event.first_seen_at <= end + window)))


def restore_clusterer(session: Session, events: Sequence[Event], counter: int,
                      config: ClusterConfig) -> EventClusterer:
    """Rebuild the clusterer with just these events, their members, authors and signatures."""
    members: dict[int, list[str]] = {e.id: [] for e in events}
    authors: dict[int, set[str]] = {e.id: set() for e in events}
    signatures: dict[str, str] = {}
    if events:
        rows = session.execute(select(MentionAnalysis.event_id, MentionAnalysis.mention_id,
                                      MentionAnalysis.simhash, Mention.author)
                               .join(Mention, Mention.id == MentionAnalysis.mention_id)
                               .where(MentionAnalysis.event_id.in_(members))
                               .order_by(MentionAnalysis.mention_id))
        for event_id, mention_id, signature, author in rows:
            members[event_id].append(str(mention_id))
            if author:
                authors[event_id].add(author)
            if signature:
                signatures[str(mention_id)] = format(to_unsigned(signature), "x")
    state = {
        "version": 1, "id_prefix": CLUSTER_PREFIX, "counter": counter,
        "config": {**config.__dict__, "window": config.window.total_seconds()},
        "events": [_event_state(e, members[e.id], authors[e.id]) for e in events],
        "signatures": signatures,
    }
    return EventClusterer.from_dict(state)


def _event_state(event: Event, members: list[str], authors: set[str]) -> dict:
    state = event.cluster_state or {}
    return {"id": event.cluster_key, "centroid": state.get("centroid", {}),
            "places": state.get("places", {}), "codes": state.get("codes", {}),
            "first_at": event.first_seen_at.isoformat(),
            "last_at": event.last_seen_at.isoformat(), "members": members,
            "authors": sorted(authors), "title": event.title, "likes": event.likes,
            "comments": event.comments, "reposts": event.reposts}


def event_keywords(state: ClusterEvent, count: int = 8) -> list[str]:
    """Readable keywords of a clusterer event (its internal character-bigram terms left out)."""
    prefix = getattr(keywords, "BIGRAM_PREFIX", None)
    words = [k.word for k in state.keywords(count * 3)]
    return [w for w in words if not (prefix and w.startswith(prefix))][:count]


def cluster_state(state: ClusterEvent) -> dict:
    """What an event row keeps of its clusterer event to restore it later."""
    return {"centroid": dict(state.centroid), "places": dict(state.places),
            "codes": dict(state.codes)}


def save_events(session: Session, clusterer: EventClusterer, keys: set[str],
                known: dict[str, Event]) -> dict[str, Event]:
    """Create or update the event rows of the clusterer events in ``keys``."""
    rows = dict(known)
    for key in sorted(keys):
        state = clusterer.events[key]
        row = rows.get(key)
        if row is None:
            row = Event(cluster_key=key, title=state.title[:512], status=EVENT_OPEN)
            session.add(row)
            rows[key] = row
        row.first_seen_at, row.last_seen_at = state.first_at, state.last_at
        row.keywords = event_keywords(state)
        row.cluster_state = cluster_state(state)
    session.flush()
    return rows


def retitle(session: Session, clusterer: EventClusterer, rows: dict[str, Event]) -> None:
    """Name each touched event after a member that names its main place.

    An event is titled by its first mention; when later mentions show the matter is about
    another place (the first one was a stray), the title would mislead a reader.
    """
    for key, row in rows.items():
        state = clusterer.events.get(key)
        places = state.main_places(1) if state is not None else []
        if not places or places[0] in row.title:
            continue
        title = session.scalar(
            select(Mention.title).join(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
            .where(MentionAnalysis.event_id == row.id,
                   Mention.title.contains(places[0], autoescape=True))
            .order_by(Mention.likes.desc(), Mention.id).limit(1))
        if title:
            row.title = title[:512]


def mark_for_reindex(session: Session, mention_ids: Sequence[int]) -> None:
    """Empty ``indexed_at`` so the search index syncs the mentions' new analysis."""
    for start in range(0, len(mention_ids), 500):
        chunk = list(mention_ids[start:start + 500])
        session.execute(update(Mention).where(Mention.id.in_(chunk))
                        .values(indexed_at=None, updated_at=Mention.updated_at)
                        .execution_options(synchronize_session=False))


def absorbed_events(session: Session, clusterer: EventClusterer,
                    known: dict[str, Event]) -> dict[str, str]:
    """Stored events the clusterer merged into another this run: key -> surviving key."""
    out = {}
    for key, row in known.items():
        if key in clusterer.events:
            continue
        member = session.scalar(select(MentionAnalysis.mention_id)
                                .where(MentionAnalysis.event_id == row.id).limit(1))
        survivor = clusterer.event_of(str(member)) if member is not None else None
        if survivor is not None:
            out[key] = survivor.id
    return out


def absorb_event(session: Session, source: Event, target: Event, *, actor_id: int | None,
                 now: datetime, auto: bool) -> list[int]:
    """Fold ``source`` into ``target`` in SQL: members, status, open alerts; audited.
    Return the moved mention ids (figures are the caller's to refresh)."""
    moved = list(session.scalars(select(MentionAnalysis.mention_id)
                                 .where(MentionAnalysis.event_id == source.id)))
    session.execute(update(MentionAnalysis).where(MentionAnalysis.event_id == source.id)
                    .values(event_id=target.id).execution_options(synchronize_session=False))
    source.status, source.merged_into_id = EVENT_MERGED, target.id
    note = f"并入事件“{target.title[:40]}”" + ("（自动）" if auto else "")  # shown on pages
    on_target = list(session.execute(select(Alert.status, Alert.level)
                                     .where(Alert.event_id == target.id)))
    open_on_target = any(status == ALERT_NEW for status, _ in on_target)
    target_levels = {level for _, level in on_target}
    for alert in session.scalars(select(Alert).where(Alert.event_id == source.id,
                                                     Alert.status == ALERT_NEW)):
        if auto and not open_on_target and alert.level not in target_levels:
            _move_alert(session, alert, source, target, note)  # the matter grew: it follows
            open_on_target = True
            continue
        audit.record(session, entity_type="alert", entity_id=alert.id, action="merge",
                     actor_id=actor_id, changes={"status": (alert.status, ALERT_MERGED)},
                     detail={"note": note, "target_event_id": target.id})
        alert.status, alert.decision_note = ALERT_MERGED, note
        alert.decided_at, alert.decided_by_id = now, actor_id
    audit.record(session, entity_type="event", entity_id=source.id, action="merge",
                 actor_id=actor_id, changes={"merged_into_id": (None, target.id)},
                 detail={"mentions": len(moved), "auto": auto})
    mark_for_reindex(session, moved)
    return moved


def _move_alert(session: Session, alert: Alert, source: Event, target: Event, note: str) -> None:
    """Re-point an open alert at the event its own event was folded into (audited), so the
    grown event is not alerted a second time at a level it was already alerted at."""
    audit.record(session, entity_type="alert", entity_id=alert.id, action="move",
                 actor_id=None, changes={"event_id": (source.id, target.id)},
                 detail={"note": note})
    alert.event_id = target.id
