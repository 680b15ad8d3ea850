"""Accounts: users, password hashing, sign-in with a per-client slow-down, ending sessions.

- :mod:`tracker.accounts.users`: create and change users, ``authenticate``, ``end_sessions``
- :mod:`tracker.accounts.throttle`: failed sign-ins counted per client address
- :mod:`tracker.accounts.tokens`: API tokens (hashed, scoped, revocable) and their rate limit
"""

from __future__ import annotations

from tracker.accounts.tokens import (
    ENTRIES,
    METRICS,
    PUSH,
    SCOPES,
    TokenError,
    authenticate_token,
    count_request,
    create_token,
    find_token_by_name,
    list_tokens,
    revoke_token,
    scope_words,
)
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
    "ENTRIES",
    "METRICS",
    "PUSH",
    "SCOPES",
    "AccountError",
    "TokenError",
    "authenticate_token",
    "count_request",
    "create_token",
    "find_token_by_name",
    "list_tokens",
    "revoke_token",
    "scope_words",
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
