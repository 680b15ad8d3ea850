"""One generic spider, configured by a source record: list pages, detail pages, records.

A source's ``config`` (a row in ``sources``; the demo's are in :mod:`demo.sources`) names the
start URLs, how to find entries and the next page on a list page, which pages are whole, where
each field sits, and how polite to be. Spiders parse only: the pipeline cleans and stores.

Config keys: ``start_urls`` (relative to the source's base URL); ``list``: ``entries``,
``link``, ``next``, ``max_pages``; ``inline`` (records are read on the list page, as in
feeds); ``feed`` (an XML feed); ``detail``: ``complete`` (an element a whole page always
has), ``records`` and ``record_id`` (several items per page); ``id_from_url`` (a regex);
``fields`` (CSS or XPath per field: title, text, author, category, status, published,
replied, reply_text, reply_department, likes, dislikes, comments, reposts, id, link);
``encoding`` (used when the bytes are not UTF-8, whatever the server says);
``date_formats``; ``relative_to`` (``crawl``, or ``page`` to read 3小时前 against the page's
HTTP Date); ``revisit`` (``days``, ``max``: pending messages whose pages are fetched again);
``incremental``; ``politeness`` (delay, concurrency, autothrottle, retries, backoff,
timeout, max_bytes, robots, user_agent, max_redirects); ``archive_horizon_days`` is not read
by the spider but by the ledger (:mod:`tracker.ledger.archive`): a board message older than it
when it enters the ledger is archived (answered) or goes to 历史遗留 (unanswered).

Incremental: a list page whose entries are all known (see
:func:`tracker.collection.crawlruns.crawl_plan`) ends the paging; pending board messages are
revisited so that their replies are seen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawlers.distributed import SharedFrontier, shared_frontier
from crawlers.extract import as_spec, html_of, id_from_url, select, text_of, with_encoding
from crawlers.items import HTML_FIELDS, RawItem
from tracker.collection.crawlruns import CrawlPlan, UnknownSource, crawl_plan
from tracker.collection.ingest import mention_uid
from tracker.db import engine_from_settings, session_factory, session_scope
from tracker.settings import load_settings

# Signal sent for every page that could not be used: (kind, url, reason).
page_error = object()
# Friendly politeness keys a source may set → Scrapy settings.
POLITENESS = {
    "delay": "DOWNLOAD_DELAY", "concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle": "AUTOTHROTTLE_ENABLED", "retries": "RETRY_TIMES",
    "backoff": "RETRY_BACKOFF_BASE", "timeout": "DOWNLOAD_TIMEOUT",
    "max_bytes": "DOWNLOAD_MAXSIZE", "robots": "ROBOTSTXT_OBEY", "user_agent": "USER_AGENT",
    "max_redirects": "REDIRECT_MAX_TIMES",
}


def load_plan(name: str) -> CrawlPlan:
    """Read the crawl plan of source ``name`` from the configured database."""
    engine = engine_from_settings(load_settings())
    try:
        with session_scope(session_factory(engine)) as session:
            return crawl_plan(session, name)
    except UnknownSource as exc:
        raise UsageError(str(exc)) from None
    finally:
        engine.dispose()


def apply_politeness(settings, politeness: dict[str, Any]) -> None:
    """Set the source's politeness on the crawler settings (before they freeze)."""
    for key, value in politeness.items():
        if key not in POLITENESS:
            raise UsageError(f"unknown politeness setting {key!r} ({', '.join(POLITENESS)})")
        settings.set(POLITENESS[key], value, priority="spider")
    if "concurrency" in politeness:
        total = max(int(politeness["concurrency"]), settings.getint("CONCURRENT_REQUESTS"))
        settings.set("CONCURRENT_REQUESTS", total, priority="spider")


class ConfigSpider(scrapy.Spider):
    """Crawls one source as its configuration describes; subclasses fix the kind."""

    kind = ""

    def __init__(self, *args: Any, plan: CrawlPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.config = plan.config
        self.list_failures = 0
        self.paging_cut = False
        self.frontier: SharedFrontier | None = None  # set by from_crawler with Redis

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        """Load the source's plan and politeness before the crawler's settings freeze."""
        name = kwargs.pop("source", None)
        if not name:
            raise UsageError(f"say which source: scrapy crawl {cls.name} -a source=NAME")
        plan = kwargs.pop("plan", None) or load_plan(name)
        if plan.kind != cls.kind:
            raise UsageError(f"source {name!r} is a {plan.kind} source, not {cls.kind}")
        apply_politeness(crawler.settings, plan.config.get("politeness", {}))
        settings = load_settings()  # several workers: the source's frontier is in Redis
        shared = shared_frontier(crawler, name, settings.crawl_redis_url,
                                 settings.crawl_redis_prefix)
        spider = super().from_crawler(crawler, *args, plan=plan, **kwargs)
        spider.frontier = shared
        return spider

    def absolute(self, url: str) -> str:
        """``url`` resolved against the source's base URL."""
        return urljoin(self.plan.base_url.rstrip("/") + "/", url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """List pages first, then the pages of pending messages (replies may have come).

        With a shared frontier only the worker that takes the start token starts the round
        (the others crawl what the queue holds), past any fingerprint of an earlier round."""
        shared = self.frontier is not None
        if shared and not self.frontier.take_start():
            return
        for url in self.config.get("start_urls", []):
            yield scrapy.Request(self.absolute(url), callback=self.parse_list,
                                 errback=self.on_error, cb_kwargs={"page": 1},
                                 meta={"role": "list"}, dont_filter=shared)
        for url in self.plan.revisit_urls:
            yield scrapy.Request(url, callback=self.parse_detail, errback=self.on_error,
                                 meta={"role": "detail"}, dont_filter=shared)

    def parse_list(self, response: Response, page: int) -> Iterator[Any]:
        """Follow unknown entries (or read them in place) and decide on the next page."""
        response = with_encoding(response, self.config.get("encoding"))
        if self.config.get("feed"):
            response.selector.remove_namespaces()  # Atom and dc: elements by local name
        listing = self.config["list"]
        entries = select(response.selector, as_spec(listing["entries"]))
        ids: list[str | None] = []
        if self.config.get("inline"):
            for entry in entries:
                item = self.record(response, entry, None)
                ids.append(item.external_id if item else None)
                if item:
                    yield item
        else:
            for entry in entries:
                href = text_of(entry, listing["link"])
                if not href:
                    continue
                url = response.urljoin(href)
                ids.append(id_from_url(url, self.config.get("id_from_url")))
                if not self.known(ids[-1]):
                    yield response.follow(url, callback=self.parse_detail,
                                          errback=self.on_error, meta={"role": "detail"})
        yield from self.next_page(response, page, ids)

    def known(self, external_id: str | None) -> bool:
        """Whether an item was stored by a completed crawl."""
        return bool(external_id) and mention_uid(self.plan.source_id,
                                                 external_id) in self.plan.known_uids

    def next_page(self, response: Response, page: int, ids: list[str | None]) -> Iterator[Any]:
        """The next list page, unless this one held only known items or paging must stop."""
        if self.config.get("incremental", True) and ids and all(self.known(i) for i in ids):
            self.logger.info("page %d holds only known items; paging stops", page)
            return
        spec = self.config["list"].get("next")
        href = text_of(response.selector, spec) if spec else None
        if not href:
            return
        if page >= int(self.config["list"].get("max_pages", 1000)):
            self.paging_cut = True
            self.logger.warning("stopped at max_pages=%d", page)
            return
        yield response.follow(href, callback=self.parse_list, errback=self.on_error,
                              cb_kwargs={"page": page + 1}, meta={"role": "list"})

    def parse_detail(self, response: Response) -> Iterator[RawItem]:
        """Items from a detail page, if the page arrived whole."""
        response = with_encoding(response, self.config.get("encoding"))
        detail = self.config.get("detail", {})
        marker = detail.get("complete")
        if marker and not select(response.selector, as_spec(marker)):
            self.report("truncated", response.url, f"no {marker!r}: page incomplete")
            return
        records = detail.get("records")
        nodes = select(response.selector, as_spec(records)) if records else [response.selector]
        for node in nodes:
            item = self.record(response, node, records and detail.get("record_id"))
            if item:
                yield item

    def record(self, response: Response, node, id_spec) -> RawItem | None:
        """One raw item from ``node`` (a whole page or one record on it)."""
        fields: dict[str, str | None] = {}
        for name, spec in self.config["fields"].items():
            fields[name] = html_of(node, spec) if name in HTML_FIELDS else text_of(node, spec)
        own_id, link = fields.pop("id", None), fields.pop("link", None)
        external_id = (text_of(node, id_spec) if id_spec else own_id) or id_from_url(
            response.url, self.config.get("id_from_url"))
        if not external_id:
            self.report("no_id", response.url, "no item id on the page")
            return None
        url = response.urljoin(link) if link else response.url
        date = response.headers.get("Date")
        return RawItem(source=self.plan.name, kind=self.kind, external_id=external_id, url=url,
                       fields=fields, fetched_at=datetime.now(UTC).isoformat(),
                       page_time=date.decode("latin-1") if date else None)

    def report(self, kind: str, url: str, reason: str) -> None:
        """Count and log a page that could not be used."""
        self.logger.warning("[%s] %s: %s (%s)", self.plan.name, kind, url, reason)
        self.crawler.stats.inc_value(f"yuqing/errors/{kind}")
        self.crawler.signals.send_catch_log(page_error, kind=kind, url=url, reason=reason)

    def on_error(self, failure) -> None:
        """Classify a failed request; a failed list page makes the crawl partial."""
        request = failure.request
        kind, reason = classify(failure)
        if kind == "robots":
            self.crawler.stats.inc_value("yuqing/robots_forbidden")
            return
        if request.meta.get("role") == "list":
            self.list_failures += 1
        self.report(kind, request.url, reason)


def classify(failure) -> tuple[str, str]:
    """(kind, reason) of a failed request, for counts and samples."""
    value = failure.value
    if failure.check(HttpError):
        return f"http_{value.response.status}", f"HTTP {value.response.status}"
    if failure.check(IgnoreRequest):
        text = str(value)
        if "robots" in text:
            return "robots", text
        if "redirect" in text:
            return "redirect_loop", text
        return "ignored", text
    name = type(value).__name__
    kinds = {"DownloadCancelledError": "too_large", "DownloadTimeoutError": "timeout",
             "TimeoutError": "timeout", "DownloadConnectionRefusedError": "connection",
             "ConnectionRefusedError": "connection", "CannotResolveHostError": "dns",
             "ResponseDataLossError": "data_loss"}
    return kinds.get(name, "download"), f"{name}: {str(value)[:200]}"
