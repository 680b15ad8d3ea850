"""RSS and Atom feeds: items read in place from the feed."""

from crawlers.spiders.base import ConfigSpider


class RssSpider(ConfigSpider):
    """Crawls one rss source: `scrapy crawl rss -a source=NAME`."""

    name = "rss"
    kind = "rss"
