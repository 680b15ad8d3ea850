"""The 亮点工程 case library: monthly proposals scored from the ledger, and curated cases.

A proposal is a finished ledger entry that scored among the best of its month; its score and
the words that explain each part are kept as they were computed, so a page shows what the
leader saw when choosing. A curated case is the library item: a short write-up (背景, 处置,
成效, 经验启示), tags and a department. Cases are never deleted: withdrawing one keeps the row
and the audit trail says who did what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.accounts import Department, User
from tracker.models.base import Base, JSONType, utcnow
from tracker.models.ledger import LedgerEntry


class CaseProposal(Base):
    """A finished entry proposed for the library in a month, with its explained score."""

    __tablename__ = "case_proposals"
    __table_args__ = (
        UniqueConstraint("month", "entry_id", name="uq_case_proposals_month_entry"),
        Index("ix_case_proposals_month_rank", "month", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local time
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    rank: Mapped[int]
    total: Mapped[float] = mapped_column(Float)  # 0-100
    #: One item per component: key, label, weight, score (0-1 or None), words.
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    summary: Mapped[str] = mapped_column(Text)  # the total, explained in words
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[LedgerEntry] = relationship(lazy="joined")


class LibraryCase(Base):
    """A curated case (亮点工程): drafted by staff or a leader, put in the library by a leader."""

    __tablename__ = "library_cases"
    __table_args__ = (
        Index("ix_library_cases_state_year", "state", "year"),
        Index("ix_library_cases_department_year", "department_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    #: draft (草稿), published (已入库), withdrawn (已撤回)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    year: Mapped[int]
    #: The score when the case was written up (None when curated without a proposal).
    score_total: Mapped[float | None] = mapped_column(Float)
    score_components: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    score_summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[LedgerEntry] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    tags: Mapped[list[CaseTag]] = relationship(
        back_populates="case", order_by="CaseTag.position", cascade="all, delete-orphan")

    @property
    def tag_names(self) -> list[str]:
        """The tags, in the order they were written."""
        return [tag.name for tag in self.tags]


class CaseTag(Base):
    """One tag of a case (a row each, so the library filters on a tag with an index)."""

    __tablename__ = "case_tags"
    __table_args__ = (Index("ix_case_tags_name", "name"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("library_cases.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    case: Mapped[LibraryCase] = relationship(back_populates="tags")
