"""Mention analysis: the 诉求类型 (appeal) a board message's title declares.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("mention_analysis", sa.Column("appeal", sa.String(length=8), nullable=True))
    backfill()


def backfill() -> None:
    """Board messages analyzed before this revision get the appeal their title declares
    (their events count it from their next rating on)."""
    from analysis.appeal import appeal_of  # pure and light: no model is loaded

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.mention_id, m.title FROM mention_analysis a "
        "JOIN mentions m ON m.id = a.mention_id WHERE m.kind = 'board'")).all()
    found = [{"id": mention_id, "appeal": kind} for mention_id, title in rows
             if (kind := appeal_of(title)) is not None]
    if found:
        bind.execute(sa.text("UPDATE mention_analysis SET appeal = :appeal "
                             "WHERE mention_id = :id"), found)


def downgrade() -> None:
    op.drop_column("mention_analysis", "appeal")
