"""Policy documents (``policies``) of the policy Q&A base.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=True),
        sa.Column("number", sa.String(200), nullable=True),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("validity", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(200), nullable=True),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", JSONType, nullable=False),
        sa.Column("extra", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("import_id", name=op.f("uq_policies_import_id")),
    )
    op.create_index("ix_policies_published", "policies", ["published_on", "id"], unique=False)
    op.create_index("ix_policies_validity", "policies", ["validity"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_policies_validity", table_name="policies")
    op.drop_index("ix_policies_published", table_name="policies")
    op.drop_table("policies")
