"""The 亮点工程 case library: monthly proposals (``case_proposals``), curated cases
(``library_cases``) and their tags (``case_tags``).

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from tracker.models.base import UTCDateTime

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "case_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("case_proposals", "entry_id", "ledger_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_proposals")),
        sa.UniqueConstraint("month", "entry_id", name="uq_case_proposals_month_entry"),
    )
    op.create_index("ix_case_proposals_month_rank", "case_proposals", ["month", "rank"])
    op.create_table(
        "library_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score_total", sa.Float(), nullable=True),
        sa.Column("score_components", JSON, nullable=True),
        sa.Column("score_summary", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        _fk("library_cases", "entry_id", "ledger_entries"),
        _fk("library_cases", "department_id", "departments"),
        _fk("library_cases", "created_by_id", "users"),
        _fk("library_cases", "published_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_cases")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_library_cases_entry_id")),
    )
    op.create_index("ix_library_cases_state_year", "library_cases", ["state", "year"])
    op.create_index("ix_library_cases_department_year", "library_cases",
                    ["department_id", "year"])
    op.create_table(
        "case_tags",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("case_tags", "case_id", "library_cases"),
        sa.PrimaryKeyConstraint("case_id", "name", name=op.f("pk_case_tags")),
    )
    op.create_index("ix_case_tags_name", "case_tags", ["name"])


def downgrade() -> None:
    op.drop_index("ix_case_tags_name", table_name="case_tags")
    op.drop_table("case_tags")
    op.drop_index("ix_library_cases_department_year", table_name="library_cases")
    op.drop_index("ix_library_cases_state_year", table_name="library_cases")
    op.drop_table("library_cases")
    op.drop_index("ix_case_proposals_month_rank", table_name="case_proposals")
    op.drop_table("case_proposals")
