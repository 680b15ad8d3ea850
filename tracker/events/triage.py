"""Triage of alerts by opinion staff: dismiss, merge events, correct sentiment, escalate.

Every action is audited (``tracker.models.audit.record``); the caller commits. Escalation
opens an opinion entry in the response ledger through :func:`tracker.ledger.open_opinion_entry`
with the event's mentions linked, and proposes the suggested department when one of that
name exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.clustering import ClusterConfig
from tracker.events.hot import HotConfig, refresh_events
from tracker.events.store import (
    absorb_event,
    cluster_state,
    event_keywords,
    mark_for_reindex,
    restore_clusterer,
)
from tracker.ledger import open_opinion_entry, propose_department
from tracker.models import Department, Mention, audit, utcnow
from tracker.models.events import (
    ALERT_DISMISSED,
    ALERT_ESCALATED,
    ALERT_NEW,
    EVENT_OPEN,
    Alert,
    Event,
    MentionAnalysis,
    SentimentCorrection,
)
from tracker.vocabulary import from_analysis

MAX_LINKED_MENTIONS = 500


class TriageError(ValueError):
    """An action that cannot be done as asked; the message is shown to the user (Chinese)."""


def _open_alert(alert: Alert) -> None:
    if alert.status != ALERT_NEW:
        raise TriageError("该预警已处理")


def dismiss_alert(session: Session, alert: Alert, reason: str, actor_id: int | None,
                  now: datetime | None = None) -> None:
    """Dismiss an alert with a reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise TriageError("请填写忽略理由")
    _open_alert(alert)
    _decide(session, alert, ALERT_DISMISSED, reason, actor_id, now or utcnow(), "dismiss")


def _decide(session: Session, alert: Alert, status: str, note: str, actor_id: int | None,
            now: datetime, action: str, detail: dict | None = None) -> None:
    old = alert.status
    alert.status, alert.decision_note = status, note[:2000]
    alert.decided_at, alert.decided_by_id = now, actor_id
    audit.record(session, entity_type="alert", entity_id=alert.id, action=action,
                 actor_id=actor_id, changes={"status": (old, status)},
                 detail={"note": note, **(detail or {})})


def event_mention_ids(session: Session, event_id: int) -> list[int]:
    """The ids of an event's mentions, oldest id first."""
    return list(session.scalars(select(MentionAnalysis.mention_id)
                                .where(MentionAnalysis.event_id == event_id)
                                .order_by(MentionAnalysis.mention_id)))


def merge_events(session: Session, source: Event, target: Event, actor_id: int | None,
                 now: datetime | None = None, config: HotConfig | None = None) -> None:
    """Merge ``source`` into ``target``: members, centroid, figures (a level the merged event
    reaches is alerted by the next analysis run)."""
    now = now or utcnow()
    if source.id == target.id:
        raise TriageError("不能合并到同一事件")
    if source.status != EVENT_OPEN or target.status != EVENT_OPEN:
        raise TriageError("只能合并未被合并的事件")
    clusterer = restore_clusterer(session, [target, source], 0, ClusterConfig())
    merged = clusterer.merge(target.cluster_key, source.cluster_key)
    target.cluster_state = cluster_state(merged)
    target.keywords = event_keywords(merged)
    absorb_event(session, source, target, actor_id=actor_id, now=now, auto=False)
    session.flush()
    refresh_events(session, [target], config or HotConfig(), now)


def correct_sentiment(session: Session, mention_id: int, positive: bool,
                      actor_id: int | None, config: HotConfig | None = None, *,
                      event_id: int | None = None) -> None:
    """Set a mention's sentiment by hand; keep the correction for retraining.

    With ``event_id`` (a correction made on an alert's page) a mention that is not one of
    that event's raises LookupError and nothing is stored.
    """
    result = session.get(MentionAnalysis, mention_id)
    if event_id is not None and (result is None or result.event_id != event_id):
        raise LookupError(f"mention {mention_id} is not in event {event_id}")
    mention = session.get(Mention, mention_id)
    if result is None or mention is None:
        raise TriageError("找不到该信息的分析结果")
    new = 1.0 if positive else 0.0
    session.add(SentimentCorrection(mention_id=mention_id, text=f"{mention.title}\n{mention.text}",
                                    old_score=result.sentiment, label=int(positive),
                                    user_id=actor_id))
    audit.record(session, entity_type="mention", entity_id=mention_id, action="sentiment",
                 actor_id=actor_id, changes={"sentiment": (result.sentiment, new)})
    result.sentiment, result.sentiment_corrected = new, True
    mark_for_reindex(session, [mention_id])
    session.flush()
    if result.event_id is not None:
        event = session.get(Event, result.event_id)
        refresh_events(session, [event], config or HotConfig(), utcnow())


def restore_sentiment(session: Session, mention_id: int, score: float,
                      config: HotConfig | None = None) -> None:
    """Give a mention back a score it had before a hand correction (a leader overruled the
    correction; tracker.learning audits that)."""
    result = session.get(MentionAnalysis, mention_id)
    if result is None:
        return
    result.sentiment, result.sentiment_corrected = score, False
    mark_for_reindex(session, [mention_id])
    session.flush()
    if result.event_id is not None:
        refresh_events(session, [session.get(Event, result.event_id)], config or HotConfig(),
                       utcnow())


def escalate_alert(session: Session, alert: Alert, actor_id: int | None,
                   now: datetime | None = None) -> int:
    """Open an opinion ledger entry for the alert's event; return the entry id."""
    _open_alert(alert)
    now = now or utcnow()
    event = alert.event
    ids = event_mention_ids(session, event.id)
    first = session.get(Mention, ids[0]) if ids else None
    summary = f"预警时：{alert.reason}\n关键词：{'、'.join(event.keywords)}"
    entry = open_opinion_entry(
        session, title=event.title, summary=summary,
        source=first.source.title if first is not None else None,
        url=first.url or None if first is not None else None, found_at=alert.created_at,
        first_published_at=event.first_seen_at, level=from_analysis(alert.level),
        mention_ids=ids[:MAX_LINKED_MENTIONS], alert_id=alert.id, actor_id=actor_id,
        involved_units=event.department)
    department = session.scalar(select(Department).where(Department.name == event.department))
    if department is not None:
        propose_department(session, entry, department.id, event.department_confidence,
                           actor_id=actor_id)
    alert.ledger_entry_id = entry.id
    _decide(session, alert, ALERT_ESCALATED, f"转入台账 #{entry.id}", actor_id, now,
            "escalate", {"ledger_entry_id": entry.id})
    return entry.id
