"""Mention rows (the system of record) become index documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.index.base import MentionDoc
from tracker.models import Mention, MessageCase
from tracker.models.events import Event, MentionAnalysis


def _analysis(session: Session, ids: list[int]) -> dict[int, tuple]:
    """(sentiment, event id, event department, keywords) per mention id, when analysed."""
    rows = session.execute(
        select(MentionAnalysis.mention_id, MentionAnalysis.sentiment, MentionAnalysis.event_id,
               Event.department, MentionAnalysis.keywords)
        .outerjoin(Event, Event.id == MentionAnalysis.event_id)
        .where(MentionAnalysis.mention_id.in_(ids)))
    return {r[0]: tuple(r[1:]) for r in rows}


def _departments(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    if not case_ids:
        return {}
    rows = session.execute(select(MessageCase.id, MessageCase.reply_department)
                           .where(MessageCase.id.in_(case_ids)))
    return {r[0]: r[1] for r in rows}


def documents(session: Session, mentions: Sequence[Mention]) -> list[MentionDoc]:
    """The index documents of ``mentions`` (analysis and reply department included)."""
    analysis = _analysis(session, [m.id for m in mentions])
    departments = _departments(session, sorted({m.message_case_id for m in mentions
                                                if m.message_case_id}))
    out = []
    for m in mentions:
        sentiment, event_id, event_department, keywords = analysis.get(m.id, (None,) * 4)
        department = departments.get(m.message_case_id) if m.message_case_id else None
        out.append(MentionDoc(
            id=m.uid, kind=m.kind, source=m.source.name, title=m.title, text=m.text,
            url=m.url or "", published_at=m.published_at, author=m.author,
            sentiment=sentiment, event_id=str(event_id) if event_id is not None else None,
            department=department or event_department, keywords=list(keywords or []),
            likes=m.likes or 0, comments=m.comments or 0, reposts=m.reposts or 0,
            fetched_at=m.fetched_at))
    return out
