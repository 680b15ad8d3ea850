"""Sources that yuqing watches: news sites, feeds, forums and message boards."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Float, String
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
