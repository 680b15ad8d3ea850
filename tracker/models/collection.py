"""What the crawlers and imports collect: mentions, message-board cases, crawl runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, JSONType, utcnow
from tracker.models.sources import Source


class Mention(Base):
    """One online item (news article, feed entry, forum post, board message) about us.

    SQL is the system of record; the mention index is a searchable projection filled from
    the rows whose ``indexed_at`` is empty (an outbox), so nothing is lost while the search
    server is down.
    """

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_pending_index", "indexed_at"),
        Index("ix_mentions_published_at", "published_at"),
        Index("ix_mentions_fingerprint", "fingerprint"),
        Index("ix_mentions_source_fetched", "source_id", "fetched_at"),
        # The analysis job looks for mentions changed since its last run (tracker.events.analyze).
        Index("ix_mentions_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1024))
    title: Mapped[str] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(128))
    published_at: Mapped[datetime | None]
    # When the item was first stored (a crawl's "already seen" test reads it); never updated.
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    fingerprint: Mapped[str] = mapped_column(String(64))
    likes: Mapped[int] = mapped_column(default=0)
    dislikes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    reposts: Mapped[int] = mapped_column(default=0)
    message_case_id: Mapped[int | None] = mapped_column(ForeignKey("message_cases.id"))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    indexed_at: Mapped[datetime | None]

    source: Mapped[Source] = relationship(lazy="joined")


class MessageCase(Base):
    """A citizen message on a government message board, with its reply clock."""

    __tablename__ = "message_cases"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_message_cases_source_external"),
        Index("ix_message_cases_submitted_at", "submitted_at"),
        Index("ix_message_cases_source_status", "source_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(String(1024))
    category: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    likes: Mapped[int] = mapped_column(default=0)
    dislikes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_department: Mapped[str | None] = mapped_column(String(128))
    replied_at: Mapped[datetime | None]
    fingerprint: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship(lazy="joined")


class CrawlRun(Base):
    """One crawl of one source: when, what it found, what went wrong."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    pages: Mapped[int] = mapped_column(default=0)
    items_new: Mapped[int] = mapped_column(default=0)
    items_updated: Mapped[int] = mapped_column(default=0)
    items_unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    http_status: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error_samples: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Who runs it and when it last reported, so a run left 'running' by a killed process
    # can be told from one still going.
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None]
