"""Accounts: users, password hashing and sign-in with a slow-down."""

from __future__ import annotations

from tracker.accounts.users import AccountError, authenticate, create_user

__all__ = [
    "AccountError",
    "authenticate",
    "create_user",
]
