"""The Q&A base (``qa_entries``, ``qa_variants``, ``qa_policies``) and the policies sent
with a reply (``reply_policies``).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _entries() -> None:
    op.create_table(
        "qa_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("department", sa.String(128), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.String(16), nullable=True),
        sa.Column("signature", sa.String(16), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into_id"], ["qa_entries.id"],
                                name=op.f("fk_qa_entries_merged_into_id_qa_entries")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_qa_entries_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_entries")),
    )
    op.create_index("ix_qa_entries_status_category", "qa_entries", ["status", "category"])
    op.create_index("ix_qa_entries_status_department", "qa_entries", ["status", "department"])


def _variants() -> None:
    op.create_table(
        "qa_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("department", sa.String(128), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["qa_entries.id"],
                                name=op.f("fk_qa_variants_entry_id_qa_entries")),
        sa.ForeignKeyConstraint(["ledger_entry_id"], ["ledger_entries.id"],
                                name=op.f("fk_qa_variants_ledger_entry_id_ledger_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_variants")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_qa_variants_ledger_entry_id")),
    )
    op.create_index("ix_qa_variants_entry", "qa_variants", ["entry_id"])


def _policy_links() -> None:
    op.create_table(
        "qa_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("number", sa.String(128), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["qa_entries.id"],
                                name=op.f("fk_qa_policies_entry_id_qa_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_policies")),
        sa.UniqueConstraint("entry_id", "policy_id", name="uq_qa_policies_entry_policy"),
    )
    op.create_table(
        "reply_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("number", sa.String(128), nullable=True),
        sa.Column("url", sa.String(1024), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attached_by_id", sa.Integer(), nullable=True),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["ledger_responses.id"],
                                name=op.f("fk_reply_policies_response_id_ledger_responses")),
        sa.ForeignKeyConstraint(["attached_by_id"], ["users.id"],
                                name=op.f("fk_reply_policies_attached_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_policies")),
        sa.UniqueConstraint("response_id", "policy_id",
                            name="uq_reply_policies_response_policy"),
    )


def upgrade() -> None:
    _entries()
    _variants()
    _policy_links()


def downgrade() -> None:
    op.drop_table("reply_policies")
    op.drop_table("qa_policies")
    op.drop_index("ix_qa_variants_entry", table_name="qa_variants")
    op.drop_table("qa_variants")
    op.drop_index("ix_qa_entries_status_department", table_name="qa_entries")
    op.drop_index("ix_qa_entries_status_category", table_name="qa_entries")
    op.drop_table("qa_entries")
