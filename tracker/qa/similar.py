"""Similar answered questions: the in-use entries of the Q&A base ranked by BM25 over words
and character bigrams (analysis.qa_match; bench/qa_similar.py measures it against TF-IDF).

The matcher is built once per state of the base (count, newest change) and kept in the
process; a change to the base (sync, curation) builds it again on the next search.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.qa_match import Matcher
from tracker.models.qa_base import QaEntry, QaVariant
from tracker.qa.catalog import variant_counts
from tracker.qa.flags import flags_for
from tracker.settings import Settings

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Matcher, list[int]]] = {}


@dataclass(frozen=True)
class QaHit:
    """One suggested answer."""

    id: int
    question: str
    answer: str
    department: str | None
    score: float
    kind: str
    category: str | None
    answered_at: datetime | None
    satisfaction: str | None
    variants: int
    flag: str | None = None

    def as_json(self) -> dict:
        """The shape ``yuqing qa similar`` prints for a hit."""
        return {"id": self.id, "question": self.question, "answer": self.answer,
                "department": self.department, "score": round(self.score, 4)}


def split_question(text: str) -> tuple[str, str]:
    """(title, text) of a question: its first line, then the rest."""
    title, _, rest = (text or "").strip().partition("\n")
    return title, rest


def _state(session: Session) -> tuple:
    # Any change to an entry moves updated_at; the id sum tells apart bases of equal size.
    return tuple(session.execute(select(func.count(QaEntry.id), func.max(QaEntry.updated_at),
                                        func.sum(QaEntry.id))).one())


def _matcher(session: Session) -> tuple[Matcher, list[int]]:
    bind = session.get_bind()
    key = str(getattr(bind, "engine", bind).url)
    state = _state(session)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == state:
            return cached[1], cached[2]
    rows = session.execute(select(QaEntry.id, QaEntry.question)
                           .where(QaEntry.status == "active").order_by(QaEntry.id)).all()
    matcher = Matcher([split_question(q) for _, q in rows])
    ids = [i for i, _ in rows]
    with _lock:
        _cache[key] = (state, matcher, ids)
    return matcher, ids


def _skip(session: Session, ledger_entry_id: int | None) -> int | None:
    if ledger_entry_id is None:
        return None
    return session.scalar(select(QaVariant.entry_id).where(
        QaVariant.ledger_entry_id == ledger_entry_id))


def similar_questions(session: Session, settings: Settings, text: str, *, top: int = 5,
                      exclude_ledger_entry: int | None = None,
                      today: date | None = None) -> list[QaHit]:
    """The answered questions most like ``text`` (first line counts as its title)."""
    matcher, ids = _matcher(session)
    skip = _skip(session, exclude_ledger_entry)
    title, rest = split_question(text)
    found = matcher.top(title, rest, k=top + 1)
    picked = [(ids[i], s) for i, s in found if ids[i] != skip][:top]
    entries = {e.id: e for e in session.scalars(
        select(QaEntry).where(QaEntry.id.in_([i for i, _ in picked])))}
    counts = variant_counts(session, list(entries))
    flags = flags_for(session, list(entries.values()), today or settings_today(settings))
    return [QaHit(id=e.id, question=e.question, answer=e.answer, department=e.department,
                  score=s, kind=e.kind, category=e.category, answered_at=e.answered_at,
                  satisfaction=e.satisfaction, variants=counts.get(e.id, 0),
                  flag=flags.get(e.id))
            for i, s in picked if (e := entries.get(i)) is not None]


def settings_today(settings: Settings) -> date:
    """Today in the configured time zone."""
    return datetime.now(settings.tz).date()
