"""The Q&A base (政策咨询问答库): answered questions, their variants, cited policies, and the
policies sent with a reply (打包推送).

An entry is one question with one answer. Board messages answered many times over become one
entry whose ``qa_variants`` hold every message that asked it. Policies are referred to by id
with the title and number copied at the time, so that a bundle shows what was sent even if the
policy record is edited later (the policy table belongs to the policy area).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow


class QaEntry(Base):
    """One question and its answer: from a board message, curated (FAQ) or published (typical)."""

    __tablename__ = "qa_entries"
    __table_args__ = (
        Index("ix_qa_entries_status_category", "status", "category"),
        Index("ix_qa_entries_status_department", "status", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # board | faq | typical
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|retired|merged
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(128))
    category: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None]
    valid_until: Mapped[date | None]
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(16), default="0")  # SimHash, hex
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("qa_entries.id"))
    note: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    variants: Mapped[list[QaVariant]] = relationship(
        back_populates="entry", order_by="QaVariant.id")
    policies: Mapped[list[QaPolicy]] = relationship(
        back_populates="entry", order_by="QaPolicy.position", cascade="all, delete-orphan")


class QaVariant(Base):
    """One asking of an entry's question: a board message (ledger entry) that asked it."""

    __tablename__ = "qa_variants"
    __table_args__ = (Index("ix_qa_variants_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("qa_entries.id"))
    ledger_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id"), unique=True)
    question: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[QaEntry] = relationship(back_populates="variants")


class QaPolicy(Base):
    """A policy an entry's answer cites (its validity decides whether the answer is flagged)."""

    __tablename__ = "qa_policies"
    __table_args__ = (
        UniqueConstraint("entry_id", "policy_id", name="uq_qa_policies_entry_policy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("qa_entries.id"))
    policy_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(512))
    number: Mapped[str | None] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(default=0)

    entry: Mapped[QaEntry] = relationship(back_populates="policies")


class ReplyPolicy(Base):
    """A policy sent with a reply (相关政策打包推送), as it was when attached."""

    __tablename__ = "reply_policies"
    __table_args__ = (
        UniqueConstraint("response_id", "policy_id", name="uq_reply_policies_response_policy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("ledger_responses.id"))
    policy_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(512))
    number: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(String(1024))
    position: Mapped[int] = mapped_column(default=0)
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
