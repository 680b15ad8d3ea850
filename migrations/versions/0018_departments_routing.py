"""Departments and routing: the department directory (short name, head, contacts, active),
the 一级分类 → department map, the routing settings, what routing said about each board
message, and the departments people changed (training data for the routing model).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import JSONType, UTCDateTime

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def _directory() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("short_name", sa.String(32), nullable=True))
        batch.add_column(sa.Column("head", sa.String(64), nullable=True))
        batch.add_column(sa.Column("contacts", sa.String(256), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        "category_departments",
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("category_departments", "department_id", "departments"),
        _fk("category_departments", "updated_by_id", "users"),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_category_departments")),
    )
    op.create_table(
        "routing_config",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("auto_assign", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("routing_config", "updated_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_config")),
    )


def _routing() -> None:
    op.create_table(
        "ledger_routings",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("suggestions", JSONType, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(256), nullable=True),
        sa.Column("routed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entries.id"],
                                name=op.f("fk_ledger_routings_entry_id_ledger_entries")),
        _fk("ledger_routings", "department_id", "departments"),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_ledger_routings")),
    )
    op.create_index("ix_ledger_routings_outcome", "ledger_routings", ["outcome", "entry_id"])
    op.create_table(
        "department_reassignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("from_department_id", sa.Integer(), nullable=True),
        sa.Column("to_department_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entries.id"],
                                name=op.f("fk_department_reassignments_entry_id_ledger_entries")),
        _fk("department_reassignments", "from_department_id", "departments"),
        _fk("department_reassignments", "to_department_id", "departments"),
        _fk("department_reassignments", "actor_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_reassignments")),
    )
    op.create_index("ix_department_reassignments_entry", "department_reassignments",
                    ["entry_id"])
    op.create_index("ix_department_reassignments_at", "department_reassignments", ["at"])


def upgrade() -> None:
    _directory()
    _routing()


def downgrade() -> None:
    op.drop_index("ix_department_reassignments_at", table_name="department_reassignments")
    op.drop_index("ix_department_reassignments_entry", table_name="department_reassignments")
    op.drop_table("department_reassignments")
    op.drop_index("ix_ledger_routings_outcome", table_name="ledger_routings")
    op.drop_table("ledger_routings")
    op.drop_table("routing_config")
    op.drop_table("category_departments")
    with op.batch_alter_table("departments") as batch:
        for column in ("active", "contacts", "head", "short_name"):
            batch.drop_column(column)
