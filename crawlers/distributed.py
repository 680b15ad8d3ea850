"""A crawl that shares its source's frontier in Redis with other workers (scrapy-redis).

When ``YUQING_CRAWL_REDIS_URL`` is set, :func:`use_frontier` switches a source's crawl to
scrapy-redis's scheduler and duplicate filter on that source's keys (see
:mod:`tracker.collection.frontier`): every worker crawling the source pops requests from one
queue, and a page already asked for by any of them is not asked for again. The queue
persists (``SCHEDULER_PERSIST``): a worker that ends or is killed leaves what it did not
take to the others.

A request a killed worker had taken but not finished is lost from the queue; its items are
not lost: that worker's crawl run never ends ``ok``, so no run of the round does
(:func:`tracker.collection.crawlruns.shared_status`), the next round pages past what is
stored and fetches them again, and storing is idempotent (one mention per source and id).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

import redis
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import DontCloseSpider

from tracker.collection import frontier

logger = logging.getLogger(__name__)
#: How long a worker's spider waits on an empty queue before it ends: another worker may
#: still be parsing pages that add requests.
IDLE_SECONDS = 5.0
#: How often an idle spider looks at the queue again. Scrapy's engine looks every 5 s (its
#: heartbeat): on a shared queue that leaves a worker idle for seconds whenever the others
#: briefly emptied it (paging is one list page at a time).
POLL_SECONDS = 0.5


def use_frontier(settings, source: str, url: str, prefix: str) -> None:
    """Set scrapy-redis's scheduler and duplicate filter on ``source``'s keys (before the
    crawler's settings freeze)."""
    keys = frontier.source_keys(prefix, source)
    for name, value in {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": url,
        "SCHEDULER_QUEUE_KEY": keys.requests.replace("%", "%%"),
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter.replace("%", "%%"),
    }.items():
        settings.set(name, value, priority="spider")
    # No setting for it: the engine's heartbeat (one crawl per process, so the class is ours).
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = settings.getfloat("YUQING_CRAWL_POLL_SECONDS",
                                                                 POLL_SECONDS)


class SharedFrontier:
    """A spider's view of its source's frontier: the start token and the idle rule."""

    def __init__(self, crawler, source: str, url: str, prefix: str) -> None:
        self.crawler = crawler
        self.source = source
        self.prefix = prefix
        self.client = frontier.connect(url)
        self.idle_seconds = crawler.settings.getfloat("YUQING_CRAWL_IDLE_SECONDS",
                                                      IDLE_SECONDS)
        self.empty_since: float | None = None
        crawler.signals.connect(self.on_idle, signal=signals.spider_idle)

    def take_start(self) -> bool:
        """Whether this worker starts the round (pushes the start requests)."""
        return frontier.take_start(self.client, self.prefix, self.source)

    def settle(self, cut: bool) -> tuple[datetime | None, bool]:
        """Record this crawl's own cut, if any; (when the round started, whether any crawl
        of it was cut short) for :func:`tracker.collection.crawlruns.settle_shared`."""
        try:
            if cut:
                frontier.mark_cut(self.client, self.prefix, self.source)
            return (frontier.round_started(self.client, self.prefix, self.source),
                    frontier.was_cut(self.client, self.prefix, self.source))
        except redis.RedisError as exc:  # unknown: the run cannot vouch for the round
            logger.error("[%s] the crawl frontier is unreachable (%s); the run ends partial",
                         self.source, exc)
            return None, True

    def on_idle(self, spider) -> None:
        """Keep the spider open until the queue has stayed empty for ``idle_seconds``."""
        now = time.monotonic()
        if frontier.queued(self.client, self.prefix, self.source):
            self.empty_since = None  # other workers queued requests: take them
            raise DontCloseSpider
        if self.empty_since is None:
            self.empty_since = now
        if now - self.empty_since < self.idle_seconds:
            raise DontCloseSpider


def shared_frontier(crawler, source: str, url: str | None, prefix: str
                    ) -> SharedFrontier | None:
    """Switch the crawl to the shared frontier when ``url`` is set; its view, or None."""
    if not url:
        return None
    use_frontier(crawler.settings, source, url, prefix)
    return SharedFrontier(crawler, source, url, prefix)
