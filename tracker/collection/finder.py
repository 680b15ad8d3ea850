"""Find stored mentions by words, for people who link them to a ledger entry by hand.

The 登记舆情 page lets staff pick the related mentions by what they say rather than by an
internal number: every word must occur in the title or the text; the newest come first.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tracker.models import Mention

MAX_WORDS = 5
LIMIT = 20


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_mentions(session: Session, words: str, limit: int = LIMIT) -> list[Mention]:
    """Mentions whose title or text holds every word of ``words`` (blank-separated; at most
    five), newest first; an empty query finds nothing."""
    terms = [w for w in words.split() if w][:MAX_WORDS]
    if not terms:
        return []
    clauses = [or_(Mention.title.like(_like(t), escape="\\"),
                   Mention.text.like(_like(t), escape="\\")) for t in terms]
    return list(session.scalars(
        select(Mention).where(and_(*clauses))
        .order_by(Mention.published_at.desc().nulls_last(), Mention.id.desc()).limit(limit)))


def mentions_by_id(session: Session, ids: Iterable[int]) -> list[Mention]:
    """The mentions with these ids (unknown ids are left out), newest first."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(session.scalars(
        select(Mention).where(Mention.id.in_(wanted))
        .order_by(Mention.published_at.desc().nulls_last(), Mention.id.desc())))
