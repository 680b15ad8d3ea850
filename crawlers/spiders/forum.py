"""Forums: thread lists, and one item per post on a thread page."""

from crawlers.spiders.base import ConfigSpider


class ForumSpider(ConfigSpider):
    """Crawls one forum source: `scrapy crawl forum -a source=NAME`."""

    name = "forum"
    kind = "forum"
