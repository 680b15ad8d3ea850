"""Collection: mentions, message-board cases and crawl runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("items_new", sa.Integer(), nullable=False),
        sa.Column("items_updated", sa.Integer(), nullable=False),
        sa.Column("items_unchanged", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("http_status", JSONType, nullable=False),
        sa.Column("error_samples", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_crawl_runs_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(
        "ix_crawl_runs_source_started", "crawl_runs", ["source_id", "started_at"], unique=False
    )
    op.create_table(
        "message_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=True),
        sa.Column("url", sa.String(length=1024), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("dislikes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("reply_department", sa.String(length=128), nullable=True),
        sa.Column("replied_at", UTCDateTime(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_message_cases_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_cases")),
        sa.UniqueConstraint("source_id", "external_id", name="uq_message_cases_source_external"),
    )
    op.create_index(
        "ix_message_cases_submitted_at", "message_cases", ["submitted_at"], unique=False
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("dislikes", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("message_case_id", sa.Integer(), nullable=True),
        sa.Column("extra", JSONType, nullable=True),
        sa.Column("indexed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_case_id"],
            ["message_cases.id"],
            name=op.f("fk_mentions_message_case_id_message_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_mentions_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint("uid", name=op.f("uq_mentions_uid")),
    )
    op.create_index("ix_mentions_fingerprint", "mentions", ["fingerprint"], unique=False)
    op.create_index("ix_mentions_pending_index", "mentions", ["indexed_at"], unique=False)
    op.create_index("ix_mentions_published_at", "mentions", ["published_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mentions_published_at", table_name="mentions")
    op.drop_index("ix_mentions_pending_index", table_name="mentions")
    op.drop_index("ix_mentions_fingerprint", table_name="mentions")
    op.drop_table("mentions")
    op.drop_index("ix_message_cases_submitted_at", table_name="message_cases")
    op.drop_table("message_cases")
    op.drop_index("ix_crawl_runs_source_started", table_name="crawl_runs")
    op.drop_table("crawl_runs")
