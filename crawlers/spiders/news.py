"""News portals: list pages and articles."""

from crawlers.spiders.base import ConfigSpider


class NewsSpider(ConfigSpider):
    """Crawls one news source: `scrapy crawl news -a source=NAME`."""

    name = "news"
    kind = "news"
