"""The one pipeline: clean each raw item, then store it through :mod:`tracker.collection.ingest`.

It owns the database session for the crawl (``open_spider``/``close_spider``), records the
source's crawl run (start, counts, HTTP statuses, errors with samples, end) and commits in
small batches: a crawl killed mid-way loses at most one batch, which the next crawl fetches
again (upserts are idempotent, so nothing is doubled). While the database is unreachable (a
restart, a failover) a batch is tried again for a while; items that still cannot be stored make
the run ``partial``, so the next crawl pages past what this one knows and fetches them again.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from crawlers.items import REQUIRED, RawItem
from crawlers.spiders.base import page_error
from tracker.collection import crawlruns
from tracker.collection.ingest import CollectedItem, Ingestor, Rejected, check_item
from tracker.collection.textclean import canonical_url, html_to_line, html_to_text, parse_count
from tracker.collection.timeparse import ParsedTime, TimeParseError, parse_http_date, parse_time
from tracker.db import engine_from_settings, session_factory
from tracker.models import Source
from tracker.qa import PolicyError, row_values, store_crawled
from tracker.settings import load_settings

logger = logging.getLogger(__name__)
BATCH_SIZE = 100
BATCH_SECONDS = 2.0
#: How long a batch waits for an unreachable database (Scrapy setting
#: ``YUQING_STORE_RETRY_SECONDS``); the end of the run waits at least this long.
STORE_RETRY_SECONDS = 30.0


def _time(raw: str | None, now: datetime, formats: tuple[str, ...], name: str
          ) -> ParsedTime | None:
    try:
        return parse_time(raw, now=now, formats=formats)
    except TimeParseError as exc:
        raise Rejected(f"{name}: {exc}") from None


def _reason(exc: SQLAlchemyError) -> str:
    """The first line of the database's own message."""
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0][:200]


def to_collected(raw: RawItem, config: dict[str, Any]) -> CollectedItem:
    """Clean a raw item: text from HTML, aware times, counts, canonical URL."""
    fields = raw.fields
    fetched = datetime.fromisoformat(raw.fetched_at)
    now = fetched
    if config.get("relative_to") == "page":  # relative times count from the page's own clock
        now = parse_http_date(raw.page_time) or fetched
    formats = tuple(config.get("date_formats", ()))
    published = _time(fields.get("published"), now, formats, "published")
    replied = _time(fields.get("replied"), now, formats, "replied")
    status = html_to_line(fields.get("status"))
    item = CollectedItem(
        kind=raw.kind, external_id=raw.external_id.strip(),
        title=html_to_line(fields.get("title")), text=html_to_text(fields.get("text")),
        url=canonical_url(raw.url), author=html_to_line(fields.get("author")) or None,
        published_at=published.value if published else None,
        published_precision=published.precision if published else 0,
        likes=parse_count(fields.get("likes")), dislikes=parse_count(fields.get("dislikes")),
        comments=parse_count(fields.get("comments")), reposts=parse_count(fields.get("reposts")),
        category=html_to_line(fields.get("category")) or None,
        reply_text=html_to_text(fields.get("reply_text")) or None,
        reply_department=html_to_line(fields.get("reply_department")) or None,
        replied_at=replied.value if replied else None,
        replied_precision=replied.precision if replied else 0,
        extra={"status_text": status} if status else {},
    )
    values = {"title": item.title, "text": item.text, "published": item.published_at}
    for name in REQUIRED.get(raw.kind, ()):
        if not values.get(name):
            raise Rejected(f"missing {name}")
    check_item(item)
    return item


#: The fields of a policy column's item, as policy rows name them (tracker.qa.policy_rows).
POLICY_FIELDS = {"title": "title", "text": "text", "number": "number", "issuer": "issuer",
                 "topic": "topic", "published": "date", "written": "written"}


def to_policy_row(raw: RawItem) -> dict[str, Any]:
    """Clean a raw item of a 政策文件 column into a policy row: the id is the source's name
    and the item's id (two sites' numbers never clash), dates as the page shows them."""
    row: dict[str, Any] = {"id": f"{raw.source}/{raw.external_id.strip()}",
                           "url": canonical_url(raw.url)}
    for name, key in POLICY_FIELDS.items():
        value = (html_to_text if name == "text" else html_to_line)(raw.fields.get(name))
        if value:
            row[key] = value
    for name in REQUIRED["policy"]:
        if not row.get(name):
            raise Rejected(f"missing {name}")
    try:
        row_values(row)  # the checks of a file import: dates, lengths
    except PolicyError as exc:
        raise Rejected(str(exc)) from None
    return row


class IngestPipeline:
    """Stores items of one crawl and records its crawl run."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.buffer: list[CollectedItem | dict[str, Any]] = []  # policy rows for kind policy
        self.last_flush = time.monotonic()
        self.errors = 0
        self.samples: list[dict[str, str]] = []
        self.run_id: int | None = None
        self.lost = 0  # items that could not be stored in this run
        self.retry_seconds = crawler.settings.getfloat("YUQING_STORE_RETRY_SECONDS",
                                                       STORE_RETRY_SECONDS)

    @classmethod
    def from_crawler(cls, crawler):
        """Listen for unusable pages and for the end of the crawl."""
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.on_page_error, signal=page_error)
        crawler.signals.connect(pipeline.on_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Open the session and record the start of the run."""
        spider = self.crawler.spider
        self.plan = spider.plan
        self.settings = load_settings()
        self.engine = engine_from_settings(self.settings)
        self.session = session_factory(self.engine)()
        run = crawlruns.start_run(self.session, self.plan.source_id)
        self.run_id = run.id
        self.source = self.session.get(Source, self.plan.source_id)
        self.session.commit()  # from here on, each transaction writes before it reads

    def process_item(self, item: RawItem) -> RawItem:
        """Clean the item and queue it; store the queue when it is full or old."""
        try:
            collected = (to_policy_row(item) if item.kind == "policy"
                         else to_collected(item, self.plan.config))
        except Rejected as exc:
            self.on_page_error("rejected", item.url, str(exc))
            raise DropItem(f"[{self.plan.name}] {item.url}: {exc}") from None
        self.buffer.append(collected)
        if (len(self.buffer) >= BATCH_SIZE
                or time.monotonic() - self.last_flush >= BATCH_SECONDS):
            self.flush()
        return item

    def flush(self) -> None:
        """Store the queued items and the run's counts in one transaction."""
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        if not batch:
            return
        try:
            self._retrying(lambda: self._store(batch), self.retry_seconds)
        except SQLAlchemyError as exc:
            if isinstance(exc, OperationalError):  # the database is away: one line says it
                logger.error("[%s] storing a batch failed (%s); storing one by one",
                             self.plan.name, _reason(exc))
            else:
                logger.exception("[%s] storing a batch failed; storing one by one",
                                 self.plan.name)
            for item in batch:
                try:
                    self._store([item])
                except SQLAlchemyError as exc:
                    self.session.rollback()
                    self.lost += 1
                    where = (item["url"] if isinstance(item, dict)
                             else item.url or item.external_id)
                    self.on_page_error("store", where, str(exc)[:200])

    def _retrying(self, work, seconds: float) -> Any:
        """Run ``work`` in a transaction; while the database is unreachable or busy
        (``OperationalError``), roll back and run it again, for up to ``seconds``."""
        deadline, delay = time.monotonic() + seconds, 0.25
        while True:
            try:
                return work()
            except SQLAlchemyError as exc:
                self.session.rollback()
                if not isinstance(exc, OperationalError) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("[%s] database unavailable (%s); trying again in %.1f s",
                               self.plan.name, _reason(exc), delay)
                time.sleep(delay)
                delay = min(delay * 2, 4.0)

    def _store(self, batch: list[CollectedItem | dict[str, Any]]) -> None:
        # Write before reading: on SQLite a transaction that has read cannot start writing
        # once another crawl has committed ("database is locked"); one that writes first
        # waits its turn for the lock instead.
        crawlruns.beat(self.session, self.run_id)
        if self.plan.kind == "policy":  # a 政策文件 column fills the policy library
            try:
                counts = store_crawled(self.session, self.settings, batch)
            except PolicyError as exc:  # the index refused: SQL keeps them (policy reindex)
                logger.error("[%s] %s", self.plan.name, exc)
                self.on_page_error("index", self.plan.name, str(exc)[:200])
                counts = {}
        else:
            ingestor = Ingestor(self.session, self.source)
            ingestor.ingest_many(batch)
            counts = ingestor.counts
        crawlruns.add_counts(self.session, self.run_id, counts)
        self.session.commit()
        self.session.expunge_all()  # keeps memory flat; the (loaded) source stays usable

    def on_page_error(self, kind: str, url: str, reason: str, **_: Any) -> None:
        """Count an unusable page or item and keep a sample of it."""
        self.errors += 1
        if len(self.samples) < crawlruns.MAX_ERROR_SAMPLES:
            self.samples.append({"kind": kind, "url": url, "reason": reason})

    def close_spider(self) -> None:
        """Store what is still queued."""
        self.flush()

    def on_closed(self, spider, reason: str) -> None:
        """Record how the run ended, then close the session."""
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        prefix = "downloader/response_status_count/"
        http_status = {k.removeprefix(prefix): v for k, v in stats.items()
                       if k.startswith(prefix)}
        cut = spider.list_failures or spider.paging_cut or reason != "finished" or self.lost
        status = crawlruns.PARTIAL if cut else crawlruns.OK
        frontier = getattr(spider, "frontier", None)
        shared = frontier.settle(bool(cut)) if frontier is not None else None

        def finish() -> None:
            nonlocal status
            crawlruns.finish_run(self.session, self.run_id, status=status,
                                 pages=stats.get("response_received_count", 0),
                                 errors=self.errors, http_status=http_status,
                                 error_samples=self.samples)
            if shared is not None:  # one of several workers' runs of the round
                status = crawlruns.settle_shared(self.session, self.run_id, *shared)
            self.session.commit()

        try:  # without its end the run stays "running" until the next crawl calls it killed
            self._retrying(finish, max(self.retry_seconds, STORE_RETRY_SECONDS))
        except SQLAlchemyError as exc:
            logger.error("[%s] cannot record the end of crawl run %s (%s); the next crawl "
                         "marks it killed", self.plan.name, self.run_id, _reason(exc))
            status = "unrecorded"
        self.session.close()
        self.engine.dispose()
        logger.info("[%s] crawl run %s: %s, %d errors", self.plan.name, self.run_id, status,
                    self.errors)

