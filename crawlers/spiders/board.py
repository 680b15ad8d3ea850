"""Government message boards: one message per detail page, with its reply."""

from crawlers.spiders.base import ConfigSpider


class BoardSpider(ConfigSpider):
    """Crawls one board source: `scrapy crawl board -a source=NAME`."""

    name = "board"
    kind = "board"
