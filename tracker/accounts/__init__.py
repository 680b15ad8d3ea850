"""Accounts: users, password hashing, sign-in with a per-client slow-down, ending sessions.

- :mod:`tracker.accounts.users`: create and change users, ``authenticate``, ``end_sessions``
- :mod:`tracker.accounts.throttle`: failed sign-ins counted per client address
"""

from __future__ import annotations

from tracker.accounts.users import (
    AccountError,
    LoginResult,
    authenticate,
    change_password,
    create_user,
    edit_user,
    end_sessions,
    find_user,
    list_users,
    set_active,
    set_role,
)

__all__ = [
    "AccountError",
    "LoginResult",
    "authenticate",
    "change_password",
    "create_user",
    "edit_user",
    "end_sessions",
    "find_user",
    "list_users",
    "set_active",
    "set_role",
]
