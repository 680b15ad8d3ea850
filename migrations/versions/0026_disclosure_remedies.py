"""The 行政复议 / 行政诉讼 counts of the annual 政府信息公开 report (``disclosure_remedy_counts``),
entered by staff per year, proceeding and result.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_remedy_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("proceeding", sa.String(24), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_disclosure_remedy_counts_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_remedy_counts")),
        sa.UniqueConstraint("year", "proceeding", "result",
                            name="uq_disclosure_remedy_counts_cell"),
    )


def downgrade() -> None:
    op.drop_table("disclosure_remedy_counts")
