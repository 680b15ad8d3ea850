"""What waits for each role in the ledger: the work inbox's lists, as SQL and pure words.

- staff: 待分办 (board messages without a lead department) and entries whose next step is
  theirs (登记, 研判, 审核, 补正);
- responder: the department's open cases (lead or 协办), returned replies first, then by due
  time, each with a countdown in words (:func:`countdown`);
- leader: replies waiting for 审签 with their text, and overdue entries counted by department.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.ledger.query import in_department, overdue_open
from tracker.ledger.states import FINAL
from tracker.models import Department
from tracker.models.ledger import LedgerEntry, LedgerResponse
from tracker.vocabulary import DisclosureStatus, Kind, MessageStatus, OpinionStatus

E = LedgerEntry
FINALS = sorted({status for statuses in FINAL.values() for status in statuses})
#: Statuses whose next step belongs to opinion staff (登记, 研判, 审核, 补正; staff review
#: board replies alongside the leaders).
STAFF_STEPS = {Kind.OPINION: (OpinionStatus.REGISTERED, OpinionStatus.ASSESSING),
               Kind.MESSAGE: (MessageStatus.REVIEW,),
               Kind.DISCLOSURE: (DisclosureStatus.REGISTERED, DisclosureStatus.REVIEWING,
                                 DisclosureStatus.CORRECTING)}
REVIEW = (OpinionStatus.REVIEW.value, MessageStatus.REVIEW.value)
SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Countdown:
    """A due time in words (剩余 4 小时, 剩余 2 个工作日, 今日到期, 已超期 2 天) and its tone."""

    text: str
    tone: str  # "bad" (overdue), "warn" (within 24 h), "ok", "none" (no deadline)


def _workdays_between(start: date, end: date, is_workday: Callable[[date], bool]) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    for _ in range(min((end - start).days, 400)):
        day += timedelta(days=1)
        count += 1 if is_workday(day) else 0
    return count


def countdown(due_at: datetime | None, now: datetime, is_workday: Callable[[date], bool],
              tz: tzinfo, paused: bool = False) -> Countdown:
    """The countdown badge of a due time at ``now`` (local dates in ``tz``)."""
    if paused:
        return Countdown("期限暂停", "none")
    if due_at is None:
        return Countdown("未设时限", "none")
    left = due_at - now
    if left < timedelta(0):
        late = -left
        if late >= timedelta(days=1):
            return Countdown(f"已超期 {late.days} 天", "bad")
        return Countdown(f"已超期 {max(int(late.total_seconds() // 3600), 1)} 小时", "bad")
    today, due_day = now.astimezone(tz).date(), due_at.astimezone(tz).date()
    hours = int(left.total_seconds() // 3600)
    if due_day == today:
        rest = f"{hours} 小时" if hours else f"{int(left.total_seconds() // 60)} 分钟"
        return Countdown(f"今日到期，剩余 {rest}", "warn")
    if left < SOON:
        return Countdown(f"剩余 {max(hours, 1)} 小时", "warn")
    workdays = _workdays_between(today, due_day, is_workday)
    if workdays:
        return Countdown(f"剩余 {workdays} 个工作日", "ok")
    return Countdown(f"剩余 {(due_day - today).days} 天", "ok")


def is_open(entry: LedgerEntry) -> bool:
    """True while an entry still waits for its reply (not replied, closed or final)."""
    return (entry.replied_at is None and entry.closed_at is None
            and entry.status not in FINAL[Kind(entry.kind)])


def _open_clause():
    return and_(E.replied_at.is_(None), E.closed_at.is_(None), E.status.not_in(FINALS))


@dataclass(frozen=True)
class Case:
    """One open case of a department: the entry, whether it leads, whether it came back."""

    entry: LedgerEntry
    lead: bool
    returned_note: str | None


@dataclass(frozen=True)
class Listing:
    """The first rows of a list and how many there are in all."""

    rows: list
    total: int


def _latest_response():
    latest = (select(LedgerResponse.entry_id, func.max(LedgerResponse.id).label("rid"))
              .group_by(LedgerResponse.entry_id).subquery())
    return latest


def department_cases(session: Session, department_id: int, limit: int = 100) -> Listing:
    """The department's open cases (lead or 协办): returned replies first, then by due time."""
    latest = _latest_response()
    returned = and_(LedgerResponse.state == "rejected", E.status.not_in(REVIEW))
    where = [_open_clause(), in_department(department_id)]
    total = session.scalar(select(func.count()).select_from(E).where(*where)) or 0
    rows = session.execute(
        select(E, case((returned, LedgerResponse.review_note), else_=None))
        .outerjoin(latest, latest.c.entry_id == E.id)
        .outerjoin(LedgerResponse, LedgerResponse.id == latest.c.rid)
        .where(*where)
        .order_by(case((returned, 0), else_=1), E.due_at.is_(None), E.due_at, E.id)
        .limit(limit)).all()
    cases = [Case(entry, entry.lead_department_id == department_id, note or None)
             for entry, note in rows]
    return Listing(cases, total)


@dataclass(frozen=True)
class Pending:
    """A reply waiting for 审签/审核: the entry and the submitted response."""

    entry: LedgerEntry
    response: LedgerResponse


def awaiting_approval(session: Session, limit: int = 30) -> Listing:
    """Entries in 审签/审核 with their submitted reply, oldest submission first."""
    where = [E.status.in_(REVIEW), E.kind.in_([Kind.OPINION.value, Kind.MESSAGE.value]),
             E.closed_at.is_(None), LedgerResponse.state == "submitted"]
    base = select(E, LedgerResponse).join(LedgerResponse, LedgerResponse.entry_id == E.id)
    total = session.scalar(select(func.count()).select_from(base.where(*where).subquery())) or 0
    rows = session.execute(base.where(*where).options(selectinload(E.lead_department))
                           .order_by(LedgerResponse.created_at, LedgerResponse.id)
                           .limit(limit)).all()
    return Listing([Pending(entry, response) for entry, response in rows], total)


@dataclass(frozen=True)
class DepartmentCount:
    """How many overdue open entries one department leads (``None``: no department yet)."""

    department_id: int | None
    name: str
    count: int


def overdue_by_department(session: Session, now: datetime) -> list[DepartmentCount]:
    """Open overdue entries counted by lead department, most first."""
    rows = session.execute(
        select(E.lead_department_id, Department.name, func.count())
        .outerjoin(Department, Department.id == E.lead_department_id)
        .where(overdue_open(now), E.status.not_in(FINALS))
        .group_by(E.lead_department_id, Department.name)
        .order_by(func.count().desc(), Department.name)).all()
    return [DepartmentCount(dept, name or "未指定部门", int(n)) for dept, name, n in rows]


def unrouted_messages(session: Session, limit: int = 20) -> Listing:
    """待分办: current board messages, unanswered, with no lead department, oldest due first
    (the 历史遗留 and archived ones are decided on their own page)."""
    where = [E.kind == Kind.MESSAGE.value, E.lead_department_id.is_(None),
             E.status == MessageStatus.ACCEPTED.value, E.replied_at.is_(None)]
    total = session.scalar(select(func.count()).select_from(E).where(*where)) or 0
    rows = session.scalars(select(E).where(*where).order_by(
        E.due_at.is_(None), E.due_at, E.id).limit(limit)).all()
    return Listing(list(rows), total)


def waiting_on_staff(session: Session, limit: int = 20) -> Listing:
    """Entries whose next step is the staff's (登记, 研判, 审核, 补正), soonest due first."""
    clauses = [and_(E.kind == kind.value, E.status.in_([s.value for s in statuses]))
               for kind, statuses in STAFF_STEPS.items()]
    where = [or_(*clauses), E.closed_at.is_(None)]
    total = session.scalar(select(func.count()).select_from(E).where(*where)) or 0
    rows = session.scalars(select(E).where(*where).order_by(
        E.due_at.is_(None), E.due_at, E.id).limit(limit)).all()
    return Listing(list(rows), total)
