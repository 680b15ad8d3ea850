"""The office's corrections as training data.

Sentiment: staff's corrections of a mention's sentiment (``sentiment_corrections``, entered on an
alert's page). A mention corrected twice counts once, with its last correction; a correction a
leader overruled is not used (and a mention whose last correction was overruled is left out,
not given its earlier one). Routing: department reassignments (``department_reassignments``)
mapped back to the 一级分类 the new department answers in the office's map; the last
reassignment of an entry counts; one whose department answers no category, or several of which
none is the one routing predicted, says nothing about a category and is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.datasets import Labelled, is_held_out
from tracker.ledger import routed_text
from tracker.models import CategoryDepartment, DepartmentReassignment, MessageCase, audit
from tracker.models.events import SentimentCorrection
from tracker.models.ledger import LedgerEntry

log = logging.getLogger(__name__)
OFFICE = "office"


@dataclass(frozen=True)
class OfficeRows:
    """The office's labelled rows, split into training and held-out folds by the text hash."""

    train: list[Labelled]
    held_out: list[Labelled]

    @classmethod
    def of(cls, rows: list[Labelled]) -> OfficeRows:
        """Split by the same fixed hash as the shipped sets (one row in five held out)."""
        return cls([r for r in rows if not is_held_out(r.text)],
                   [r for r in rows if is_held_out(r.text)])


def latest_sentiment_corrections(session: Session) -> list[SentimentCorrection]:
    """The last correction of every corrected mention, overruled ones included, newest first."""
    rows = session.scalars(select(SentimentCorrection).order_by(
        SentimentCorrection.created_at.desc(), SentimentCorrection.id.desc()))
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.mention_id not in seen:
            seen.add(row.mention_id)
            out.append(row)
    return out


def sentiment_rows(session: Session) -> OfficeRows:
    """Training rows of the office's standing sentiment corrections (label '1' positive)."""
    rows = [Labelled(OFFICE, c.text, str(c.label))
            for c in reversed(latest_sentiment_corrections(session))
            if c.overruled_at is None and c.text.strip()]
    return OfficeRows.of(rows)


def last_corrections(session: Session, mention_ids: list[int]) -> dict[int, SentimentCorrection]:
    """The last correction of each of these mentions that has one (overruled or not)."""
    out: dict[int, SentimentCorrection] = {}
    if not mention_ids:
        return out
    for row in session.scalars(select(SentimentCorrection)
                               .where(SentimentCorrection.mention_id.in_(mention_ids))
                               .order_by(SentimentCorrection.created_at,
                                         SentimentCorrection.id)):
        out[row.mention_id] = row
    return out


def overrule_correction(session: Session, correction_id: int, actor_id: int | None, *,
                        event_id: int | None = None,
                        now: datetime | None = None) -> SentimentCorrection:
    """A leader overrules a mention's last sentiment correction: it is kept (and audited) but no
    longer trains anything, and the mention gets back the score it had before.

    With ``event_id`` (the alert page) a correction of a mention outside that event raises
    LookupError; so does an earlier correction (only the last one stands)."""
    from tracker.events import restore_sentiment  # (tracker.events loads tracker.learning)
    from tracker.models import utcnow
    from tracker.models.events import MentionAnalysis

    row = session.get(SentimentCorrection, correction_id)
    result = session.get(MentionAnalysis, row.mention_id) if row is not None else None
    if row is None or (event_id is not None and (result is None or result.event_id != event_id)):
        raise LookupError(f"no sentiment correction {correction_id} here")
    if last_corrections(session, [row.mention_id])[row.mention_id].id != row.id:
        raise LookupError(f"correction {correction_id} is not the mention's last")
    if row.overruled_at is not None:
        return row
    now = now or utcnow()
    row.overruled_at, row.overruled_by_id = now, actor_id
    audit.record(session, entity_type="mention", entity_id=row.mention_id,
                 action="sentiment_overrule", actor_id=actor_id,
                 changes={"sentiment": (float(row.label), row.old_score)})
    session.flush()
    restore_sentiment(session, row.mention_id, row.old_score)
    return row


def _categories_by_department(session: Session) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in session.scalars(select(CategoryDepartment).order_by(CategoryDepartment.category)):
        if row.department_id is not None:
            out.setdefault(row.department_id, []).append(row.category)
    return out


def routing_rows(session: Session) -> OfficeRows:
    """Training rows of the office's department reassignments, labelled with a 一级分类."""
    categories = _categories_by_department(session)
    latest: dict[int, DepartmentReassignment] = {}
    for row in session.scalars(select(DepartmentReassignment).order_by(
            DepartmentReassignment.at, DepartmentReassignment.id)):
        latest[row.entry_id] = row
    rows, skipped = [], 0
    for entry_id, row in sorted(latest.items()):
        answers = categories.get(row.to_department_id, [])
        label = (row.category if row.category in answers
                 else answers[0] if len(answers) == 1 else None)
        entry = session.get(LedgerEntry, entry_id)
        if label is None or entry is None:
            skipped += 1
            continue
        case = (session.get(MessageCase, entry.message_case_id)
                if entry.message_case_id is not None else None)
        rows.append(Labelled(OFFICE, routed_text(entry, case), label))
    if skipped:
        log.info("routing retrain: %d reassignments name no single category, skipped", skipped)
    return OfficeRows.of(rows)
