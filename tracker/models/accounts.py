"""Users, roles and departments."""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow

_hasher = PasswordHasher()
_dummy_hash: list[str] = []  # made on first use: hashing costs as much as checking


def check_dummy_password(password: str) -> bool:
    """Spend what a password check costs, for a user that does not exist; always False."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(secrets.token_hex(16)))
    try:
        _hasher.verify(_dummy_hash[0], password)
    except (VerifyMismatchError, InvalidHashError):
        pass
    return False


class Role(Base):
    """A role; the rows are seeded by the first migration."""

    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class Department(Base):
    """A government department that can be made responsible for cases."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    short_name: Mapped[str | None] = mapped_column(String(32))
    head: Mapped[str | None] = mapped_column(String(64))  # 负责人
    contacts: Mapped[str | None] = mapped_column(String(256))  # phone numbers, e-mail
    # A disabled department is offered nowhere but keeps its cases and history.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    parent: Mapped[Department | None] = relationship(remote_side=[id], lazy="joined",
                                                     join_depth=1)


class User(Base):
    """A person who signs in to yuqing."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    email: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # No longer read or written: sign-in failures are counted per client in login_throttles.
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None]
    # Part of the session's user id; raising it ends every session of the user.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    role: Mapped[Role] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``."""
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    def has_role(self, *codes: str) -> bool:
        """True when the user's role is one of ``codes``."""
        return self.role_code in codes


class LoginThrottle(Base):
    """Failed sign-ins of one client address: for one user name, or for all (``username=""``).

    Rows live in the database so that every web process sees the same counts; rows whose
    last failure is old are deleted (``tracker.accounts.throttle``).
    """

    __tablename__ = "login_throttles"
    __table_args__ = (
        UniqueConstraint("client", "username", name="uq_login_throttles_client_username"),
        Index("ix_login_throttles_last_failure_at", "last_failure_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
