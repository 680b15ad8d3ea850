"""Versioned models trained on the office's corrections (``yuqing model ...``).

One row per trained candidate of a kind (sentiment, routing), promoted or not: its artefacts in
the data directory, what it was trained on, its held-out figures and the current model's on the
same folds, and whether it is the one in use. No active row of a kind means the shipped model
(analysis/models) is in use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class ModelVersion(Base):
    """A trained model version of one kind."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_model_versions_kind_version"),
                      Index("ix_model_versions_kind_active", "kind", "active"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    path: Mapped[str] = mapped_column(Text)  # the artefact file scoring loads
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"shipped": rows, "office": rows, "office_held_out": rows}
    trained_on: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # {"candidate": {...}, "current": {...}, "current_version": "shipped" | N}: held-out figures
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    promoted: Mapped[bool] = mapped_column(default=False)  # passed the retrain's test
    reason: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=False)
    # Who or what made it the one in use last: "retrain", "scheduler", "cli", a user's name.
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None]
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ModelSwitch(Base):
    """Every change of the model in use (promotion, rollback), for the history."""

    __tablename__ = "model_switches"
    __table_args__ = (Index("ix_model_switches_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int | None]  # None: the shipped model
    by: Mapped[str] = mapped_column(String(64))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
