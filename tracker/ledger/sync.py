"""Board messages enter the ledger: one message-kind entry per MessageCase, kept in step.

:func:`sync_message_cases` is idempotent: it creates the entries still missing and records
replies that arrived since the last run; a second run changes nothing and returns 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineContext, deadline_context
from tracker.ledger import archive, clock
from tracker.ledger.decisions import find_promises
from tracker.ledger.routing import attribute_answered, route_entries
from tracker.models import Department, MessageCase, audit, utcnow
from tracker.models.ledger import LedgerEntry, LedgerResponse
from tracker.vocabulary import Kind, MessageStatus

ENTITY = "ledger_entry"
BATCH = 500
BOARD_CHANNEL = "网站答复"


def _departments(session: Session) -> dict[str, int]:
    return {name: id_ for name, id_ in session.execute(select(Department.name, Department.id))}


def _record_reply(entry: LedgerEntry, case: MessageCase, dept_ids: dict[str, int]) -> dict:
    """Copy the case's reply onto the entry; a reply seen on a public page is published."""
    dept_id = dept_ids.get(case.reply_department or "")
    published = case.replied_at if case.url else None
    entry.responses.append(LedgerResponse(
        state="approved", channel=BOARD_CHANNEL, content=case.reply_text or "",
        department_id=dept_id, department_name=case.reply_department,
        responded_at=case.replied_at, approved_at=case.replied_at,
        published_at=published, published_url=case.url if published else None))
    changes = {"replied_at": (entry.replied_at, case.replied_at)}
    old_status = entry.status
    entry.replied_at = case.replied_at
    entry.first_ack_at = entry.first_ack_at or case.replied_at
    entry.published_at = published
    entry.reply_channel, entry.reply_summary = BOARD_CHANNEL, case.reply_text
    entry.reply_has_promise = bool(find_promises(case.reply_text))
    if entry.lead_department_id is None and dept_id is not None:
        changes["lead_department_id"] = (None, dept_id)
        entry.lead_department_id = dept_id
    entry.status = (MessageStatus.PUBLISHED if published else MessageStatus.REPLIED).value
    changes["status"] = (old_status, entry.status)
    return changes


def _new_entry(case: MessageCase) -> LedgerEntry:
    return LedgerEntry(
        kind=Kind.MESSAGE.value, status=MessageStatus.ACCEPTED.value, title=case.title[:512],
        summary=case.body, source_name=case.source.title if case.source else None,
        board=case.source.name if case.source else None, url=case.url,
        category=case.category, received_at=case.submitted_at, message_case_id=case.id)


def _create_missing(session: Session, ctx: DeadlineContext, dept_ids: dict[str, int],
                    now: datetime, progress: Callable[[int], None]) -> int:
    missing = (select(MessageCase)
               .outerjoin(LedgerEntry, LedgerEntry.message_case_id == MessageCase.id)
               .where(LedgerEntry.id.is_(None)).order_by(MessageCase.id).limit(BATCH))
    created = 0
    while True:
        cases = list(session.scalars(missing))
        if not cases:
            return created
        fresh, answered = [], []
        for case in cases:
            entry = _new_entry(case)
            session.add(entry)
            clock.refresh_deadline(entry, ctx)
            changes = {"due_at": (None, entry.due_at)}
            if case.replied_at is not None:
                changes.update(_record_reply(entry, case, dept_ids))
            changes.update(archive.classify(entry, case, now, ctx.tz))  # old: archive/历史遗留
            if case.replied_at is None and entry.status == MessageStatus.ACCEPTED.value:
                fresh.append((entry, case))  # unanswered and current: routed below
            elif case.replied_at is not None:
                answered.append((entry, case))  # the department that answered it
            changes["status"] = (None, entry.status)
            session.flush()
            audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="sync_create",
                         changes=changes, detail={"message_case_id": case.id})
            created += 1
        route_entries(session, fresh, ctx)
        attribute_answered(session, answered)
        progress(created)


def _record_new_replies(session: Session, dept_ids: dict[str, int]) -> int:
    rows = session.execute(
        select(LedgerEntry, MessageCase)
        .join(MessageCase, LedgerEntry.message_case_id == MessageCase.id)
        .where(LedgerEntry.replied_at.is_(None), MessageCase.replied_at.is_not(None))
        .order_by(LedgerEntry.id)).all()
    for entry, case in rows:
        changes = _record_reply(entry, case, dept_ids)
        audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="sync_reply",
                     changes=changes, detail={"message_case_id": case.id})
    session.flush()
    return len(rows)


def _missing_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(MessageCase)
                          .outerjoin(LedgerEntry, LedgerEntry.message_case_id == MessageCase.id)
                          .where(LedgerEntry.id.is_(None))) or 0


def sync_message_cases(session: Session, *, ctx: DeadlineContext | None = None,
                       now: datetime | None = None,
                       progress: Callable[[int, int | None], None] | None = None) -> int:
    """Create the missing message entries and record new replies; return how many changed.

    A message already old when it enters (``now``, default the current time) is archived or
    put on the 历史遗留 list (:mod:`tracker.ledger.archive`). ``progress(created, missing)``,
    when given, is called after each batch of new entries.
    """
    ctx = ctx or deadline_context(session)
    dept_ids = _departments(session)
    total = _missing_count(session) if progress is not None else None
    return (_create_missing(session, ctx, dept_ids, now or utcnow(),
                            lambda done: progress(done, total) if progress else None)
            + _record_new_replies(session, dept_ids))
