"""A test fetch of a source that is not (yet) saved: ``python -m crawlers.preview``.

Reads ``{"kind", "base_url", "config", "list_url"?, "detail_url"?, "timeout"?}`` as JSON on
stdin and prints one JSON object: what the list page held, which detail page was read, and the
fields of the first item *cleaned as the pipeline cleans them* (or why the pipeline would
reject it). Nothing is stored.

It runs the crawl's own spider class for the kind (same selection, encoding handling,
politeness, robots.txt and retries), with two limits: one list page (its first entry's detail
page is followed; paging is not), and one detail page. With ``detail_url`` only that page is
read; with ``list_url`` that page replaces the source's first start URL.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawlers.extract import as_spec, select, text_of, with_encoding
from crawlers.items import HTML_FIELDS, TIME_FIELDS, RawItem
from crawlers.pipelines import POLICY_FIELDS, to_collected, to_policy_row
from crawlers.spiders.base import ConfigSpider
from crawlers.spiders.board import BoardSpider
from crawlers.spiders.forum import ForumSpider
from crawlers.spiders.news import NewsSpider
from crawlers.spiders.policy import PolicySpider
from crawlers.spiders.rss import RssSpider
from tracker.collection.crawlruns import CrawlPlan
from tracker.collection.ingest import Rejected
from tracker.collection.textclean import html_to_line, html_to_text, parse_count
from tracker.collection.timeparse import TimeParseError, parse_time

SPIDERS: dict[str, type[ConfigSpider]] = {
    spider.kind: spider for spider in (BoardSpider, NewsSpider, RssSpider, ForumSpider,
                                       PolicySpider)}
#: Fields whose text keeps its paragraphs; the other HTML fields are one line.
MULTILINE = ("text", "reply_text")


def preview_class(base: type[ConfigSpider]) -> type[ConfigSpider]:
    """``base`` limited to one list page and one detail page, reporting what it saw."""

    class Preview(base):  # type: ignore[misc, valid-type]
        list_url: str | None = None
        detail_url: str | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.seen: dict[str, Any] = {"list": None, "detail": None, "problems": []}

        async def start(self):
            """The list page (its first entry's detail follows) and/or the detail page."""
            if self.list_url or not self.detail_url:
                url = self.list_url or self.absolute(self.config["start_urls"][0])
                yield Request(self.absolute(url), callback=self.parse_list,
                              errback=self.on_error, cb_kwargs={"page": 1},
                              meta={"role": "list"})
            if self.detail_url:
                yield Request(self.absolute(self.detail_url), callback=self.parse_detail,
                              errback=self.on_error, meta={"role": "detail"},
                              dont_filter=True)

        def parse_list(self, response, page: int) -> Iterator[Any]:
            """The crawl's list parsing, keeping the first detail page or record only."""
            self.seen["list"] = list_summary(response, self.config)
            taken = False  # the first detail page followed, or the first record read in place
            for result in super().parse_list(response, page):
                if isinstance(result, Request):
                    if result.meta.get("role") == "detail" and not taken and not self.detail_url:
                        taken = True
                        self.seen["list"]["followed"] = result.url
                        yield result
                elif not taken:
                    taken = True
                    yield result

        def parse_detail(self, response) -> Iterator[RawItem]:
            """The crawl's detail parsing; the page's status is noted."""
            self.seen["detail"] = {"url": response.url, "status": response.status}
            records = 0
            for item in super().parse_detail(response):
                records += 1
                yield item
            self.seen["detail"]["records"] = records

        def report(self, kind: str, url: str, reason: str) -> None:
            """Keep the problem for the output (and count it as the crawl does)."""
            self.seen["problems"].append({"kind": kind, "url": url, "reason": reason})
            super().report(kind, url, reason)

    return Preview


def list_summary(response, config: dict[str, Any]) -> dict[str, Any]:
    """How many entries the list page holds and where its next page is."""
    response = with_encoding(response, config.get("encoding"))
    if config.get("feed"):
        response.selector.remove_namespaces()
    listing = config.get("list", {})
    entries = select(response.selector, as_spec(listing["entries"]))
    spec = listing.get("next")
    href = text_of(response.selector, spec) if spec else None
    return {"url": response.url, "status": response.status, "entries": len(entries),
            "next": response.urljoin(href) if href else None, "followed": None}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def stored_fields(raw: RawItem, config: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The item's fields as the pipeline would store them, and why it would not (or None)."""
    try:
        if raw.kind == "policy":
            row = to_policy_row(raw)
            return {name: row.get(key) for name, key in POLICY_FIELDS.items()
                    if name in raw.fields or row.get(key)}, None
        item = to_collected(raw, config)
    except Rejected as exc:
        return lenient_fields(raw, config), str(exc)
    fields = {"title": item.title, "text": item.text, "author": item.author,
              "published": _when(item.published_at), "status": item.extra.get("status_text"),
              "category": item.category, "reply_text": item.reply_text,
              "reply_department": item.reply_department, "replied": _when(item.replied_at),
              "likes": item.likes, "dislikes": item.dislikes, "comments": item.comments,
              "reposts": item.reposts}
    return {k: v for k, v in fields.items() if k in raw.fields or v}, None


def lenient_fields(raw: RawItem, config: dict[str, Any]) -> dict[str, Any]:
    """Each field cleaned on its own, so a rejected item still shows what was found."""
    out: dict[str, Any] = {}
    now = datetime.fromisoformat(raw.fetched_at)
    formats = tuple(config.get("date_formats", ()))
    for name, value in raw.fields.items():
        if name in HTML_FIELDS:
            out[name] = (html_to_text if name in MULTILINE else html_to_line)(value) or None
        elif name in TIME_FIELDS:
            try:
                parsed = parse_time(value, now=now, formats=formats)
                out[name] = _when(parsed.value) if parsed else None
            except TimeParseError:
                out[name] = value  # shown as found; the rejection says why
        else:
            out[name] = parse_count(value)
    return out


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Fetch as ``request`` says and return what was extracted."""
    kind, config = request["kind"], request["config"]
    timeout = float(request.get("timeout", 45))
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    settings.set("CLOSESPIDER_TIMEOUT", timeout, priority="cmdline")
    plan = CrawlPlan(0, request.get("name") or "preview", kind, request["base_url"],
                     config, frozenset(), ())
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(preview_class(SPIDERS[kind]))
    raws: list[RawItem] = []

    def scraped(item: RawItem, **_: Any) -> None:
        raws.append(item)

    crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)
    process.crawl(crawler, source=plan.name, plan=plan, list_url=request.get("list_url"),
                  detail_url=request.get("detail_url"))
    process.start()
    spider = getattr(crawler, "spider", None)
    seen = spider.seen if spider is not None else {"list": None, "detail": None, "problems": []}
    out: dict[str, Any] = {"list": seen["list"], "detail": seen["detail"],
                           "problems": seen["problems"], "items": len(raws)}
    if raws:
        fields, rejected = stored_fields(raws[0], config)
        out.update(external_id=raws[0].external_id, url=raws[0].url, fields=fields,
                   rejected=rejected)
    else:
        out.update(fields={}, rejected=None)
    return out


def main() -> None:
    """Read the request on stdin, print the result on stdout."""
    request = json.load(sys.stdin)
    json.dump(run(request), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
