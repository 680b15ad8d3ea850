"""Operations: scheduled job runs and commands, notifications and their deliveries,
reminder log, and the health state of each source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, JSONType, utcnow

#: APScheduler's job store table, declared here so that Alembic creates it and the schema
#: check knows it; the columns are exactly those SQLAlchemyJobStore declares.
scheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class JobRun(Base):
    """One run of a scheduled job: when, how it ended, what it did."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(191))
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)


class JobCommand(Base):
    """A request from the web or the CLI to the scheduler process: pause, resume or run now."""

    __tablename__ = "job_commands"
    __table_args__ = (Index("ix_job_commands_pending", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(191))
    action: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(255))


class SchedulerBeat(Base):
    """The scheduler process's heartbeat: one row per start, updated while it runs."""

    __tablename__ = "scheduler_beats"

    id: Mapped[int] = mapped_column(primary_key=True)
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]
    reconcile: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    #: ``leader`` runs the jobs; ``standby`` waits for the leadership lock (PostgreSQL only).
    role: Mapped[str] = mapped_column(String(16), default="leader", server_default="leader")


class WebhookEndpoint(Base):
    """A group-robot webhook (企业微信 or 钉钉); the URL and signing secret are secrets."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1024))
    secret: Mapped[str | None] = mapped_column(String(256))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationRule(Base):
    """Who hears about a kind of event, and through which channels.

    ``roles`` get the event in their personal ``channels`` (in-app, e-mail); ``webhooks``
    lists group-robot endpoint keys (``webhook:3``, ``env:1a2b3c4d5e``) or ``*`` for all.
    """

    __tablename__ = "notification_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    event_kind: Mapped[str] = mapped_column(String(32))
    min_level: Mapped[str | None] = mapped_column(String(16))
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    webhooks: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(Base):
    """The personal channels a user reads (in-app, e-mail)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Notification(Base):
    """An in-app notification for one user; ``dedup_key`` keeps an event from repeating."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedup_key", name="uq_notifications_user_dedup"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(512))
    dedup_key: Mapped[str | None] = mapped_column(String(191))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class Delivery(Base):
    """One message sent (or to be sent) through an external channel, with its retries.

    ``endpoint`` names where it goes without holding a secret (``email``, ``webhook:3``,
    ``env:0``); ``recipient`` is the e-mail address or the masked webhook URL.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", "endpoint", "recipient", name="uq_deliveries_event"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_endpoint_sent", "endpoint", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str | None] = mapped_column(String(191))
    channel: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(512))
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderLog(Base):
    """A reminder step taken for a ledger entry; the unique key forbids repeats."""

    __tablename__ = "reminder_log"
    __table_args__ = (
        UniqueConstraint("entry_id", "step", name="uq_reminder_log_entry_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int]
    step: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16), default="sent")
    recipients: Mapped[list[int]] = mapped_column(JSONType, default=list)
    due_at: Mapped[datetime]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceHealth(Base):
    """The current health of one source, as the last check saw it."""

    __tablename__ = "source_health"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="unknown")
    since: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    items_last_day: Mapped[int] = mapped_column(default=0)
    usual_per_day: Mapped[float | None] = mapped_column(Float)
    error_rate: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str | None] = mapped_column(String(512))
    alerted_at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class EscalationContact(Base):
    """Who an overdue entry escalates to: a department's head, or a supervising leader (督办).

    ``department_id`` empty means "for every department"; without a leader contact the
    users holding the leader role are used.
    """

    __tablename__ = "escalation_contacts"
    __table_args__ = (
        UniqueConstraint("department_id", "tier", "user_id", name="uq_escalation_contacts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    tier: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
