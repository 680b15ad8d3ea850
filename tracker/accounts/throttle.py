"""The sign-in slow-down: failures are counted per client address, not per account.

Two counters per client address: one for each user name it tried (``max_failures`` allowed)
and one over all names (``CLIENT_ALLOWANCE`` times as many, so password spraying from one
address is slowed while an office behind one address has room for typos). Past its allowance
a counter makes the client wait ``delay_seconds``, doubling with each further failure. A
client that has not been failing is never slowed, whatever others did against the account.
Counters live in ``login_throttles`` so that every web process sees them; a counter with no
failure for ``FORGET_AFTER`` is forgotten (its row deleted on the next failure anywhere), so
no wait outlasts it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracker.models.accounts import LoginThrottle

ANY_NAME = ""  # the username of a client's counter over all names (a form never sends "")
CLIENT_ALLOWANCE = 2  # the all-names counter allows this many times max_failures
FORGET_AFTER = timedelta(hours=1)
KEY_LENGTH = 64  # the column width of client and username


def lockout_remaining(
    failures: int, last_failure: datetime | None, now: datetime,
    max_failures: int, delay_seconds: int,
) -> float:
    """Seconds the next attempt must wait: doubling per failure past ``max_failures``."""
    if failures < max_failures or last_failure is None or delay_seconds <= 0:
        return 0.0
    wait = delay_seconds * 2 ** min(failures - max_failures, 8)
    elapsed = (now - last_failure).total_seconds()
    return max(0.0, wait - elapsed)


def _keys(client: str, username: str) -> tuple[str, str]:
    return client[:KEY_LENGTH], username[:KEY_LENGTH]


def client_wait(
    session: Session, client: str, username: str, now: datetime, *,
    max_failures: int, delay_seconds: int,
) -> float:
    """Seconds this client must wait before trying ``username`` (0 when it may try now)."""
    client, username = _keys(client, username)
    rows = session.scalars(select(LoginThrottle).where(
        LoginThrottle.client == client, LoginThrottle.username.in_({username, ANY_NAME}),
        LoginThrottle.last_failure_at >= now - FORGET_AFTER,
    ).execution_options(populate_existing=True))  # counts change under the ORM's feet
    wait = 0.0
    for row in rows:
        allowed = max_failures * (CLIENT_ALLOWANCE if row.username == ANY_NAME else 1)
        wait = max(wait, lockout_remaining(row.failures, row.last_failure_at, now, allowed,
                                           delay_seconds))
    return wait


def _count(session: Session, client: str, username: str, now: datetime) -> None:
    """Add one failure to a counter, atomically (two processes may fail at once)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(client=client, username=username, failures=1,
                                             last_failure_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["client", "username"],
        set_={"failures": LoginThrottle.failures + 1, "last_failure_at": now}))


def record_failure(session: Session, client: str, username: str, now: datetime) -> None:
    """Count a failed sign-in of ``client`` for ``username`` and for all names."""
    client, username = _keys(client, username)
    session.execute(delete(LoginThrottle)
                    .where(LoginThrottle.last_failure_at < now - FORGET_AFTER)
                    .execution_options(synchronize_session=False))
    _count(session, client, username, now)
    _count(session, client, ANY_NAME, now)


def record_success(session: Session, client: str, username: str) -> None:
    """Forget the client's failures for ``username`` (not those over all names)."""
    client, username = _keys(client, username)
    session.execute(delete(LoginThrottle)
                    .where(LoginThrottle.client == client, LoginThrottle.username == username)
                    .execution_options(synchronize_session=False))


def key_wait(
    session: Session, client: str, key: str, now: datetime, *,
    max_failures: int, delay_seconds: int,
) -> float:
    """Seconds this client must wait before its next try at ``key`` (a counter of its own,
    apart from sign-ins: the public status lookup uses one)."""
    client, key = _keys(client, key)
    row = session.scalar(select(LoginThrottle).where(
        LoginThrottle.client == client, LoginThrottle.username == key,
        LoginThrottle.last_failure_at >= now - FORGET_AFTER,
    ).execution_options(populate_existing=True))
    if row is None:
        return 0.0
    return lockout_remaining(row.failures, row.last_failure_at, now, max_failures, delay_seconds)


def record_key_failure(session: Session, client: str, key: str, now: datetime) -> None:
    """Count one failed try of ``client`` at ``key`` (not in its sign-in counters)."""
    client, key = _keys(client, key)
    session.execute(delete(LoginThrottle)
                    .where(LoginThrottle.last_failure_at < now - FORGET_AFTER)
                    .execution_options(synchronize_session=False))
    _count(session, client, key, now)
