"""Accounts: users, password hashing, sign-in with a per-client slow-down.

- :mod:`tracker.accounts.users`: create users, ``authenticate``
- :mod:`tracker.accounts.throttle`: failed sign-ins counted per client address
"""

from __future__ import annotations

from tracker.accounts.users import AccountError, LoginResult, authenticate, create_user

__all__ = [
    "AccountError",
    "LoginResult",
    "authenticate",
    "create_user",
]
