"""API tokens for the systems around the office (the 12345 hotline, the portal's board, the
e-government platform): created, listed, revoked, checked, and counted against a rate limit.

A token is a random secret shown once, at creation; only its SHA-256 is stored (the secret
has 256 bits of entropy, so a slow password hash would add nothing). A token is tied to a
message-board source (push that source's messages, read their entries), to a department
(read the entries it leads or co-handles), or to neither (metrics only); ``scopes`` lists
what it may do. Requests are counted per token in fixed one-minute windows kept in
``api_rate_windows``, so every web process sees the same counts.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracker.collection import ensure_import_source
from tracker.models import ApiRateWindow, ApiToken, Department, Source, record_audit, utcnow

PREFIX = "yq_"
PUSH, ENTRIES, METRICS = "messages:write", "entries:read", "metrics:read"
#: Every grant and what it means, in the words the admin page uses.
SCOPES = {PUSH: "推送留言", ENTRIES: "查看办理情况", METRICS: "读取统计指标"}
WINDOW = timedelta(minutes=1)
NAME_LENGTH = 64
ENTITY = "api_token"


class TokenError(ValueError):
    """A token cannot be created or revoked as asked: ``str()`` for the CLI, ``label``
    (Chinese) for the page."""

    def __init__(self, message: str, label: str | None = None) -> None:
        super().__init__(message)
        self.label = label or message


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def default_scopes(source: bool, department: bool) -> tuple[str, ...]:
    """What a token may do when its creator names no scopes."""
    if source:
        return (PUSH, ENTRIES)
    if department:
        return (ENTRIES,)
    return (METRICS,)


def _check_scopes(scopes: tuple[str, ...], source: Source | None,
                  department: Department | None) -> str:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise TokenError(f"unknown scope {unknown[0]!r}; choose from {', '.join(SCOPES)}",
                         "权限选项无效。")
    if PUSH in scopes and source is None:
        raise TokenError(f"{PUSH} needs --source", "只有绑定留言来源的令牌才能推送留言。")
    if ENTRIES in scopes and source is None and department is None:
        raise TokenError(f"{ENTRIES} needs --source or --department",
                         "查看办理情况须绑定留言来源或部门。")
    if not scopes:
        raise TokenError("give the token at least one scope", "请至少选择一项权限。")
    return " ".join(s for s in SCOPES if s in scopes)


def _source(session: Session, name: str) -> Source:
    """The board source ``name`` (by name or title), created as an import source if new."""
    if len(name) > NAME_LENGTH:
        raise TokenError(f"a source name has at most {NAME_LENGTH} characters",
                         f"留言来源名称最多 {NAME_LENGTH} 个字符。")
    found = session.scalar(select(Source).where(Source.name == name)) or session.scalar(
        select(Source).where(Source.title == name))
    if found is None:
        return ensure_import_source(session, name)
    if found.kind != "board":
        raise TokenError(f"source {name!r} is not a message board",
                         f"“{name}”不是留言板来源，不能推送留言。")
    return found


def _department(session: Session, name: str) -> Department:
    found = session.scalar(select(Department).where(Department.name == name))
    if found is None:
        raise TokenError(f"no department {name!r}", f"没有部门“{name}”。")
    return found


def create_token(
    session: Session, name: str, *, source: str | None = None, department: str | None = None,
    scopes: tuple[str, ...] = (), actor_id: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH:
        raise TokenError(f"a token name has 1 to {NAME_LENGTH} characters",
                         f"令牌名称须为 1 至 {NAME_LENGTH} 个字符。")
    if source and department:
        raise TokenError("a token is tied to a source or a department, not both",
                         "令牌只能绑定一个留言来源或一个部门，不能同时绑定。")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise TokenError(f"token {name!r} already exists", f"令牌名称“{name}”已被使用。")
    bound_source = _source(session, source) if source else None
    bound_department = _department(session, department) if department else None
    scopes = scopes or default_scopes(bool(source), bool(department))
    grants = _check_scopes(tuple(scopes), bound_source, bound_department)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), scopes=grants,
                     source_id=bound_source.id if bound_source else None,
                     department_id=bound_department.id if bound_department else None,
                     created_by_id=actor_id, created_at=utcnow())
    session.add(token)
    session.flush()
    record_audit(session, entity_type=ENTITY, entity_id=token.id, action="create",
                 actor_id=actor_id, detail={"name": name, "scopes": grants,
                                            "source": source, "department": department})
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, active ones first, newest first."""
    return list(session.scalars(select(ApiToken).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))


def find_token_by_name(session: Session, name: str) -> ApiToken:
    """The token called ``name``; :class:`TokenError` when there is none."""
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise TokenError(f"no token {name!r}", f"没有令牌“{name}”。")
    return token


def revoke_token(session: Session, token: ApiToken, *, actor_id: int | None = None,
                 now: datetime | None = None) -> bool:
    """Revoke ``token`` at once; False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at, token.revoked_by_id = now or utcnow(), actor_id
    record_audit(session, entity_type=ENTITY, entity_id=token.id, action="revoke",
                 actor_id=actor_id, changes={"revoked_at": (None, token.revoked_at)})
    return True


def authenticate_token(session: Session, secret: str, now: datetime) -> ApiToken | None:
    """The active token whose secret this is (its last use noted), else None."""
    if not secret.startswith(PREFIX) or len(secret) > 128:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = now
    return token


def window_start(now: datetime) -> datetime:
    """The start of the fixed window ``now`` falls in."""
    return now.replace(second=0, microsecond=0)


def count_request(session: Session, token: ApiToken, now: datetime, limit: int) -> int:
    """Count one request of ``token``; the seconds it must wait when over ``limit`` (else 0).

    The count is one atomic upsert (several web processes may count at once); windows that
    have ended are deleted.
    """
    start = window_start(now)
    session.execute(delete(ApiRateWindow).where(ApiRateWindow.window_start < start)
                    .execution_options(synchronize_session=False))
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ApiRateWindow).values(token_id=token.id, window_start=start, requests=1)
    statement = statement.on_conflict_do_update(
        index_elements=["token_id", "window_start"],
        set_={"requests": ApiRateWindow.requests + 1}).returning(ApiRateWindow.requests)
    count = session.execute(statement).scalar_one()
    if count <= limit:
        return 0
    return max(1, math.ceil((start + WINDOW - now).total_seconds()))


def scope_words(token: ApiToken) -> str:
    """What the token may do, in a sentence for the admin page."""
    grants = token.scope_set
    parts = []
    if token.source is not None:
        what = "、".join(SCOPES[s] for s in (PUSH, ENTRIES) if s in grants)
        parts.append(f"留言来源“{token.source.title}”：{what}")
    elif token.department is not None and ENTRIES in grants:
        parts.append(f"部门“{token.department.name}”：{SCOPES[ENTRIES]}")
    if METRICS in grants:
        parts.append("全局：" + SCOPES[METRICS])
    return "；".join(parts) or "无权限"
