"""Crawl workers and the start of crawl rounds on a shared frontier (scrapy-redis).

``yuqing crawl enqueue`` (and the scheduler's crawl job, when ``YUQING_CRAWL_REDIS_URL`` is
set) only sets the start tokens of the due sources (``tracker/collection/frontier.py``).
``yuqing crawl worker``, on any number of hosts, watches the frontier: a source with a start
token or queued requests gets a ``scrapy crawl`` child with the frontier's settings, which
shares the source's queue and duplicate filter with every other worker's child. Several
sources are crawled at once (``parallel``); the worker looks again every ``poll`` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.collection import connect_frontier, sources_waiting, start_rounds
from tracker.db import session_scope
from tracker.models import Source
from tracker.ops.processes import run_crawls

log = logging.getLogger(__name__)


def enabled_sources(sessions: sessionmaker[Session],
                    names: tuple[str, ...] = ()) -> dict[str, str]:
    """Enabled sources (all, or those of ``names``): name → kind (the spider)."""
    query = select(Source.name, Source.kind).where(Source.enabled.is_(True))
    if names:
        query = query.where(Source.name.in_(names))
    with session_scope(sessions) as session:
        return {name: kind for name, kind in session.execute(query.order_by(Source.name))}


def enqueue_sources(sessions: sessionmaker[Session], url: str, prefix: str,
                    names: tuple[str, ...] = ()) -> dict[str, bool]:
    """Start a round of the enabled sources (all, or ``names``); source → whether its start
    token was new. An unknown or disabled name raises ``LookupError``."""
    sources = enabled_sources(sessions, names)
    missing = sorted(set(names) - set(sources))
    if missing:
        raise LookupError(f"no enabled source named {', '.join(missing)}")
    return start_rounds(connect_frontier(url), prefix, sources)


@dataclass
class WorkerReport:
    """What a worker did: crawls started per source, and those that failed."""

    crawls: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        """``{"crawls": {source: n}, "failed": {source: n}}``."""
        return {"crawls": self.crawls, "failed": self.failed}


def work(sessions: sessionmaker[Session], url: str, prefix: str, *, parallel: int = 2,
         poll: float = 2.0, until_idle: bool = False, log_dir: Path | None = None,
         loglevel: str = "INFO", names: tuple[str, ...] = (),
         on_crawl: Callable[[str, int, float], None] | None = None) -> WorkerReport:
    """Crawl whatever the frontier holds, as ``scrapy crawl`` children, until stopped (or,
    with ``until_idle``, until it holds nothing). The children find the frontier through
    ``YUQING_CRAWL_REDIS_URL`` and ``YUQING_CRAWL_REDIS_PREFIX`` in this process's
    environment (the caller sets them)."""
    client = connect_frontier(url)
    report = WorkerReport()
    while True:
        sources = enabled_sources(sessions, names)
        ready = sources_waiting(client, prefix, sources)
        if not ready:
            if until_idle:
                return report
            time.sleep(poll)
            continue

        def finished(source: str, code: int, seconds: float) -> None:
            report.crawls[source] = report.crawls.get(source, 0) + 1
            if code != 0:
                report.failed[source] = report.failed.get(source, 0) + 1
                log.warning("crawl of %s ended with exit code %s", source, code)
            if on_crawl is not None:
                on_crawl(source, code, seconds)

        run_crawls([(sources[name], name) for name in ready], parallel=parallel,
                   log_dir=log_dir, loglevel=loglevel, on_finish=finished)
