"""Collection: crawl-run liveness (pid, host, heartbeat) and look-up indexes for crawl plans.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("host", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", UTCDateTime(), nullable=True))
    op.create_index("ix_mentions_source_fetched", "mentions", ["source_id", "fetched_at"])
    op.create_index("ix_message_cases_source_status", "message_cases", ["source_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_message_cases_source_status", table_name="message_cases")
    op.drop_index("ix_mentions_source_fetched", table_name="mentions")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("host")
        batch.drop_column("pid")
