"""Watch rules (监测方案): saved searches that staff and the analysis job run over mentions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class WatchRule(Base):
    """All-of / any-of / none-of words, region words, and source and kind filters.

    The word lists are stored as data (not as the query string) so that admin screens and
    the analysis job read them directly; ``tracker.index.rules`` converts to and from the
    query syntax and compiles them for either index backend.
    """

    __tablename__ = "watch_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    all_words: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Each inner list is one any-of group: at least one of its words must occur.
    any_groups: Mapped[list[list[str]]] = mapped_column(JSONType, default=list)
    none_words: Mapped[list[str]] = mapped_column(JSONType, default=list)
    region_words: Mapped[list[str]] = mapped_column(JSONType, default=list)
    sources: Mapped[list[str]] = mapped_column(JSONType, default=list)
    kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
