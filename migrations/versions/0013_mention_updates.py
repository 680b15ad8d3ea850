"""Mentions: an index on updated_at, for the analysis job's look for changed mentions.

Revision ID: 0013
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_mentions_updated_at", "mentions", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mentions_updated_at", table_name="mentions")
