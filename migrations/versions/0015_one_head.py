"""One head: the branches of 0003, 0004, 0006, 0012 and 0014 meet here; no schema change.

Revision ID: 0015
Revises: 0003, 0004, 0006, 0012, 0014
"""

from collections.abc import Sequence

revision: str = "0015"
down_revision: str | Sequence[str] | None = ("0003", "0004", "0006", "0012", "0014")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the branches."""


def downgrade() -> None:
    """Nothing to change: this revision only joins the branches."""
