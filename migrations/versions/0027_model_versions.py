"""Versioned models trained on the office's corrections (``model_versions``, ``model_switches``)
and the leader's overrule of a sentiment correction.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"))


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("trained_on", JSONType, nullable=False),
        sa.Column("figures", JSONType, nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_by", sa.String(64), nullable=True),
        sa.Column("activated_at", UTCDateTime(), nullable=True),
        sa.Column("activated_by_id", sa.Integer(), nullable=True),
        _fk("model_versions", "activated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("kind", "version", name="uq_model_versions_kind_version"),
    )
    op.create_index("ix_model_versions_kind_active", "model_versions", ["kind", "active"])
    op.create_table(
        "model_switches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        _fk("model_switches", "by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_switches")),
    )
    op.create_index("ix_model_switches_kind_at", "model_switches", ["kind", "at"])
    with op.batch_alter_table("sentiment_corrections") as batch:
        batch.add_column(sa.Column("overruled_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("overruled_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_sentiment_corrections_overruled_by_id_users"), "users",
                                 ["overruled_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("sentiment_corrections") as batch:
        batch.drop_constraint(op.f("fk_sentiment_corrections_overruled_by_id_users"),
                              type_="foreignkey")
        batch.drop_column("overruled_by_id")
        batch.drop_column("overruled_at")
    op.drop_index("ix_model_switches_kind_at", table_name="model_switches")
    op.drop_table("model_switches")
    op.drop_index("ix_model_versions_kind_active", table_name="model_versions")
    op.drop_table("model_versions")
