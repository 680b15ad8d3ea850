"""The best finished entries of a month, proposed for the library with their scores explained.

An entry is finished when it was answered and nothing is pending any more: closed (办结,
归档, 结案) or, for a board message, published (公开) or visited (回访). It belongs to the
month (local time) in which it was closed, or answered when it has no closing time.

Scoring a reply's quality is the costly part, so candidates are taken in the order of the
best total they could still reach (their other parts with a perfect reply) and checked only
until no unchecked candidate can beat the last one proposed: the result is the same as
checking them all.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.cases import scoring
from tracker.models import CaseProposal, LibraryCase
from tracker.models.ledger import LedgerEntry, LedgerResponse
from tracker.vocabulary import DisclosureStatus, MessageStatus, OpinionStatus

#: Statuses in which an answered entry has nothing pending (besides a closing time).
DONE = (OpinionStatus.CLOSED.value, MessageStatus.VISITED.value, MessageStatus.PUBLISHED.value,
        MessageStatus.ARCHIVED.value, DisclosureStatus.REPLIED.value,
        DisclosureStatus.ARCHIVED.value)
#: How many entries a month proposes, and the least total worth proposing.
PROPOSE_TOP = 5
MIN_TOTAL = 70.0


@dataclass(frozen=True)
class MonthResult:
    """What proposing a month did: the month, the entries looked at, the proposals made."""

    month: str
    candidates: int
    checked: int
    proposals: list[CaseProposal]

    def as_json(self) -> dict:
        """The CLI's and the job's summary."""
        return {"month": self.month, "candidates": self.candidates, "checked": self.checked,
                "proposed": [{"entry_id": p.entry_id, "rank": p.rank, "total": p.total}
                             for p in self.proposals]}


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first instant of ``YYYY-MM`` and of the month after, in ``tz``."""
    first = date.fromisoformat(f"{month}-01")
    after = (first + timedelta(days=32)).replace(day=1)
    return (datetime.combine(first, time(), tz), datetime.combine(after, time(), tz))


def finished_at(entry: LedgerEntry) -> datetime | None:
    """When the entry was finished (closed, else answered when its status is final)."""
    if entry.replied_at is None:
        return None
    if entry.closed_at is not None:
        return entry.closed_at
    return entry.replied_at if entry.status in DONE else None


def finished_in(start: datetime, end: datetime):
    """The SQL condition: answered, and finished within [start, end)."""
    E = LedgerEntry
    return and_(E.replied_at.is_not(None), or_(
        and_(E.closed_at >= start, E.closed_at < end),
        and_(E.closed_at.is_(None), E.status.in_(DONE), E.replied_at >= start,
             E.replied_at < end)))


def final_response(entry: LedgerEntry) -> LedgerResponse | None:
    """The reply the public got: the last approved or delivered response."""
    sent = [r for r in entry.responses if r.state != "draft" and r.content]
    return sent[-1] if sent else None


def _follow_ups(entry: LedgerEntry) -> list[scoring.FollowUpFacts]:
    return [scoring.FollowUpFacts(f.at, f.satisfaction, f.promise_kept) for f in entry.follow_ups]


def cheap_parts(entry: LedgerEntry) -> list[scoring.Component]:
    """Every part but the reply check (no text analysis)."""
    start = entry.clock_restarted_at or entry.received_at
    follow_ups = _follow_ups(entry)
    return [scoring.timeliness(start, entry.due_at, entry.replied_at),
            scoring.satisfaction(follow_ups, entry.satisfaction),
            scoring.follow_through(entry.reply_has_promise, follow_ups)]


def quality_part(session: Session, entry: LedgerEntry) -> scoring.Component:
    """The reply check of the entry's final reply (against the other entries' replies)."""
    from tracker import quality  # loads the text analysis only when a reply is checked

    response = final_response(entry)
    if response is None:
        return scoring.quality(None, ())
    check = quality.reply_quality(session, response.id)
    return scoring.quality(check.score, check.problems)


def score_entry(session: Session, entry: LedgerEntry) -> scoring.Score:
    """The entry's full score, every part explained."""
    parts = cheap_parts(entry)
    return scoring.combine([parts[0], quality_part(session, entry), *parts[1:]])


def _bound(parts: list[scoring.Component]) -> float:
    """The best total the entry could reach with a perfect reply check."""
    best = scoring.combine([parts[0], scoring.Component("quality", 1.0, ""), *parts[1:]])
    return best.total or 0.0


def best_of(session: Session, entries: list[LedgerEntry], top: int,
            min_total: float) -> tuple[list[tuple[LedgerEntry, scoring.Score]], int]:
    """The ``top`` best-scoring entries at or above ``min_total``, and how many were checked:
    best bound first, while a bound can still reach the floor (the last one chosen, or the
    minimum)."""
    queue = [(-_bound(cheap_parts(e)), e.id, e) for e in entries]
    heapq.heapify(queue)
    chosen: list[tuple[LedgerEntry, scoring.Score]] = []
    checked = 0
    while queue:
        bound, _, entry = heapq.heappop(queue)
        floor = chosen[-1][1].total if len(chosen) >= top else min_total
        if -bound < floor:
            break
        checked += 1
        result = score_entry(session, entry)
        if result.total is not None and result.total >= min_total:
            chosen.append((entry, result))
            chosen.sort(key=lambda pair: (-pair[1].total, pair[0].id))
            del chosen[top:]
    return chosen, checked


def propose_month(session: Session, month: str, tz: tzinfo, *, top: int = PROPOSE_TOP,
                  min_total: float = MIN_TOTAL) -> MonthResult:
    """Score the month's finished entries and store its proposals (replacing earlier ones)."""
    start, end = month_bounds(month, tz)
    entries = list(session.scalars(
        select(LedgerEntry).where(finished_in(start, end)).order_by(LedgerEntry.id)
        .options(selectinload(LedgerEntry.responses), selectinload(LedgerEntry.follow_ups))))
    chosen, checked = best_of(session, entries, top, min_total)
    session.execute(delete(CaseProposal).where(CaseProposal.month == month))
    rows = [CaseProposal(month=month, entry_id=entry.id, rank=rank, total=result.total,
                         components=[c.as_dict() for c in result.components],
                         summary=result.summary)
            for rank, (entry, result) in enumerate(chosen, start=1)]
    session.add_all(rows)
    session.flush()
    return MonthResult(month, len(entries), checked, rows)


def proposals_of(session: Session, month: str) -> list[tuple[CaseProposal, LibraryCase | None]]:
    """The month's proposals in rank order, each with its library case if one was written."""
    rows = session.scalars(select(CaseProposal).where(CaseProposal.month == month)
                           .order_by(CaseProposal.rank)).all()
    cases = {c.entry_id: c for c in session.scalars(
        select(LibraryCase).where(LibraryCase.entry_id.in_([p.entry_id for p in rows])))}
    return [(p, cases.get(p.entry_id)) for p in rows]


def proposal_months(session: Session) -> list[str]:
    """Months that have proposals, newest first."""
    return list(session.scalars(select(CaseProposal.month).distinct()
                                .order_by(CaseProposal.month.desc())))
