"""Metrics: a covering index over the ledger columns the reply-time metrics read.

Revision ID: 0012
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["received_at", "kind", "status", "lead_department_id", "replied_at", "due_at",
           "first_ack_at", "closed_at", "paused_since", "published_at", "satisfaction"]


def upgrade() -> None:
    op.create_index("ix_ledger_entries_metrics", "ledger_entries", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_metrics", table_name="ledger_entries")
