"""Typical Q&A for the public site (``typical_qas``): masked question and reply, related
policies, source ledger entry, monthly batch and the way to publication.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"],
                                   name=op.f(f"fk_typical_qas_{column}_users"))


def upgrade() -> None:
    op.create_table(
        "typical_qas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("origin_score", sa.Float(), nullable=True),
        sa.Column("origin_note", sa.String(256), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("message_case_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(128), nullable=True),
        sa.Column("department_name", sa.String(128), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("asked_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("policies", JSONType, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_url", sa.String(1024), nullable=True),
        sa.Column("unpublished_at", UTCDateTime(), nullable=True),
        sa.Column("unpublish_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["ledger_entry_id"], ["ledger_entries.id"],
                                name=op.f("fk_typical_qas_ledger_entry_id_ledger_entries")),
        sa.ForeignKeyConstraint(["message_case_id"], ["message_cases.id"],
                                name=op.f("fk_typical_qas_message_case_id_message_cases")),
        _user("created_by_id"), _user("submitted_by_id"), _user("reviewed_by_id"),
        _user("published_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_typical_qas")),
    )
    op.create_index(op.f("ix_typical_qas_ledger_entry_id"), "typical_qas", ["ledger_entry_id"])
    op.create_index("ix_typical_qas_state_published_at", "typical_qas",
                    ["state", "published_at"])
    op.create_index("ix_typical_qas_month_state", "typical_qas", ["month", "state"])
    op.create_index("ix_typical_qas_updated_at", "typical_qas", ["updated_at"])


def downgrade() -> None:
    op.drop_table("typical_qas")
