"""Operations: APScheduler job store, job runs and commands, scheduler heartbeat,
notifications, deliveries, webhook endpoints, notification rules and preferences,
reminder log, escalation contacts and source health.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _scheduler_tables() -> None:
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index(op.f("ix_apscheduler_jobs_next_run_time"), "apscheduler_jobs",
                    ["next_run_time"], unique=False)
    op.create_table(
        "job_runs",
        _id(),
        sa.Column("job_id", sa.String(length=191), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", JSONType, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_job_started", "job_runs", ["job_id", "started_at"])
    op.create_table(
        "job_commands",
        _id(),
        sa.Column("job_id", sa.String(length=191), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"],
                                name=op.f("fk_job_commands_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_commands")),
    )
    op.create_index("ix_job_commands_pending", "job_commands", ["done_at"])
    op.create_table(
        "scheduler_beats",
        _id(),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=128), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.Column("reconcile", JSONType, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_beats")),
    )


def _channel_tables() -> None:
    op.create_table(
        "webhook_endpoints",
        _id(),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
        sa.UniqueConstraint("name", name=op.f("uq_webhook_endpoints_name")),
    )
    op.create_table(
        "notification_rules",
        _id(),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("event_kind", sa.String(length=32), nullable=False),
        sa.Column("min_level", sa.String(length=16), nullable=True),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("channels", JSONType, nullable=False),
        sa.Column("webhooks", JSONType, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_notification_rules_name")),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channels", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_notification_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
    )


def _notification_tables() -> None:
    op.create_table(
        "notifications",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column("dedup_key", sa.String(length=191), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notifications_user_dedup"),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read_at"])
    op.create_table(
        "deliveries",
        _id(),
        sa.Column("event_key", sa.String(length=191), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("endpoint", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=512), nullable=False),
        sa.Column("subject", sa.String(length=256), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("event_key", "endpoint", "recipient", name="uq_deliveries_event"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_endpoint_sent", "deliveries", ["endpoint", "sent_at"])


def _reminder_and_health_tables() -> None:
    op.create_table(
        "reminder_log",
        _id(),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("audience", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("recipients", JSONType, nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_log")),
        sa.UniqueConstraint("entry_id", "step", name="uq_reminder_log_entry_step"),
    )
    op.create_table(
        "escalation_contacts",
        _id(),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_escalation_contacts_department_id_departments")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_escalation_contacts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_contacts")),
        sa.UniqueConstraint("department_id", "tier", "user_id", name="uq_escalation_contacts"),
    )
    op.create_table(
        "source_health",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("last_success_at", UTCDateTime(), nullable=True),
        sa.Column("items_last_day", sa.Integer(), nullable=False),
        sa.Column("usual_per_day", sa.Float(), nullable=True),
        sa.Column("error_rate", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=512), nullable=True),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
        sa.Column("detail", JSONType, nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_source_health_source_id_sources")),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_health")),
    )


def upgrade() -> None:
    _scheduler_tables()
    _channel_tables()
    _notification_tables()
    _reminder_and_health_tables()


def downgrade() -> None:
    for table in ("source_health", "escalation_contacts", "reminder_log", "deliveries",
                  "notifications", "notification_preferences", "notification_rules",
                  "webhook_endpoints", "scheduler_beats", "job_commands", "job_runs",
                  "apscheduler_jobs"):
        op.drop_table(table)
