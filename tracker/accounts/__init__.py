"""Accounts: users, password hashing, sign-in with a per-client slow-down, ending sessions.

- :mod:`tracker.accounts.users`: create and change users, ``authenticate``, ``end_sessions``
- :mod:`tracker.accounts.throttle`: failed sign-ins counted per client address
  (``key_wait``/``record_key_failure``: the same slow-down for other public forms)
- :mod:`tracker.accounts.tokens`: API tokens (hashed, scoped, revocable) and their rate limit
- :mod:`tracker.accounts.departments`: the department directory, the 一级分类 → department
  map and the routing settings
"""

from __future__ import annotations

from tracker.accounts.departments import (
    DEFAULT_MAP,
    SeedReport,
    category_map,
    create_department,
    department_for_category,
    edit_department,
    find_department,
    list_departments,
    routing_config,
    seed_departments,
    set_category_department,
    set_department_active,
    set_routing_config,
    taxonomy_categories,
)
from tracker.accounts.throttle import key_wait, record_key_failure
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
    "DEFAULT_MAP",
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
    "SeedReport",
    "authenticate",
    "category_map",
    "change_password",
    "create_department",
    "create_user",
    "department_for_category",
    "edit_department",
    "edit_user",
    "end_sessions",
    "find_department",
    "find_user",
    "key_wait",
    "list_departments",
    "list_users",
    "record_key_failure",
    "routing_config",
    "seed_departments",
    "set_active",
    "set_category_department",
    "set_department_active",
    "set_role",
    "set_routing_config",
    "taxonomy_categories",
]
