"""What the public site may read: published typical Q&A and nothing else. Every query here
starts from :func:`published`, so an item that is not (or no longer) published cannot leak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from tracker.models import TypicalQA
from tracker.publication.states import State

PAGE_SIZE = 20
FEED_SIZE = 50


@dataclass(frozen=True)
class PublicFilter:
    """The public list's filters: a question search, a category, a department, a month."""

    query: str = ""
    category: str = ""
    department: str = ""
    month: str = ""
    page: int = 1


@dataclass(frozen=True)
class PublicPage:
    """One page of published items and the count behind it."""

    items: list[TypicalQA]
    total: int
    page: int
    pages: int


def published() -> Select:
    """Published items only: the root of every public query."""
    return select(TypicalQA).where(TypicalQA.state == State.PUBLISHED.value)


def _filtered(f: PublicFilter) -> Select:
    stmt = published()
    if f.query:
        like = f"%{f.query}%"
        stmt = stmt.where(or_(TypicalQA.title.ilike(like), TypicalQA.question.ilike(like)))
    if f.category:
        stmt = stmt.where(TypicalQA.category == f.category)
    if f.department:
        stmt = stmt.where(TypicalQA.department_name == f.department)
    if f.month:
        stmt = stmt.where(TypicalQA.month == f.month)
    return stmt


def public_page(session: Session, f: PublicFilter) -> PublicPage:
    """One page of the published items the filter picks, newest first."""
    stmt = _filtered(f)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    items = session.scalars(stmt.order_by(TypicalQA.published_at.desc(), TypicalQA.id.desc())
                            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return PublicPage(list(items), total, page, pages)


def public_item(session: Session, item_id: int) -> TypicalQA | None:
    """The published item of that id, or None (unpublished, not yet published, no such)."""
    return session.scalar(published().where(TypicalQA.id == item_id))


def facets(session: Session) -> dict[str, list[tuple[str, int]]]:
    """Categories, departments and months of the published items, with their counts."""
    out = {}
    for name, column in (("categories", TypicalQA.category),
                         ("departments", TypicalQA.department_name),
                         ("months", TypicalQA.month)):
        rows = session.execute(
            select(column, func.count()).where(TypicalQA.state == State.PUBLISHED.value,
                                               column.is_not(None), column != "")
            .group_by(column).order_by(func.count().desc(), column).limit(50))
        out[name] = [(value, count) for value, count in rows]
    out["months"].sort(reverse=True)
    return out


def latest(session: Session, limit: int = FEED_SIZE) -> list[TypicalQA]:
    """The newest published items, for the feeds."""
    return list(session.scalars(published().order_by(TypicalQA.published_at.desc(),
                                                     TypicalQA.id.desc()).limit(limit)))


def version(session: Session) -> str:
    """A tag that changes whenever anything the public can see may have changed (for ETags
    and the page cache): the count of published items and the last change of any item. Both
    come from indexes, so asking costs about a millisecond at 10,000 items."""
    count = session.scalar(select(func.count()).select_from(TypicalQA)
                           .where(TypicalQA.state == State.PUBLISHED.value))
    changed = session.scalar(select(func.max(TypicalQA.updated_at)))
    stamp = changed.isoformat() if isinstance(changed, datetime) else str(changed)
    return f"{count}-{stamp}"
