"""Push mentions waiting in the SQL outbox (``indexed_at IS NULL``) to the mention index.

A mention is stamped only after the index accepted it, and only if it did not change in
the meantime, so nothing is lost while the search server is down or slow: the rows simply
wait for the next run. Within a run, an unavailable server is retried with exponential
backoff a bounded number of times. Upserts are idempotent by id, so a batch that is sent
twice (stamped rows rolled back, a crash between write and stamp) is still indexed once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import session_scope
from tracker.index.base import (
    BulkResult,
    IndexOutdated,
    IndexUnavailable,
    ItemError,
    MentionDoc,
    MentionIndex,
)
from tracker.index.documents import documents
from tracker.models import Mention, utcnow

log = logging.getLogger(__name__)
_mentions = Mention.__table__


@dataclass
class SyncReport:
    """What one sync run did."""

    indexed: int = 0
    rejected: list[ItemError] = field(default_factory=list)
    retries: int = 0
    pending: int = 0
    unavailable: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """A JSON-friendly summary."""
        return {"indexed": self.indexed, "rejected": len(self.rejected),
                "errors": [{"id": e.id, "reason": e.reason} for e in self.rejected[:20]],
                "retries": self.retries, "pending": self.pending,
                "unavailable": self.unavailable, "seconds": round(self.seconds, 2)}


def pending_count(session: Session) -> int:
    """How many mentions wait to be indexed."""
    return session.scalar(select(func.count()).select_from(Mention)
                          .where(Mention.indexed_at.is_(None))) or 0


def mark_all_pending(session: Session) -> int:
    """Queue every mention for indexing again (a full reindex); the caller commits."""
    result = session.execute(update(_mentions).values(indexed_at=None,
                                                      updated_at=_mentions.c.updated_at))
    return result.rowcount or 0


@dataclass(frozen=True)
class Seen:
    """A pending mention as read: stamped only if it is still this version."""

    id: int
    uid: str
    updated_at: datetime


def pending_documents(session: Session, *, after_id: int = 0, limit: int = 500,
                      ) -> tuple[list[MentionDoc], list[Seen]]:
    """Up to ``limit`` pending mentions with id > ``after_id``, as documents."""
    rows = list(session.scalars(select(Mention).where(Mention.indexed_at.is_(None),
                                                      Mention.id > after_id)
                                .order_by(Mention.id).limit(limit)))
    return documents(session, rows), [Seen(m.id, m.uid, m.updated_at) for m in rows]


def stamp_indexed(session: Session, seen: list[Seen], accepted: set[str]) -> None:
    """Set ``indexed_at`` on the accepted mentions that did not change since they were read."""
    stamps = [{"b_id": m.id, "b_seen": m.updated_at, "b_at": utcnow()}
              for m in seen if m.uid in accepted]
    if stamps:
        stmt = (update(_mentions)
                .where(_mentions.c.id == bindparam("b_id"),
                       _mentions.c.updated_at == bindparam("b_seen"))
                .values(indexed_at=bindparam("b_at"), updated_at=_mentions.c.updated_at))
        session.connection().execute(stmt, stamps)


def index_batch(sessions: sessionmaker[Session], index: MentionIndex, *, after_id: int = 0,
                limit: int = 500) -> tuple[int | None, BulkResult]:
    """Index one batch of pending mentions and stamp the accepted ones.

    Reading, indexing and stamping are separate steps so that no database transaction stays
    open while the search server works (under SQLite a write would otherwise fail when a
    crawler committed in between). Returns the last mention id looked at (None when nothing
    was pending) and the bulk result; raises :class:`IndexUnavailable` without stamping.
    """
    with session_scope(sessions) as session:
        docs, seen = pending_documents(session, after_id=after_id, limit=limit)
    if not seen:
        return None, BulkResult()
    result = index.upsert(docs)
    with session_scope(sessions) as session:
        stamp_indexed(session, seen, set(result.written))
    return seen[-1].id, result


def _rebuild_if_outdated(sessions: sessionmaker[Session], index: MentionIndex) -> None:
    """An index of an older layout is a cache of SQL: drop it and queue every mention."""
    try:
        index.ensure()
    except IndexOutdated as exc:
        log.warning("%s; rebuilding it from SQL", exc)
        index.drop()
        with session_scope(sessions) as session:
            queued = mark_all_pending(session)
        log.warning("queued %d mentions for the new index", queued)
    except IndexUnavailable:
        pass  # the loop below retries and reports it


def run_sync(sessions: sessionmaker[Session], index: MentionIndex, *, batch_size: int = 500,
             max_attempts: int = 5, backoff: float = 0.5, max_backoff: float = 8.0,
             sleep: Callable[[float], None] = time.sleep,
             progress: Callable[[int, int | None], None] | None = None) -> SyncReport:
    """Index every pending mention, one committed batch at a time, retrying a down server.

    Gives up after ``max_attempts`` consecutive failures of one batch; what is left stays
    pending for the next run. Rejected documents stay pending too (and are reported).
    ``progress(done, total)``, when given, hears of each batch (done: mentions looked at).
    """
    started = time.monotonic()
    report = SyncReport()
    _rebuild_if_outdated(sessions, index)
    total, done = None, 0
    if progress is not None:
        with session_scope(sessions) as session:
            total = pending_count(session)
        progress(0, total)
    after_id, failures = 0, 0
    while True:
        try:
            last, result = index_batch(sessions, index, after_id=after_id, limit=batch_size)
        except IndexUnavailable as exc:
            failures += 1
            report.unavailable = str(exc)
            if failures >= max_attempts:
                log.warning("index sync gave up after %d attempts: %s", failures, exc)
                break
            report.retries += 1
            sleep(min(backoff * 2 ** (failures - 1), max_backoff))
            continue
        failures, report.unavailable = 0, None
        if last is None:
            break
        after_id = last
        report.indexed += len(result.written)
        report.rejected += result.errors
        if progress is not None:
            done += len(result.written) + len(result.errors)
            progress(done, max(total or 0, done))
    with session_scope(sessions) as session:
        report.pending = pending_count(session)
    report.seconds = time.monotonic() - started
    return report
