"""The shared crawl frontier in Redis (scrapy-redis): which sources have crawl work waiting.

Distributed crawling is a setting (``YUQING_CRAWL_REDIS_URL``); without it every crawl is a
``scrapy crawl`` child of the one scheduler, as before. With it, each source has three keys
under ``YUQING_CRAWL_REDIS_PREFIX`` (default ``yuqing:crawl``):

- ``PREFIX:SOURCE:start``: a start token. ``yuqing crawl enqueue`` (or the scheduler's crawl
  job) sets it; the first worker's spider that takes it (``GETDEL``: only one does) pushes
  the source's start requests (list pages, pending messages' pages) into the queue.
- ``PREFIX:SOURCE:requests``: scrapy-redis's request queue (a sorted set by priority); every
  worker's spider for the source pops from it.
- ``PREFIX:SOURCE:dupefilter``: scrapy-redis's fingerprints of the round's requests, so a
  page is fetched by one worker only. A new round clears it when the queue is empty.
- ``PREFIX:SOURCE:round``: when the current round started; ``PREFIX:SOURCE:cut``: set when a
  worker's crawl of the round was cut short (a list page failed, paging stopped at
  ``max_pages``, items not stored). Both decide whether the round's last run may end ``ok``
  (:func:`tracker.collection.crawlruns.settle_shared`).

The tracker never imports Scrapy: it only reads and writes these keys (redis-py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

DEFAULT_PREFIX = "yuqing:crawl"


class FrontierError(RuntimeError):
    """Redis cannot be reached or refused the command (said in one line)."""


@dataclass(frozen=True)
class SourceKeys:
    """The Redis keys of one source's frontier."""

    start: str
    requests: str
    dupefilter: str
    round: str
    cut: str


def source_keys(prefix: str, source: str) -> SourceKeys:
    """The keys of ``source`` under ``prefix``."""
    base = f"{prefix}:{source}"
    return SourceKeys(*(f"{base}:{name}" for name in SourceKeys.__dataclass_fields__))


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (``redis://host:port/db``), checked with a PING."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30,
                                      decode_responses=True)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(f"cannot reach the crawl frontier at {url} ({exc})") from None
    return client


def enqueue(client: redis.Redis, prefix: str, sources: Iterable[str]) -> dict[str, bool]:
    """Set the start token of each source; source → whether it was new (a token already
    waiting is not doubled: one round at a time)."""
    now = datetime.now(UTC).isoformat()
    try:
        return {name: bool(client.set(source_keys(prefix, name).start, now, nx=True))
                for name in sources}
    except redis.RedisError as exc:
        raise FrontierError(f"the crawl frontier refused the start tokens ({exc})") from None


def queued(client: redis.Redis, prefix: str, source: str) -> int:
    """Requests waiting in the source's queue."""
    return int(client.zcard(source_keys(prefix, source).requests))


def waiting(client: redis.Redis, prefix: str, sources: Iterable[str]) -> list[str]:
    """The sources with a start token or queued requests, in the order given."""
    names = list(sources)
    pipe = client.pipeline(transaction=False)
    for name in names:
        keys = source_keys(prefix, name)
        pipe.exists(keys.start)
        pipe.zcard(keys.requests)
    try:
        found = pipe.execute()
    except redis.RedisError as exc:
        raise FrontierError(f"cannot read the crawl frontier ({exc})") from None
    return [name for i, name in enumerate(names) if found[2 * i] or found[2 * i + 1]]


def take_start(client: redis.Redis, prefix: str, source: str) -> bool:
    """Take the source's start token (only one taker gets it). A new round begins: when no
    request of an earlier round is queued, the earlier round's fingerprints are cleared so
    that its pages are fetched again."""
    keys = source_keys(prefix, source)
    if client.getdel(keys.start) is None:
        return False
    if not client.zcard(keys.requests):
        client.delete(keys.dupefilter)
    pipe = client.pipeline()
    pipe.set(keys.round, datetime.now(UTC).isoformat())
    pipe.delete(keys.cut)
    pipe.execute()
    return True


def round_started(client: redis.Redis, prefix: str, source: str) -> datetime | None:
    """When the source's current round started (its start token was taken), if known."""
    value = client.get(source_keys(prefix, source).round)
    return datetime.fromisoformat(value) if value else None


def mark_cut(client: redis.Redis, prefix: str, source: str) -> None:
    """Say that a crawl of the source's current round was cut short."""
    client.set(source_keys(prefix, source).cut, datetime.now(UTC).isoformat())


def was_cut(client: redis.Redis, prefix: str, source: str) -> bool:
    """Whether a crawl of the source's current round was cut short."""
    return bool(client.exists(source_keys(prefix, source).cut))


def clear(client: redis.Redis, prefix: str, sources: Iterable[str]) -> int:
    """Delete the frontier keys of ``sources``; how many keys there were."""
    keys = [k for name in sources for k in vars(source_keys(prefix, name)).values()]
    return int(client.delete(*keys)) if keys else 0


def drop_prefix(client: redis.Redis, prefix: str) -> int:
    """Delete every key under ``prefix`` (a whole installation's frontier); how many."""
    keys = list(client.scan_iter(f"{prefix}:*"))
    return int(client.delete(*keys)) if keys else 0
