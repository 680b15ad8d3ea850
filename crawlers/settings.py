"""Scrapy settings: polite by default; a source's ``politeness`` config may relax or tighten.

Nothing that accepts commands is left on: the telnet console and Scrapy's remote-control
HTTP server (enabled by default in Scrapy 2.19) are both off.
"""

from tracker.collection.watch import USER_AGENT as WATCH_USER_AGENT

BOT_NAME = "yuqing"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# An honest user agent that says who is asking and why (the change watch sends it too).
USER_AGENT = WATCH_USER_AGENT

ROBOTSTXT_OBEY = True

# Politeness: one request at a time per site, a second apart, slower when the site is slow.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Failures: bounded retries with exponential backoff, timeouts, size and redirect limits.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubled for each further one
RETRY_BACKOFF_MAX = 30.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Anything that accepts commands stays off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RetryBackoffMiddleware": 560,
    "crawlers.middlewares.RedirectLoopMiddleware": 650,  # sees responses before redirects
}
ITEM_PIPELINES = {"crawlers.pipelines.IngestPipeline": 300}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
