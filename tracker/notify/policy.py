"""Delivery policy as pure functions: exponential backoff, give-up, and rate limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Retry after 30 s, 1 min, 2 min, ... (capped), and give up after ``max_attempts``."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` messages per ``window`` to one endpoint."""

    limit: int
    window: timedelta = timedelta(minutes=1)


#: Both robots accept 20 messages a minute per robot; mail servers are kinder.
RATE_LIMITS = {
    "wecom": RateLimit(20),
    "dingtalk": RateLimit(20),
    "email": RateLimit(60),
}


def backoff(attempts: int, policy: RetryPolicy = RetryPolicy()) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1, 2, 3 ...)."""
    exponent = max(attempts - 1, 0)
    if exponent > 30:
        return policy.cap
    return min(policy.base * (2 ** exponent), policy.cap)


def after_failure(attempts: int, retryable: bool, now: datetime,
                  policy: RetryPolicy = RetryPolicy()) -> tuple[str, datetime | None]:
    """The status and next attempt time after a failed attempt."""
    if not retryable or attempts >= policy.max_attempts:
        return "failed", None
    return "retrying", now + backoff(attempts, policy)


def rate_wait(sent_times: Sequence[datetime], limit: RateLimit,
              now: datetime) -> timedelta | None:
    """How long to wait before one more message may go out, or None when it may go now."""
    recent = sorted(t for t in sent_times if now - limit.window < t <= now)
    if len(recent) < limit.limit:
        return None
    oldest_that_counts = recent[len(recent) - limit.limit]
    return oldest_that_counts + limit.window - now
