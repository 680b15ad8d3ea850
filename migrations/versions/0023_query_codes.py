"""Query codes for the citizens' case-status lookup (办理进度查询): one random code per ledger
entry (``ledger_entries.query_code``), given to existing entries here.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied, not imported: a migration must not change when the model's code does.
ALPHABET = "0123456789"
LENGTH = 12
BATCH = 1000


def _code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def upgrade() -> None:
    op.add_column("ledger_entries", sa.Column("query_code", sa.String(16), nullable=True))
    bind = op.get_bind()
    entries = sa.table("ledger_entries", sa.column("id", sa.Integer),
                       sa.column("query_code", sa.String))
    ids = [row.id for row in bind.execute(sa.select(entries.c.id).order_by(entries.c.id))]
    update = (entries.update().where(entries.c.id == sa.bindparam("entry_id"))
              .values(query_code=sa.bindparam("code")))
    for start in range(0, len(ids), BATCH):
        bind.execute(update, [{"entry_id": i, "code": _code()} for i in ids[start:start + BATCH]])
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column("query_code", existing_type=sa.String(16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_column("query_code")
