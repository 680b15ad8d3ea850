"""The policy Q&A base (政策咨询智能问答库): policy documents (``policies``).

SQL is the system of record; the question-search index (``tracker.index``, collection
``policy``) holds a copy of every policy for search and is rebuilt from these rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class Policy(Base):
    """One policy document: metadata (发文机关, 发文字号, dates, validity), full text and
    attachments; ``extra`` keeps the columns an import had that have no field here."""

    __tablename__ = "policies"
    __table_args__ = (
        Index("ix_policies_published", "published_on", "id"),
        Index("ix_policies_validity", "validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    issuer: Mapped[str | None] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(200))
    written_on: Mapped[date | None]
    published_on: Mapped[date | None]
    validity: Mapped[str] = mapped_column(String(16), default="valid")
    topic: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2048))
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
