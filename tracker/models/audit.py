"""The append-only audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.models.base import Base, JSONType, utcnow


class AuditEvent(Base):
    """One recorded change; rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


def record(
    session: Session,
    *,
    entity_type: str,
    entity_id: object,
    action: str,
    actor_id: int | None = None,
    changes: dict[str, tuple[object, object]] | None = None,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append audit events: one per changed field, or one for the action itself."""
    events: list[AuditEvent] = []
    for name, (old, new) in (changes or {}).items():
        events.append(
            AuditEvent(
                actor_id=actor_id, entity_type=entity_type, entity_id=str(entity_id),
                action=action, field=name, detail=detail,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
            )
        )
    if not events:
        events.append(
            AuditEvent(actor_id=actor_id, entity_type=entity_type,
                       entity_id=str(entity_id), action=action, detail=detail)
        )
    session.add_all(events)
    return events
