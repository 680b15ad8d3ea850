"""The Q&A base from answered board messages: one entry per question, its askings as variants.

:func:`sync_answered` is idempotent: every answered message-kind ledger entry not yet a
variant joins the entry whose question it nearly copies (SimHash of the question within
:data:`MAX_DISTANCE` bits, analysis.dedup) or starts a new entry; a second run adds nothing.
A later answer of the same question replaces the entry's answer (the newest answer is the
one to reuse); the earlier askings stay as variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.dedup import SimHashIndex, simhash
from tracker.models import LedgerEntry
from tracker.models.qa_base import QaEntry, QaVariant
from tracker.vocabulary import Kind

MAX_DISTANCE = 3
WELL_RECEIVED = ("满意", "基本满意")
BATCH = 500


@dataclass
class SyncReport:
    """What one sync did."""

    entries: int = 0
    variants: int = 0
    merged: int = 0


def question_of(title: str, text: str | None) -> str:
    """A board message's question: its title, then its text."""
    text = (text or "").strip()
    return f"{title.strip()}\n{text}" if text and text != title.strip() else title.strip()


def _signature(question: str) -> str:
    return f"{simhash(question):016x}"


def _answer(entry: LedgerEntry) -> tuple[str, str | None, datetime | None]:
    """The official reply of a ledger entry: its last approved response (submitted drafts
    and rejected ones are not answers)."""
    done = [r for r in entry.responses if r.state == "approved" and r.content.strip()]
    if done:
        last = done[-1]
        dept = last.department_name or (entry.lead_department.name if entry.lead_department
                                        else None)
        return last.content, dept, last.responded_at or entry.replied_at
    dept = entry.lead_department.name if entry.lead_department else None
    return entry.reply_summary or "", dept, entry.replied_at


def satisfaction_of(entry: LedgerEntry) -> str | None:
    """The satisfaction of the latest follow-up that has one, else the entry's own."""
    rated = [f.satisfaction for f in entry.follow_ups if f.satisfaction
             and f.satisfaction != "未评价"]
    return rated[-1] if rated else entry.satisfaction


def _index(session: Session) -> SimHashIndex:
    rows = session.execute(select(QaEntry.id, QaEntry.signature).where(
        QaEntry.kind == "board", QaEntry.status == "active"))
    return SimHashIndex(((str(i), int(sig, 16)) for i, sig in rows), MAX_DISTANCE)


def _pending(session: Session, after: int) -> list[LedgerEntry]:
    done = select(QaVariant.ledger_entry_id).where(QaVariant.ledger_entry_id.is_not(None))
    return list(session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.kind == Kind.MESSAGE.value, LedgerEntry.replied_at.is_not(None),
            LedgerEntry.id > after, LedgerEntry.id.not_in(done))
        .order_by(LedgerEntry.id).limit(BATCH)))


def _add(session: Session, index: SimHashIndex, item: LedgerEntry, report: SyncReport) -> None:
    answer, dept, at = _answer(item)
    if not answer.strip():
        return
    question = question_of(item.title, item.summary)
    sig = simhash(question)
    near = index.query(sig)
    entry = session.get(QaEntry, int(near[0][0])) if near else None
    if entry is None:
        entry = QaEntry(kind="board", status="active", question=question, signature=f"{sig:016x}")
        session.add(entry)
        report.entries += 1
    else:
        report.merged += 1
    if entry.answered_at is None or (at is not None and at >= entry.answered_at):
        entry.answer, entry.department, entry.answered_at = answer, dept, at
        entry.category, entry.satisfaction = item.category, satisfaction_of(item)
    entry.variants.append(QaVariant(ledger_entry_id=item.id, question=question,
                                    department=dept, answered_at=at))
    session.flush()
    index.add(str(entry.id), sig)
    report.variants += 1


def sync_answered(session: Session) -> SyncReport:
    """Bring every answered board message into the base (idempotent); the caller commits."""
    report, index, after = SyncReport(), _index(session), 0
    while batch := _pending(session, after):
        for item in batch:
            _add(session, index, item, report)
        after = batch[-1].id
    return report


def flag_of(entry: QaEntry, today: date, retired_policies: dict[str, str]) -> str | None:
    """Why an entry's answer may be out of date (None when it is not)."""
    if entry.valid_until is not None and entry.valid_until < today:
        return f"已过有效期（{entry.valid_until:%Y-%m-%d}）"
    for cited in entry.policies:
        state = retired_policies.get(cited.policy_id)
        if state:
            return f"所引《{cited.title}》{state}"
    return None

