"""Ledger: entries of three kinds, responses, extensions and pauses, follow-ups, links,
the admin-entered holiday calendar and configured SLA rules.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holiday_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=256), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_holiday_overrides_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_overrides")),
        sa.UniqueConstraint("day", name=op.f("uq_holiday_overrides_day")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(length=128), nullable=True),
        sa.Column("board", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=1024), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("involved_units", sa.String(length=512), nullable=True),
        sa.Column("found_at", UTCDateTime(), nullable=True),
        sa.Column("first_published_at", UTCDateTime(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("clock_restarted_at", UTCDateTime(), nullable=True),
        sa.Column("lead_department_id", sa.Integer(), nullable=True),
        sa.Column("responsible_user_id", sa.Integer(), nullable=True),
        sa.Column("responsible_person", sa.String(length=64), nullable=True),
        sa.Column("proposed_department_id", sa.Integer(), nullable=True),
        sa.Column("proposed_confidence", sa.Float(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("due_explanation", sa.Text(), nullable=False),
        sa.Column("second_due_at", UTCDateTime(), nullable=True),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("paused_since", UTCDateTime(), nullable=True),
        sa.Column("first_ack_at", UTCDateTime(), nullable=True),
        sa.Column("replied_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("reply_channel", sa.String(length=32), nullable=True),
        sa.Column("reply_summary", sa.Text(), nullable=True),
        sa.Column("reply_has_promise", sa.Boolean(), nullable=False),
        sa.Column("reply_type", sa.String(length=32), nullable=True),
        sa.Column("satisfaction", sa.String(length=16), nullable=True),
        sa.Column("follow_up_count", sa.Integer(), nullable=False),
        sa.Column("last_follow_up_at", UTCDateTime(), nullable=True),
        sa.Column("applicant", sa.String(length=128), nullable=True),
        sa.Column("applicant_type", sa.String(length=32), nullable=True),
        sa.Column("receipt_channel", sa.String(length=32), nullable=True),
        sa.Column("message_case_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_ledger_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["lead_department_id"],
            ["departments.id"],
            name=op.f("fk_ledger_entries_lead_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["message_case_id"],
            ["message_cases.id"],
            name=op.f("fk_ledger_entries_message_case_id_message_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_department_id"],
            ["departments.id"],
            name=op.f("fk_ledger_entries_proposed_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"],
            ["users.id"],
            name=op.f("fk_ledger_entries_responsible_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("message_case_id", name=op.f("uq_ledger_entries_message_case_id")),
    )
    op.create_index(
        op.f("ix_ledger_entries_alert_id"), "ledger_entries", ["alert_id"], unique=False
    )
    op.create_index("ix_ledger_entries_due", "ledger_entries", ["due_at"], unique=False)
    op.create_index(
        "ix_ledger_entries_kind_received",
        "ledger_entries",
        ["kind", "received_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_ledger_entries_kind_status", "ledger_entries", ["kind", "status"], unique=False
    )
    op.create_index(
        "ix_ledger_entries_lead_received",
        "ledger_entries",
        ["lead_department_id", "received_at"],
        unique=False,
    )
    op.create_index("ix_ledger_entries_level", "ledger_entries", ["level"], unique=False)
    op.create_index(
        "ix_ledger_entries_open_due",
        "ledger_entries",
        [
            "due_at",
            "kind",
            "status",
            "level",
            "lead_department_id",
            "received_at",
            "replied_at",
            "closed_at",
            "paused_since",
        ],
        unique=False,
        sqlite_where=sa.text("replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"),
        postgresql_where=sa.text(
            "replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"
        ),
    )
    op.create_index(
        "ix_ledger_entries_open_lead_due",
        "ledger_entries",
        ["lead_department_id", "due_at"],
        unique=False,
        sqlite_where=sa.text("replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"),
        postgresql_where=sa.text(
            "replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"
        ),
    )
    op.create_index(
        "ix_ledger_entries_received", "ledger_entries", ["received_at", "id"], unique=False
    )
    op.create_index(
        "ix_ledger_entries_status_received",
        "ledger_entries",
        ["status", "received_at"],
        unique=False,
    )
    op.create_table(
        "sla_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("board", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("extended_limit", sa.Integer(), nullable=True),
        sa.Column("second_limit_hours", sa.Integer(), nullable=True),
        sa.Column("clock_start", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=256), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_sla_rules_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_rules")),
    )
    op.create_table(
        "ledger_departments",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_ledger_departments_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_departments_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_id", "department_id", name=op.f("pk_ledger_departments")),
    )
    op.create_index(
        "ix_ledger_departments_department",
        "ledger_departments",
        ["department_id", "entry_id"],
        unique=False,
    )
    op.create_table(
        "ledger_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("satisfaction", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("promise_kept", sa.Boolean(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_follow_ups_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_ledger_follow_ups_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_follow_ups")),
    )
    op.create_index("ix_ledger_follow_ups_entry", "ledger_follow_ups", ["entry_id"], unique=False)
    op.create_table(
        "ledger_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("message_case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_links_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_ledger_links_mention_id_mentions")
        ),
        sa.ForeignKeyConstraint(
            ["message_case_id"],
            ["message_cases.id"],
            name=op.f("fk_ledger_links_message_case_id_message_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_links")),
        sa.UniqueConstraint("entry_id", "mention_id", name="uq_ledger_links_entry_mention"),
    )
    op.create_index("ix_ledger_links_mention", "ledger_links", ["mention_id"], unique=False)
    op.create_table(
        "ledger_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("department_name", sa.String(length=128), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("responded_at", UTCDateTime(), nullable=True),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("published_url", sa.String(length=1024), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("reply_type", sa.String(length=32), nullable=True),
        sa.Column("search_done", sa.Text(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approver_id"], ["users.id"], name=op.f("fk_ledger_responses_approver_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_ledger_responses_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_ledger_responses_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_responses_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_responses")),
    )
    op.create_index("ix_ledger_responses_entry", "ledger_responses", ["entry_id"], unique=False)
    op.create_table(
        "ledger_time_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("party", sa.String(length=128), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_ledger_time_changes_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_time_changes_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_ledger_time_changes_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_time_changes")),
    )
    op.create_index(
        "ix_ledger_time_changes_entry", "ledger_time_changes", ["entry_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_time_changes_entry", table_name="ledger_time_changes")
    op.drop_table("ledger_time_changes")
    op.drop_index("ix_ledger_responses_entry", table_name="ledger_responses")
    op.drop_table("ledger_responses")
    op.drop_index("ix_ledger_links_mention", table_name="ledger_links")
    op.drop_table("ledger_links")
    op.drop_index("ix_ledger_follow_ups_entry", table_name="ledger_follow_ups")
    op.drop_table("ledger_follow_ups")
    op.drop_index("ix_ledger_departments_department", table_name="ledger_departments")
    op.drop_table("ledger_departments")
    op.drop_table("sla_rules")
    op.drop_index("ix_ledger_entries_status_received", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_received", table_name="ledger_entries")
    op.drop_index(
        "ix_ledger_entries_open_lead_due",
        table_name="ledger_entries",
        sqlite_where=sa.text("replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"),
        postgresql_where=sa.text(
            "replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"
        ),
    )
    op.drop_index(
        "ix_ledger_entries_open_due",
        table_name="ledger_entries",
        sqlite_where=sa.text("replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"),
        postgresql_where=sa.text(
            "replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"
        ),
    )
    op.drop_index("ix_ledger_entries_level", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_lead_received", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_kind_status", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_kind_received", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_due", table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_alert_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("holiday_overrides")
