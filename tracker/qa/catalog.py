"""Browsing the Q&A base: a page of entries by category, department, kind and state, and the
counts the page's filters show."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.models.qa_base import QaEntry, QaVariant
from tracker.qa.curation import QaError

PAGE_SIZE = 20


@dataclass
class QaPage:
    """One page of entries and the total that matched."""

    entries: list[QaEntry]
    total: int
    page: int
    variants: dict[int, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the total makes."""
        return max(1, -(-self.total // PAGE_SIZE))


def browse(session: Session, *, category: str = "", department: str = "", kind: str = "",
           status: str = "active", only: list[int] | None = None, page: int = 1) -> QaPage:
    """Entries newest answer first, filtered; ``only`` restricts to given ids (flagged)."""
    query = select(QaEntry)
    for column, value in ((QaEntry.category, category), (QaEntry.department, department),
                          (QaEntry.kind, kind), (QaEntry.status, status)):
        if value:
            query = query.where(column == value)
    if only is not None:
        query = query.where(QaEntry.id.in_(only or [-1]))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    rows = list(session.scalars(query.options(selectinload(QaEntry.policies)).order_by(
        QaEntry.answered_at.desc().nulls_last(), QaEntry.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return QaPage(rows, int(total), page, variant_counts(session, [e.id for e in rows]))


def variant_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """How many askings each entry has, by entry id."""
    if not ids:
        return {}
    return dict(session.execute(select(QaVariant.entry_id, func.count(QaVariant.id))
                                .where(QaVariant.entry_id.in_(ids))
                                .group_by(QaVariant.entry_id)).all())


def facets(session: Session) -> dict[str, list[tuple[str, int]]]:
    """In-use entries counted by category and by department, most first."""
    out = {}
    for name, column in (("category", QaEntry.category), ("department", QaEntry.department)):
        rows = session.execute(select(column, func.count(QaEntry.id)).where(
            QaEntry.status == "active", column.is_not(None)).group_by(column)
            .order_by(func.count(QaEntry.id).desc(), column)).all()
        out[name] = [(v, n) for v, n in rows]
    return out


def get_qa_entry(session: Session, entry_id: int) -> QaEntry:
    """One entry with its variants and citations; QaError when there is none."""
    entry = session.get(QaEntry, entry_id, options=[selectinload(QaEntry.variants),
                                                   selectinload(QaEntry.policies)])
    if entry is None:
        raise QaError("没有这个问答条目")
    return entry
