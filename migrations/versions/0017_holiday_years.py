"""Whole-year holiday schedules: ``holiday_years`` (a year whose official schedule is entered
in full, from the State Council notice or confirmed by an admin) and, on each entered day,
the notice year it was imported from (``holiday_overrides.schedule_year``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holiday_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("notice_number", sa.String(length=64), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=256), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_holiday_years_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_years")),
        sa.UniqueConstraint("year", name=op.f("uq_holiday_years_year")),
    )
    op.add_column("holiday_overrides", sa.Column("schedule_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("holiday_overrides") as batch:
        batch.drop_column("schedule_year")
    op.drop_table("holiday_years")
