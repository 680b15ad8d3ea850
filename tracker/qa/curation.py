"""Curating the Q&A base: FAQ entries, the policies they cite, merging and retiring.

Every change is audited (entity ``qa_entry``); nothing is deleted: a merged entry points to
the entry it joined and its variants move there, a retired entry stays with status retired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from analysis.dedup import simhash
from tracker.models import audit, utcnow
from tracker.models.qa import Policy
from tracker.models.qa_base import QaEntry, QaPolicy

ENTITY = "qa_entry"
KINDS = ("board", "faq", "typical")


class QaError(ValueError):
    """A curation request that cannot be done; the message says why (in Chinese)."""


@dataclass
class Cited:
    """A policy cited by an answer, as the curator picked it."""

    policy_id: str
    title: str
    number: str | None = None


@dataclass
class FaqInput:
    """The fields of a curated entry."""

    question: str
    answer: str
    department: str | None = None
    category: str | None = None
    valid_until: date | None = None
    policies: tuple[Cited, ...] = ()


def _check(data: FaqInput) -> None:
    if not data.question.strip():
        raise QaError("请填写问题")
    if not data.answer.strip():
        raise QaError("请填写答复")


def _apply(entry: QaEntry, data: FaqInput) -> None:
    entry.question, entry.answer = data.question.strip(), data.answer.strip()
    entry.department = (data.department or "").strip() or None
    entry.category = (data.category or "").strip() or None
    entry.valid_until = data.valid_until
    entry.signature = f"{simhash(entry.question):016x}"
    entry.policies = [QaPolicy(policy_id=c.policy_id, title=c.title, number=c.number,
                               position=i) for i, c in enumerate(data.policies)]


def save_faq(session: Session, data: FaqInput, user_id: int | None, *,
             entry_id: int | None = None, kind: str = "faq") -> QaEntry:
    """Add a curated entry, or edit any entry's question, answer and citations."""
    _check(data)
    if kind not in KINDS:
        raise QaError("条目类型不正确")
    entry = get_entry(session, entry_id) if entry_id is not None else None
    if entry is None:
        entry = QaEntry(kind=kind, status="active", question="", answer="",
                        answered_at=utcnow())
        session.add(entry)
    before = {"question": entry.question, "answer": entry.answer}
    _apply(entry, data)
    entry.updated_by_id = user_id
    session.flush()
    action = "updated" if entry_id else "created"
    audit.record(session, entity_type=ENTITY, entity_id=entry.id, action=action,
                 actor_id=user_id, detail={"before": before} if entry_id else {})
    return entry


def get_entry(session: Session, entry_id: int) -> QaEntry:
    """One entry; QaError when there is none."""
    entry = session.get(QaEntry, entry_id)
    if entry is None:
        raise QaError("没有这个问答条目")
    return entry


def merge(session: Session, keep_id: int, other_id: int, user_id: int | None) -> QaEntry:
    """Merge a duplicate into the entry kept: its variants move, it points to the kept one."""
    if keep_id == other_id:
        raise QaError("不能与自身合并")
    keep, other = get_entry(session, keep_id), get_entry(session, other_id)
    if keep.status != "active" or other.status != "active":
        raise QaError("只能合并在用的条目")
    for variant in list(other.variants):
        variant.entry_id = keep.id
    other.status, other.merged_into_id, other.updated_by_id = "merged", keep.id, user_id
    session.flush()
    session.expire(keep, ["variants"])
    audit.record(session, entity_type=ENTITY, entity_id=other.id, action="merged",
                 actor_id=user_id, detail={"into": keep.id})
    return keep


def retire(session: Session, entry_id: int, user_id: int | None, note: str = "") -> QaEntry:
    """Retire an outdated answer: no longer suggested, kept for the record."""
    entry = get_entry(session, entry_id)
    if entry.status != "active":
        raise QaError("该条目已不在用")
    entry.status, entry.note, entry.updated_by_id = "retired", note.strip() or None, user_id
    session.flush()
    audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="retired",
                 actor_id=user_id, detail={"note": note})
    return entry


def resolve_citations(session: Session, lines: str) -> tuple[Cited, ...]:
    """Policies named one per line by 文号 or exact title; QaError naming the first unknown."""
    out: dict[str, Cited] = {}
    for raw in lines.splitlines():
        name = raw.strip().strip("《》")
        if not name:
            continue
        policy = session.scalars(select(Policy).where(
            or_(Policy.number == name, Policy.title == name)).order_by(Policy.id)).first()
        if policy is None:
            raise QaError(f"政策库中没有“{name}”，请填写文号或完整标题")
        out.setdefault(policy.import_id, Cited(policy.import_id, policy.title, policy.number))
    return tuple(out.values())
