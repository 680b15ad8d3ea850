"""Routing as data: which department answers each 一级分类, how sure the model must be, what it
proposed for each board message, and every department change a person made (training data
for the routing model)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.accounts import Department
from tracker.models.base import Base, JSONType, utcnow


class CategoryDepartment(Base):
    """One 一级分类 and the department that answers it (none: a person decides)."""

    __tablename__ = "category_departments"

    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    department: Mapped[Department | None] = relationship(lazy="joined")


class RoutingConfig(Base):
    """The office's routing settings: one row (id 1); no row means the defaults."""

    __tablename__ = "routing_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the model's own default threshold (analysis.routing.DEFAULT_THRESHOLD).
    threshold: Mapped[float | None] = mapped_column(Float)
    auto_assign: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LedgerRouting(Base):
    """What routing said about one board message when it entered the ledger.

    ``suggestions`` holds the top categories, best first: ``[{"category", "confidence",
    "department_id"}]``. ``outcome`` is ``auto`` (assigned by the map) or ``queued`` (待分办).
    """

    __tablename__ = "ledger_routings"
    __table_args__ = (Index("ix_ledger_routings_outcome", "outcome", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), primary_key=True)
    category: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    suggestions: Mapped[list] = mapped_column(JSONType, default=list)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(256))
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DepartmentReassignment(Base):
    """A person gave an entry another department than routing (or an earlier person) did."""

    __tablename__ = "department_reassignments"
    __table_args__ = (Index("ix_department_reassignments_entry", "entry_id"),
                      Index("ix_department_reassignments_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    to_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    category: Mapped[str | None] = mapped_column(String(64))  # as predicted by routing
    confidence: Mapped[float | None] = mapped_column(Float)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
