"""Crawl runs and crawl plans: what a crawl of one source should fetch, and what it did.

A crawl stops paging once a list page holds only items it already knows. "Known" means
stored before the end of the last crawl that completed (status ``ok``): such a crawl walked
the list down to what was known before it, so the known set has no holes. Items stored by a
crawl that was killed or cut short do not count yet, so the next crawl pages past them and
fills any gap the interrupted one left.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracker.collection.ingest import PENDING
from tracker.models import CrawlRun, Mention, MessageCase, Source, utcnow
from tracker.ops import pid_alive

RUNNING, OK, PARTIAL, FAILED, KILLED = "running", "ok", "partial", "failed", "killed"
# A run that has not written a heartbeat for this long is dead even on another host.
STALE_AFTER = timedelta(minutes=10)
MAX_ERROR_SAMPLES = 20


class UnknownSource(LookupError):
    """No source of that name."""


@dataclass(frozen=True)
class CrawlPlan:
    """Everything a spider needs to know before it starts."""

    source_id: int
    name: str
    kind: str
    base_url: str
    config: dict[str, Any]
    known_uids: frozenset[str]
    revisit_urls: tuple[str, ...]


def get_source(session: Session, name: str) -> Source:
    """The source called ``name``; raise :class:`UnknownSource` if there is none."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        names = ", ".join(session.scalars(select(Source.name).order_by(Source.name))) or "none"
        raise UnknownSource(f"no source named {name!r} (known: {names})")
    return source


def watermark(session: Session, source_id: int) -> datetime | None:
    """When the last complete crawl of the source ended, or None."""
    return session.scalar(select(func.max(CrawlRun.finished_at)).where(
        CrawlRun.source_id == source_id, CrawlRun.status == OK))


def _revisit_urls(session: Session, source: Source) -> tuple[str, ...]:
    """Detail pages of recent pending messages, so that their replies are picked up."""
    revisit = source.config.get("revisit") or {}
    days, limit = int(revisit.get("days", 60)), int(revisit.get("max", 500))
    newest = session.scalar(select(func.max(MessageCase.submitted_at)).where(
        MessageCase.source_id == source.id))
    if newest is None or limit <= 0:
        return ()
    # The window ends at the board's own newest message, so a board that went quiet (or a
    # demo living in the past) still gets its last pending messages checked.
    query = (select(MessageCase.url).where(
        MessageCase.source_id == source.id, MessageCase.status == PENDING,
        MessageCase.url.is_not(None), MessageCase.submitted_at >= newest - timedelta(days=days))
        .order_by(MessageCase.submitted_at.desc()).limit(limit))
    return tuple(rebase(url, source.base_url) for url in session.scalars(query))


def rebase(url: str, base_url: str) -> str:
    """``url`` moved onto the scheme and host of ``base_url`` (a source is one site; when it
    moves, its stored pages are looked for at the new address)."""
    if not base_url:
        return url
    base, parts = urlsplit(base_url), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def crawl_plan(session: Session, name: str) -> CrawlPlan:
    """The plan for crawling source ``name``."""
    source = get_source(session, name)
    mark = watermark(session, source.id)
    known: frozenset[str] = frozenset()
    if mark is not None:
        known = frozenset(session.scalars(select(Mention.uid).where(
            Mention.source_id == source.id, Mention.fetched_at <= mark)))
    return CrawlPlan(source.id, source.name, source.kind, source.base_url, dict(source.config),
                     known, _revisit_urls(session, source))


def mark_stale_runs(session: Session, source_id: int, now: datetime | None = None,
                    exclude: int | None = None) -> int:
    """Mark runs of the source left ``running`` by a dead process as ``killed``."""
    now = now or utcnow()
    host = socket.gethostname()
    stale = 0
    for run in session.scalars(select(CrawlRun).where(
            CrawlRun.source_id == source_id, CrawlRun.status == RUNNING,
            CrawlRun.id != (exclude or -1))):
        beat = run.heartbeat_at or run.started_at
        dead_here = run.host == host and run.pid is not None and not pid_alive(run.pid)
        if dead_here or now - beat > STALE_AFTER:
            run.status, run.finished_at = KILLED, beat
            stale += 1
    return stale


def start_run(session: Session, source_id: int) -> CrawlRun:
    """Record the start of a crawl and mark stale runs of the same source.

    The new run is inserted first: a transaction that writes before it reads waits for
    SQLite's write lock instead of failing when another crawl wrote meanwhile.
    """
    run = CrawlRun(source_id=source_id, status=RUNNING, pid=os.getpid(),
                   host=socket.gethostname(), heartbeat_at=utcnow(), http_status={},
                   error_samples=[])
    session.add(run)
    session.flush()
    mark_stale_runs(session, source_id, exclude=run.id)
    return run


def beat(session: Session, run_id: int) -> None:
    """Record that the run is alive (an UPDATE, so it also takes the write lock first)."""
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(heartbeat_at=utcnow()))


def add_counts(session: Session, run_id: int, counts: dict[str, int]) -> None:
    """Add new/updated/unchanged counts to a run and beat its heartbeat (one UPDATE)."""
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(
        items_new=CrawlRun.items_new + counts.get("new", 0),
        items_updated=CrawlRun.items_updated + counts.get("updated", 0),
        items_unchanged=CrawlRun.items_unchanged + counts.get("unchanged", 0),
        heartbeat_at=utcnow()))


def finish_run(session: Session, run_id: int, *, status: str, pages: int, errors: int,
               http_status: dict[str, int], error_samples: list[dict[str, Any]]) -> CrawlRun:
    """Record how a crawl ended (one UPDATE: written before anything is read)."""
    now = utcnow()
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(
        status=status, finished_at=now, heartbeat_at=now, pages=pages, errors=errors,
        http_status=dict(sorted(http_status.items())),
        error_samples=list(error_samples[:MAX_ERROR_SAMPLES])))
    return session.get(CrawlRun, run_id, populate_existing=True)




def settle_shared(session: Session, run_id: int, round_started: datetime | None,
                  cut: bool) -> str:
    """The final status of a finished run that shared its source's frontier with other
    workers' runs (call after :func:`finish_run`, which writes first).

    Such a run saw only part of the round. It stays ``ok`` only when no crawl of the round
    was cut short (``cut``) and it is the last of the round's runs, none of them killed or
    failed: otherwise a request a killed worker had taken may be missing, and an ``ok``
    would move the watermark past it (the next round would stop paging before it).
    ``partial`` makes the next round page past what is stored and fetch what is missing.
    """
    me = session.get(CrawlRun, run_id)
    if me.status != OK:
        return me.status
    since = min(round_started or me.started_at, me.started_at)
    others = session.scalars(select(CrawlRun.status).where(
        CrawlRun.source_id == me.source_id, CrawlRun.id != run_id,
        CrawlRun.started_at <= me.finished_at,
        CrawlRun.finished_at.is_(None) | (CrawlRun.finished_at >= since)))
    if cut or any(status in (RUNNING, KILLED, FAILED) for status in others):
        me.status = PARTIAL
    return me.status
