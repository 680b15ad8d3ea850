"""The change watch: one cheap look at each source's first list page, so that a new message is
crawled within a minute even though the source is crawled fully only every half hour.

For every enabled source whose kind has a list page (boards, news, forums, feeds) the watch
fetches the first start URL once (an honest User-Agent, a 10 s timeout, robots.txt obeyed as
the crawler obeys it, a conditional GET when the server gave an ``ETag`` or ``Last-Modified``
before) and reads the entries with the same configured selectors the spider uses
(:func:`tracker.collection.selectors.list_entries`). A hash of the entries' links (or ids) is
the page's fingerprint, kept per source in ``source_watch``; when it differs from the last one
the source has something new and its crawl should run now (the scheduler's ``watch`` job does
that, :func:`tracker.ops.jobs.watch`). The first look has nothing to compare with: it says
changed when the page shows items no crawl has stored. A fetch that fails is a skip with its
reason, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from parsel import Selector
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.collection.ingest import mention_uid
from tracker.collection.selectors import id_from_url, list_entries, page_encoding
from tracker.models import Mention, Source, SourceWatch, utcnow

log = logging.getLogger(__name__)

#: The crawler's own User-Agent (crawlers/settings.py reads it from here): who asks, and why.
USER_AGENT = "yuqing-monitor/0.1 (public-opinion monitoring for local government; polite crawler)"
#: Kinds whose first list page shows new items first. Policy columns are left to their crawl.
WATCHED_KINDS = ("board", "news", "forum", "rss")
TIMEOUT = 10.0
MAX_BYTES = 4 * 1024 * 1024
ROBOTS_TTL = 3600.0


@dataclass(frozen=True)
class Target:
    """One source to look at, with what was seen last time."""

    source_id: int
    name: str
    url: str
    config: dict[str, Any]
    fingerprint: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def politeness(self) -> dict[str, Any]:
        return self.config.get("politeness") or {}


@dataclass(frozen=True)
class Look:
    """What one look found: ``fetched`` (a page was read: ``fingerprint`` is its entries'
    hash), ``not_modified`` (HTTP 304) or ``skipped`` (``reason`` says why)."""

    target: Target
    outcome: str
    fingerprint: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    entries: int = 0
    ids: tuple[str, ...] = ()  # the items' ids as the spider derives them, where it can


def targets(session: Session) -> list[Target]:
    """Every enabled source with a list page, and what the watch saw there last."""
    seen = {row.source_id: row for row in session.scalars(select(SourceWatch))}
    found = []
    for source in session.scalars(select(Source).where(
            Source.enabled.is_(True), Source.kind.in_(WATCHED_KINDS)).order_by(Source.id)):
        config = source.config or {}
        starts = config.get("start_urls") or []
        if not starts or "entries" not in (config.get("list") or {}):
            continue
        url = urljoin(source.base_url.rstrip("/") + "/", starts[0])
        last = seen.get(source.id)
        if last is not None and last.url == url:
            found.append(Target(source.id, source.name, url, config, last.fingerprint,
                                last.etag, last.last_modified))
        else:  # never looked at, or the configured page moved: start afresh
            found.append(Target(source.id, source.name, url, config))
    return found


class Robots:
    """robots.txt per site, kept an hour; a robots.txt that cannot be read allows (as Scrapy's
    robots middleware does)."""

    def __init__(self, ttl: float = ROBOTS_TTL) -> None:
        self.ttl = ttl
        self._parsers: dict[str, tuple[float, RobotFileParser | None]] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str, agent: str, timeout: float) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = self._parsers.get(site)
        if cached is None or time.monotonic() - cached[0] > self.ttl:
            cached = (time.monotonic(), self._fetch(site, agent, timeout))
            with self._lock:
                self._parsers[site] = cached
        parser = cached[1]
        return parser is None or parser.can_fetch(agent, url)

    @staticmethod
    def _fetch(site: str, agent: str, timeout: float) -> RobotFileParser | None:
        request = urllib.request.Request(f"{site}/robots.txt", headers={"User-Agent": agent})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read(512 * 1024).decode("utf-8", "replace")
        except (OSError, ValueError):  # missing, refused, timed out: allowed
            return None
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return parser


ROBOTS = Robots()


def fingerprint(entries: list[str]) -> str:
    """The hash of a list page's entries, in order."""
    return hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest()


def _decode(body: bytes, configured: str | None, declared: str | None) -> str:
    """The page's text, decoded as the spider decides (:func:`page_encoding`); an unknown or
    wrong encoding falls back to the declared one, then GB18030."""
    for encoding in (page_encoding(body, configured, declared), declared, "gb18030"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", "replace")


def look(target: Target, robots: Robots = ROBOTS, timeout: float = TIMEOUT) -> Look:
    """One GET of the target's first list page; never raises for a network or page problem."""
    agent = target.politeness.get("user_agent") or USER_AGENT
    timeout = min(float(target.politeness.get("timeout") or timeout), timeout)
    if target.politeness.get("robots", True) and not robots.allowed(target.url, agent, timeout):
        return Look(target, "skipped", reason="robots.txt forbids the list page")
    headers = {"User-Agent": agent}
    if target.fingerprint and target.etag:
        headers["If-None-Match"] = target.etag
    if target.fingerprint and target.last_modified:
        headers["If-Modified-Since"] = target.last_modified
    limit = min(int(target.politeness.get("max_bytes") or MAX_BYTES), MAX_BYTES)
    request = urllib.request.Request(target.url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
            etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            declared = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Look(target, "not_modified", target.fingerprint, target.etag,
                        target.last_modified)
        return Look(target, "skipped", reason=f"HTTP {exc.code}")
    except (OSError, ValueError) as exc:  # refused, timed out, reset, bad URL
        return Look(target, "skipped", reason=f"{type(exc).__name__}: {str(exc)[:200]}")
    if len(body) > limit:
        return Look(target, "skipped", reason=f"list page larger than {limit} bytes")
    text = _decode(body, target.config.get("encoding"), declared)
    page = Selector(text=text, type="xml" if target.config.get("feed") else "html")
    # No entries is a fingerprint too (an empty feed; a changed layout, which the crawl this
    # change starts reports through the source's health check).
    entries = list_entries(page, target.config)
    return Look(target, "fetched", fingerprint(entries), etag, modified, entries=len(entries),
                ids=tuple(entry_ids(entries, target.url, target.config)))


def entry_ids(entries: list[str], page_url: str, config: dict[str, Any]) -> list[str]:
    """The item ids of a list page's entries (what :func:`list_entries` read), as the spider
    derives them: an inline record's ``id`` field, else the ``id_from_url`` of its link."""
    if config.get("inline") and "id" in (config.get("fields") or {}):
        return list(entries)
    pattern = config.get("id_from_url")
    found = (id_from_url(urljoin(page_url, entry), pattern) for entry in entries)
    return [i for i in found if i]


def unknown_items(session: Session, source_id: int, ids: tuple[str, ...]) -> int:
    """How many of these item ids no crawl has stored yet."""
    if not ids:
        return 0
    uids = {mention_uid(source_id, i) for i in ids}
    known = set(session.scalars(select(Mention.uid).where(Mention.uid.in_(uids))))
    return len(uids - known)


def remember(session: Session, found: Look, now: datetime | None = None) -> bool:
    """Store what a look saw; True when the list page changed since the last look. The first
    look of a source (or of its moved page) has nothing to compare with: it says changed when
    the page shows items no crawl has stored (posted since the last crawl, or never crawled).
    Skipped looks change nothing."""
    if found.outcome == "skipped":
        return False
    now, target = now or utcnow(), found.target
    row = session.get(SourceWatch, target.source_id)
    if row is None:
        row = SourceWatch(source_id=target.source_id, url=target.url)
        session.add(row)
    previous = row.fingerprint if row.url == target.url else None
    if previous is None:
        changed = unknown_items(session, target.source_id, found.ids) > 0
    else:
        changed = found.fingerprint != previous
    row.url, row.fingerprint, row.checked_at = target.url, found.fingerprint, now
    row.etag = (found.etag or "")[:255] or None
    row.last_modified = (found.last_modified or "")[:64] or None
    if changed:
        row.changed_at = now
    return changed
