"""Typical Q&A (典型问答) prepared for the public site: masked question and reply, the policies
that answer it, the ledger entry it came from, and its way from proposal to publication."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class TypicalQA(Base):
    """One typical question and answer; only ``state == "published"`` is ever shown in public.

    ``month`` (YYYY-MM) is its monthly batch (本月典型问答). ``author_name`` is the writer's
    name taken from the message, kept only to mask it again after an edit; it is never shown.
    """

    __tablename__ = "typical_qas"
    __table_args__ = (
        Index("ix_typical_qas_state_published_at", "state", "published_at"),
        Index("ix_typical_qas_month_state", "month", "state"),
        Index("ix_typical_qas_updated_at", "updated_at"),  # the public site's version
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    origin: Mapped[str] = mapped_column(String(16), default="manual")
    origin_score: Mapped[float | None] = mapped_column(Float)
    origin_note: Mapped[str | None] = mapped_column(String(256))
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"),
                                                        index=True)
    message_case_id: Mapped[int | None] = mapped_column(ForeignKey("message_cases.id"))
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(String(128))
    department_name: Mapped[str | None] = mapped_column(String(128))
    category: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    policies: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_url: Mapped[str | None] = mapped_column(String(1024))
    unpublished_at: Mapped[datetime | None]
    unpublish_reason: Mapped[str | None] = mapped_column(Text)
