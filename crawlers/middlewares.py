"""Downloader middlewares: backoff before retries, and redirect loops reported as such."""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import IgnoreRequest


class RetryBackoffMiddleware:
    """Delay a retried request by ``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds (capped).

    Scrapy's RetryMiddleware re-schedules a failed request at once; a site that answered
    500 or timed out deserves a pause first. The wait is awaited, so other requests go on.
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler):
        """Read the backoff settings."""
        settings = crawler.settings
        return cls(settings.getfloat("RETRY_BACKOFF_BASE", 1.0),
                   settings.getfloat("RETRY_BACKOFF_MAX", 30.0))

    async def process_request(self, request: Request) -> None:
        """Sleep before a retry; first attempts pass straight through."""
        attempt = request.meta.get("retry_times", 0)
        if attempt and self.base > 0:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (attempt - 1)))


class RedirectLoopMiddleware:
    """Fail a redirect that leads back to a URL already visited on the way.

    Scrapy's duplicate filter would otherwise drop the looping request silently, and the
    broken page would never be counted.
    """

    def process_response(self, request: Request, response):
        """Raise IgnoreRequest("redirect loop") when the Location was seen before."""
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location.decode("latin-1"))
            if target in {request.url, *request.meta.get("redirect_urls", [])}:
                raise IgnoreRequest(f"redirect loop back to {target}")
        return response
