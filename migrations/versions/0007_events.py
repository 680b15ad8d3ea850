"""Analysis: events, per-mention analysis results, alerts, sentiment corrections, job state.

Revision ID: 0007
Revises: 0002 (collection)
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("keywords", JSONType, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.Column("negative_count", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("hotness", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("department", sa.String(length=128), nullable=True),
        sa.Column("department_confidence", sa.Float(), nullable=True),
        sa.Column("cluster_state", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into_id"], ["events.id"],
                                name=op.f("fk_events_merged_into_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("cluster_key", name=op.f("uq_events_cluster_key")),
    )
    op.create_index("ix_events_status_hotness", "events", ["status", "hotness"])
    op.create_index("ix_events_last_seen", "events", ["last_seen_at"])


def _mention_analysis() -> None:
    op.create_table(
        "mention_analysis",
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=False),
        sa.Column("sentiment_corrected", sa.Boolean(), nullable=False),
        sa.Column("keywords", JSONType, nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("sensitive_hits", JSONType, nullable=False),
        sa.Column("watch_hits", JSONType, nullable=False),
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("analyzed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"],
                                name=op.f("fk_mention_analysis_mention_id_mentions")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_mention_analysis_event_id_events")),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["mentions.id"],
                                name=op.f("fk_mention_analysis_duplicate_of_id_mentions")),
        sa.PrimaryKeyConstraint("mention_id", name=op.f("pk_mention_analysis")),
    )
    op.create_index("ix_mention_analysis_event", "mention_analysis", ["event_id", "mention_id"])


def _alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("level_rank", sa.SmallInteger(), nullable=False),
        sa.Column("hotness", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("quiet", sa.Boolean(), nullable=False),
        sa.Column("announced_at", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_alerts_event_id_events")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_alerts_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("event_id", "level", name="uq_alerts_event_level"),
    )
    op.create_index("ix_alerts_status_created", "alerts", ["status", "created_at"])


def _corrections_and_state() -> None:
    op.create_table(
        "sentiment_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("old_score", sa.Float(), nullable=False),
        sa.Column("label", sa.SmallInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"],
                                name=op.f("fk_sentiment_corrections_mention_id_mentions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sentiment_corrections_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sentiment_corrections")),
    )
    op.create_index("ix_sentiment_corrections_mention", "sentiment_corrections", ["mention_id"])
    op.create_table(
        "analysis_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_analysis_state")),
    )


def upgrade() -> None:
    _events()
    _mention_analysis()
    _alerts()
    _corrections_and_state()


def downgrade() -> None:
    op.drop_table("analysis_state")
    op.drop_index("ix_sentiment_corrections_mention", table_name="sentiment_corrections")
    op.drop_table("sentiment_corrections")
    op.drop_index("ix_alerts_status_created", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_mention_analysis_event", table_name="mention_analysis")
    op.drop_table("mention_analysis")
    op.drop_index("ix_events_last_seen", table_name="events")
    op.drop_index("ix_events_status_hotness", table_name="events")
    op.drop_table("events")
