"""API tokens of the systems around the office, and their per-minute request counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.accounts import Department, User
from tracker.models.base import Base, utcnow
from tracker.models.sources import Source


class ApiToken(Base):
    """A bearer token: only its SHA-256 is stored; the secret is shown once, at creation.

    Scope: tied to a source (push its messages, read its entries), to a department (read
    the entries it leads or co-handles), or to neither (metrics only); ``scopes`` lists
    the grants, space-separated (``tracker.accounts.tokens.SCOPES``).
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(128))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    source: Mapped[Source | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> frozenset[str]:
        """The grants as a set."""
        return frozenset(self.scopes.split())


class ApiRateWindow(Base):
    """Requests of one token in one fixed window (a minute); rows live in the database so
    that every web process counts the same; old windows are deleted as new ones start."""

    __tablename__ = "api_rate_windows"
    __table_args__ = (
        UniqueConstraint("token_id", "window_start", name="uq_api_rate_windows_token_window"),
        Index("ix_api_rate_windows_window_start", "window_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    window_start: Mapped[datetime]
    requests: Mapped[int] = mapped_column(default=0)
