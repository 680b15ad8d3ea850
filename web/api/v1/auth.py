"""Bearer tokens: every request but the OpenAPI document names one; it is checked, its use
noted and counted against the per-minute limit in a transaction of its own (committed even
when the request then fails), before the view runs."""

from __future__ import annotations

from flask import g, request

from tracker.accounts import authenticate_token, count_request
from tracker.db import WRITING_METHODS, for_writing
from tracker.models import ApiToken, utcnow
from web.api.v1.errors import ApiError, forbidden, unauthorized
from web.db import get_db, get_settings

PUBLIC_ENDPOINTS = {"api.openapi"}


def bearer_secret() -> str:
    """The secret of the ``Authorization: Bearer`` header; 401 when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthorized("missing_token",
                           "缺少接口令牌：请在请求头 Authorization 中以 Bearer 方式提供令牌。")
    return secret.strip()


def authenticate() -> None:
    """Before every API view: the token (401), then the rate limit (429)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    secret = bearer_secret()
    db, now = get_db(), utcnow()
    if request.method not in WRITING_METHODS:  # get_db() made a writer's session already
        for_writing(db)
    token = authenticate_token(db, secret, now)
    if token is None:
        db.rollback()
        raise unauthorized("invalid_token", "接口令牌无效或已被吊销。")
    wait = count_request(db, token, now, get_settings().api_rate_limit)
    db.commit()
    if wait:
        raise ApiError(429, "rate_limited",
                       f"请求过于频繁：每个令牌每分钟最多 {get_settings().api_rate_limit} 次，"
                       f"请 {wait} 秒后再试。", headers={"Retry-After": str(wait)})
    g.api_token = token


def current_token() -> ApiToken:
    """The token of this request (set by :func:`authenticate`)."""
    return g.api_token


def require_scope(scope: str, words: str) -> ApiToken:
    """The request's token when it holds ``scope``; 403 naming what is missing otherwise."""
    token = current_token()
    if scope not in token.scope_set:
        raise forbidden(f"此令牌没有“{words}”的权限。")
    return token
