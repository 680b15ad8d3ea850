"""A scheduler heartbeat says whether its process leads (runs the jobs) or waits as a standby
for the PostgreSQL leadership lock (``scheduler_beats.role``).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduler_beats") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False,
                                   server_default="leader"))


def downgrade() -> None:
    with op.batch_alter_table("scheduler_beats") as batch:
        batch.drop_column("role")
