"""Routing (分办) of board messages as they enter the ledger, the 待分办 queue, and the record
of every department a person changed.

A new, unanswered message is classified (:mod:`analysis.routing`, title and text). When the
model is sure enough (the office's threshold, by default the model's) and the 一级分类 maps to
an active department, the entry is assigned (交办) to it through the ledger's own action, with
the reason in words; otherwise it waits in the 待分办 queue with its top three suggestions.
A department a person gives that differs from the routed or suggested one, or from an earlier
lead, is kept in ``department_reassignments``: training data for the routing model.

A message that arrives already answered is not routed, but it is attributed
(:func:`attribute_answered`): to the department its reply names when the office has one of
that name (``A7县教育局`` is the office's ``市教育局``: the place before the unit is dropped),
otherwise, when the model is sure, to the department its 一级分类 maps to. The entry's
timeline says which; per-department figures then count the board's past work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.accounts import routing_config
from tracker.deadlines import DeadlineContext
from tracker.ledger.decisions import Actor, LedgerError
from tracker.models import (
    CategoryDepartment,
    Department,
    DepartmentReassignment,
    LedgerRouting,
    MessageCase,
    audit,
)
from tracker.models.ledger import LedgerEntry
from tracker.vocabulary import Kind, MessageStatus

ENTITY = "ledger_entry"
AUTO, QUEUED = "auto", "queued"
TOP = 3
#: Below this the model all but rules a category out: its department is not offered as a
#: one-click choice (a person picks from every department instead).
MIN_OFFER = 0.05
#: The place a unit's name starts with: 市/A市/A7县/C市/某某区 (dropped to match the office's).
_PLACE = re.compile(r"^(?:[A-Z]\d*|[\u4e00-\u9fa5]{1,4}?)?[省市区县]")


@dataclass(frozen=True)
class Suggestion:
    """One routing suggestion: a 一级分类, how sure, and the department it maps to."""

    category: str
    confidence: float
    department: Department | None

    @property
    def offered(self) -> bool:
        """True when the queue offers this department as a one-click choice."""
        return self.department is not None and self.confidence >= MIN_OFFER


@dataclass(frozen=True)
class QueueItem:
    """A 待分办 entry with its suggestions, best first."""

    entry: LedgerEntry
    routing: LedgerRouting
    suggestions: tuple[Suggestion, ...]


def threshold(session: Session) -> float:
    """The confidence an automatic assignment needs (the office's, else the model's)."""
    from analysis.routing import DEFAULT_THRESHOLD  # loads the model's libraries: lazily

    value = routing_config(session).threshold
    return DEFAULT_THRESHOLD if value is None else value


def _active_map(session: Session) -> dict[str, Department]:
    rows = session.execute(select(CategoryDepartment.category, Department)
                           .join(Department, Department.id == CategoryDepartment.department_id)
                           .where(Department.active.is_(True))).all()
    return {category: dept for category, dept in rows}


def _reason(best: dict, dept: Department | None, cut: float, auto_on: bool) -> str:
    said = f"分类为{best['category']}（置信度 {best['confidence']:.2f}）"
    if dept is not None and best["confidence"] >= cut and auto_on:
        return f"自动分办：{said}，按分类对应关系交{dept.name}"
    if not auto_on:
        return f"待分办：{said}，自动分办已关闭，请人工分办"
    if dept is None:
        return f"待分办：{said}，该分类尚未对应承办单位，请人工分办"
    return f"待分办：{said}，低于自动分办阈值 {cut:.2f}，请人工分办"


def routed_text(entry: LedgerEntry, case: MessageCase | None) -> str:
    """The text routing reads for a message entry: its title and the message."""
    return f"{entry.title} {case.body if case is not None else entry.summary}".strip()


def route_entries(session: Session, pairs: Sequence[tuple[LedgerEntry, MessageCase | None]],
                  ctx: DeadlineContext | None = None) -> dict[str, int]:
    """Route new, unanswered message entries: assign the sure ones, queue the rest."""
    from analysis.routing import top_categories
    from tracker.learning import activate
    from tracker.ledger.service import perform, propose_department

    pairs = [(e, c) for e, c in pairs if e.kind == Kind.MESSAGE and e.replied_at is None
             and e.lead_department_id is None and session.get(LedgerRouting, e.id) is None]
    if not pairs:
        return {AUTO: 0, QUEUED: 0}
    activate(session, ("routing",))
    depts, cut, config = _active_map(session), threshold(session), routing_config(session)
    counts = {AUTO: 0, QUEUED: 0}
    ranked = top_categories([routed_text(e, c) for e, c in pairs], TOP)
    for (entry, _case), top in zip(pairs, ranked, strict=True):
        suggestions = [{"category": cat, "confidence": round(conf, 4),
                        "department_id": depts[cat].id if cat in depts else None}
                       for cat, conf in top]
        best, dept = suggestions[0], depts.get(suggestions[0]["category"])
        reason = _reason(best, dept, cut, config.auto_assign)
        outcome = AUTO if reason.startswith("自动") else QUEUED
        session.add(LedgerRouting(entry_id=entry.id, category=best["category"],
                                  confidence=best["confidence"], suggestions=suggestions,
                                  department_id=dept.id if dept else None, outcome=outcome,
                                  reason=reason))
        if dept is not None:
            propose_department(session, entry, dept.id, best["confidence"])
        if outcome == AUTO:
            perform(session, entry, "assign", Actor.system(), ctx=ctx,
                    data={"lead_department_id": dept.id, "note": reason})
        else:
            audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="route",
                         detail={"reason": reason})
        counts[outcome] += 1
    session.flush()
    return counts


def route_pending(session: Session, ctx: DeadlineContext | None = None,
                  batch: int = 500) -> dict[str, int]:
    """Route the unanswered, unassigned message entries that entered the ledger before
    routing existed (or while it failed); returns how many were assigned and queued."""
    done = {AUTO: 0, QUEUED: 0}
    last = 0
    while True:
        rows = session.execute(
            select(LedgerEntry, MessageCase)
            .outerjoin(MessageCase, MessageCase.id == LedgerEntry.message_case_id)
            .outerjoin(LedgerRouting, LedgerRouting.entry_id == LedgerEntry.id)
            .where(LedgerEntry.kind == Kind.MESSAGE.value, LedgerEntry.id > last,
                   LedgerEntry.status == MessageStatus.ACCEPTED.value,
                   LedgerEntry.lead_department_id.is_(None), LedgerEntry.replied_at.is_(None),
                   LedgerRouting.entry_id.is_(None))
            .order_by(LedgerEntry.id).limit(batch)).all()
        if not rows:
            return done
        last = rows[-1][0].id
        for key, count in route_entries(session, [(e, c) for e, c in rows], ctx).items():
            done[key] += count


def _queue_query():
    return (select(LedgerEntry, LedgerRouting)
            .join(LedgerRouting, LedgerRouting.entry_id == LedgerEntry.id)
            .where(LedgerRouting.outcome == QUEUED, LedgerEntry.lead_department_id.is_(None),
                   LedgerEntry.status == MessageStatus.ACCEPTED.value,
                   LedgerEntry.replied_at.is_(None)))


def queue_count(session: Session) -> int:
    """How many entries wait in the 待分办 queue."""
    return session.scalar(select(func.count()).select_from(_queue_query().subquery())) or 0


def _suggestions(session: Session, routing: LedgerRouting) -> tuple[Suggestion, ...]:
    out = []
    for row in routing.suggestions or []:
        dept = session.get(Department, row["department_id"]) if row.get("department_id") \
            else None
        out.append(Suggestion(row["category"], float(row["confidence"]),
                              dept if dept is not None and dept.active else None))
    return tuple(out)


def routing_queue(session: Session, *, limit: int = 50, offset: int = 0) -> list[QueueItem]:
    """The 待分办 entries, oldest message first, each with its suggestions."""
    rows = session.execute(_queue_query().order_by(LedgerEntry.received_at, LedgerEntry.id)
                           .limit(limit).offset(offset)).all()
    return [QueueItem(entry, routing, _suggestions(session, routing)) for entry, routing in rows]


def assign_from_queue(session: Session, entry_id: int, department_id: int, actor: Actor, *,
                      co_department_ids: Iterable[int] = (),
                      ctx: DeadlineContext | None = None) -> LedgerEntry:
    """交办 a queued entry to a department (and co-handling ones); LedgerError when it is no
    longer waiting (someone else was quicker)."""
    from tracker.ledger.service import perform

    row = session.execute(_queue_query().where(LedgerEntry.id == entry_id)).first()
    if row is None:
        raise LedgerError("该留言已不在待分办中（可能已由他人分办）")
    dept = session.get(Department, department_id)
    if dept is None or not dept.active:
        raise LedgerError("请选择一个启用中的承办单位")
    entry = row[0]
    perform(session, entry, "assign", actor, ctx=ctx,
            data={"lead_department_id": dept.id, "note": "从待分办交办",
                  "co_department_ids": [str(d) for d in co_department_ids if d != dept.id]})
    return entry


def record_reassignment(session: Session, entry: LedgerEntry, old_lead_id: int | None,
                        new_lead_id: int, actor_id: int | None) -> DepartmentReassignment | None:
    """Keep a department change made by a person: from the earlier lead, or (first
    assignment) from routing's best suggestion; nothing when they agree."""
    if actor_id is None:
        return None
    routing = session.get(LedgerRouting, entry.id)
    suggested = None
    if routing is not None and routing.suggestions:
        suggested = routing.suggestions[0].get("department_id")
    origin = old_lead_id if old_lead_id is not None else suggested
    if origin is None or origin == new_lead_id:
        return None
    row = DepartmentReassignment(
        entry_id=entry.id, from_department_id=origin, to_department_id=new_lead_id,
        category=routing.category if routing is not None else entry.category,
        confidence=routing.confidence if routing is not None else None, actor_id=actor_id)
    session.add(row)
    return row


def reassignments(session: Session, limit: int = 1000) -> list[DepartmentReassignment]:
    """Recorded department changes, newest first."""
    return list(session.scalars(select(DepartmentReassignment)
                                .order_by(DepartmentReassignment.at.desc(),
                                          DepartmentReassignment.id.desc()).limit(limit)))


def unit_core(name: str) -> str:
    """A unit's name without the place before it: ``A7县教育局`` → ``教育局``."""
    return _PLACE.sub("", name.strip(), count=1) or name.strip()


def department_for_unit(session: Session, unit: str | None) -> Department | None:
    """The office's active department a reply's signing unit is, by name or by core name."""
    if not unit:
        return None
    departments = list(session.scalars(select(Department).where(Department.active)))
    for dept in departments:
        if unit in (dept.name, dept.short_name):
            return dept
    core = unit_core(unit)
    found = [d for d in departments if unit_core(d.name) == core]
    return found[0] if len(found) == 1 else None


def attribute_answered(session: Session,
                       pairs: Sequence[tuple[LedgerEntry, MessageCase | None]]) -> int:
    """Give answered message entries without a department the one that answered them: the
    unit the reply names, else (model sure, 一级分类 mapped) the category's. No state change,
    no notice; audited with the reason. Returns how many were attributed."""
    from analysis.routing import top_categories
    from tracker.learning import activate

    pairs = [(e, c) for e, c in pairs if e.kind == Kind.MESSAGE and e.replied_at is not None
             and e.lead_department_id is None]
    if not pairs:
        return 0
    activate(session, ("routing",))
    depts, cut, done = _active_map(session), threshold(session), 0
    ranked = top_categories([routed_text(e, c) for e, c in pairs], 1)
    for (entry, case), top in zip(pairs, ranked, strict=True):
        unit = case.reply_department if case is not None else None
        dept = department_for_unit(session, unit)
        if dept is not None:
            reason = f"答复署名“{unit}”，归入{dept.name}"
        else:
            category, confidence = top[0]
            dept = depts.get(category) if confidence >= cut else None
            if dept is None:
                continue
            reason = f"答复未署名本单位部门，按留言分类“{category}”归入{dept.name}"
        entry.lead_department_id = dept.id
        audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="attribute",
                     changes={"lead_department_id": (None, dept.id)},
                     detail={"reason": reason})
        done += 1
    session.flush()
    return done
