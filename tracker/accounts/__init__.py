"""Accounts: users, password hashing and sign-in with a slow-down."""

from __future__ import annotations

from tracker.accounts.users import authenticate

__all__ = [
    "authenticate",
]
