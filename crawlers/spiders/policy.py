"""Government sites' 政策文件 columns: list pages and policy documents.

The items are stored as policy documents (政策文件库), not as mentions: see
``crawlers.pipelines.to_policy_row`` and ``tracker.qa.policies.store_crawled``.
"""

from crawlers.spiders.base import ConfigSpider


class PolicySpider(ConfigSpider):
    """Crawls one policy column: `scrapy crawl policy -a source=NAME`."""

    name = "policy"
    kind = "policy"
