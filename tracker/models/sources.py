"""Sources that yuqing watches: news sites, feeds, forums and message boards."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class SourceKind(enum.StrEnum):
    """What a source publishes."""

    NEWS = "news"
    RSS = "rss"
    FORUM = "forum"
    BOARD = "board"
    POLICY = "policy"  # a government site's 政策文件 column: stored as policies, not mentions


class Source(Base):
    """A watched site, described by configuration (selectors, dates, encoding, paging)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    base_url: Mapped[str] = mapped_column(String(512))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    enabled: Mapped[bool] = mapped_column(default=True)
    interval_minutes: Mapped[int] = mapped_column(default=30)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceWatch(Base):
    """What the change watch last saw on a source's first list page (see
    :mod:`tracker.collection.watch`): a fingerprint of its entries and the validators the
    server gave (``ETag``, ``Last-Modified``) for a conditional GET next time. In the database,
    so that it survives a restart and a standby scheduler taking over knows it."""

    __tablename__ = "source_watch"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"),
                                           primary_key=True)
    url: Mapped[str] = mapped_column(String(512))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]
