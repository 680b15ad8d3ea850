"""Analysis results: per-mention scores, events, alerts, sentiment corrections, job state.

Analysis results live in their own table keyed by mention id (``mention_analysis``) rather
than as columns on ``mentions``: they are derived data with their own life (re-scored when
the model changes, corrected by staff, moved between events on a merge), the collection
area owns ``mentions`` and writes it on every crawl, and one table per area keeps the two
migrations apart. Events and alerts are never hard-deleted; a merged event points at the
event it went into and a dismissed alert keeps its reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, JSONType, utcnow

EVENT_OPEN, EVENT_DISMISSED, EVENT_MERGED = "open", "dismissed", "merged"
ALERT_NEW, ALERT_DISMISSED, ALERT_ESCALATED, ALERT_MERGED = (
    "new", "dismissed", "escalated", "merged")


class Event(Base):
    """One concrete matter (a place and a problem) that mentions were clustered into."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_status_hotness", "status", "hotness"),
        Index("ix_events_last_seen", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The clusterer's own id for the event, so its state can be restored across runs.
    cluster_key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(512))
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default=EVENT_OPEN)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    mention_count: Mapped[int] = mapped_column(default=0)
    negative_count: Mapped[int] = mapped_column(default=0)
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    reposts: Mapped[int] = mapped_column(default=0)
    hotness: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str] = mapped_column(String(16), default="无")
    reason: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(128))
    department_confidence: Mapped[float | None] = mapped_column(Float)
    # The clusterer's centroid and place names, restored when the event is active again.
    cluster_state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MentionAnalysis(Base):
    """What the analysis found in one mention (board messages included)."""

    __tablename__ = "mention_analysis"
    __table_args__ = (Index("ix_mention_analysis_event", "event_id", "mention_id"),)

    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"), primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    sentiment: Mapped[float] = mapped_column(Float)
    # True once staff corrected the score; re-scoring then leaves it alone.
    sentiment_corrected: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # 64-bit SimHash stored as a signed BIGINT (two's complement).
    simhash: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    category: Mapped[str | None] = mapped_column(String(64))
    # Sensitive words and watch rules (监测方案, by name) the mention matched.
    sensitive_hits: Mapped[list[str]] = mapped_column(JSONType, default=list)
    watch_hits: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category_confidence: Mapped[float | None] = mapped_column(Float)
    # The 诉求类型 a board message's title declares (analysis.appeal); None elsewhere.
    appeal: Mapped[str | None] = mapped_column(String(8))
    analyzed_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event | None] = relationship()


class Alert(Base):
    """An event crossing a level: at most one per event and level, ever."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("event_id", "level", name="uq_alerts_event_level"),
        Index("ix_alerts_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    level: Mapped[str] = mapped_column(String(16))
    level_rank: Mapped[int] = mapped_column(SmallInteger)
    hotness: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=ALERT_NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised inside quiet hours (only the levels allowed to wake people up are).
    quiet: Mapped[bool] = mapped_column(default=False)
    announced_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The ledger entry opened on escalation (no foreign key, like ``ledger_entries.alert_id``,
    # so the two areas' migrations stay independent branches).
    ledger_entry_id: Mapped[int | None]

    event: Mapped[Event] = relationship(lazy="joined")


class SentimentCorrection(Base):
    """Staff's correction of a mention's sentiment, kept as training data."""

    __tablename__ = "sentiment_corrections"
    __table_args__ = (Index("ix_sentiment_corrections_mention", "mention_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))
    # The text as it was judged: the mention may change later, the label belongs to this.
    text: Mapped[str] = mapped_column(Text)
    old_score: Mapped[float] = mapped_column(Float)
    label: Mapped[int] = mapped_column(SmallInteger)  # 1 positive, 0 negative
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A leader overruled this correction: it is no longer training data.
    overruled_at: Mapped[datetime | None]
    overruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AnalysisState(Base):
    """Named state of the analysis job: the mention cursor, the clusterer's snapshot."""

    __tablename__ = "analysis_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
