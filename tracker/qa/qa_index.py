"""The qa collection of the question-search index, kept in step with the Q&A base.

SQL is the system of record: :func:`index_qa` writes every in-use entry and removes the
merged and retired ones, so a search of the qa collection (embedded or Elasticsearch) sees
what the Q&A page sees. :func:`sync_qa` is the job: new answers in, then the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.index import PassageDoc, SearchIndexError, get_passage_index
from tracker.models.qa_base import QaEntry
from tracker.qa.base import sync_answered
from tracker.qa.similar import split_question
from tracker.settings import Settings

COLLECTION = "qa"
CHUNK = 500


@dataclass
class QaSyncReport:
    """What one run of the job did."""

    entries: int
    variants: int
    merged: int
    indexed: int
    removed: int

    def as_json(self) -> dict:
        """The JSON shape printed by ``yuqing qa sync --json`` (and the job's summary)."""
        return {"new_entries": self.entries, "variants": self.variants, "merged": self.merged,
                "indexed": self.indexed, "removed": self.removed}


def passage(entry: QaEntry) -> PassageDoc:
    """The index document of an entry (its question's first line as the title)."""
    title, rest = split_question(entry.question)
    return PassageDoc(id=str(entry.id), collection=COLLECTION, title=title,
                      text=f"{rest}\n{entry.answer}".strip(), department=entry.department,
                      category=entry.category,
                      date=entry.answered_at.date() if entry.answered_at else None,
                      extra={"kind": entry.kind})


def index_qa(session: Session, settings: Settings,
             since: datetime | None = None) -> tuple[int, int]:
    """Write in-use entries to the qa collection, remove the others; (written, removed).
    ``since``: only entries changed from then on (the job's overlapping window)."""
    index = get_passage_index(settings, COLLECTION)
    changed = QaEntry.updated_at >= since if since is not None else True
    written = 0
    try:
        index.ensure()
        last = 0
        while batch := session.scalars(select(QaEntry).where(
                QaEntry.status == "active", QaEntry.id > last, changed)
                .order_by(QaEntry.id).limit(CHUNK)).all():
            written += len(index.upsert([passage(e) for e in batch]).written)
            last = batch[-1].id
        gone = session.scalars(select(QaEntry.id).where(QaEntry.status != "active",
                                                        changed)).all()
        removed = index.delete([str(i) for i in gone]) if gone else 0
        index.refresh()
    finally:
        index.close()
    return written, removed


def sync_qa(session: Session, settings: Settings,
            since: datetime | None = None) -> QaSyncReport:
    """The job: answered board messages into the base, then the base (what changed
    ``since``, or all) into the index."""
    report = sync_answered(session)
    session.flush()
    written, removed = index_qa(session, settings, since)
    return QaSyncReport(report.entries, report.variants, report.merged, written, removed)


def sync_qa_safely(session: Session, settings: Settings, since: datetime | None) -> dict:
    """:func:`sync_qa` for jobs and pages: an unreachable index is reported, not raised, so
    the base keeps what it gained (the next run writes the index)."""
    try:
        return sync_qa(session, settings, since).as_json()
    except SearchIndexError as exc:
        return {"unavailable": str(exc)}
