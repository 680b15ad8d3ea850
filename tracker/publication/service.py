"""Typical Q&A work: make one from an answered ledger entry, edit it (masked again on every
save), move it through 审签 to publication, and tell its ledger entry where and when it went
public. Every change is audited; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.reply_quality import ReplyCheck, check_reply
from tracker.ledger import Actor, LedgerError, perform
from tracker.models import LedgerEntry, MessageCase, TypicalQA, record_audit, utcnow
from tracker.publication import policies as policy_lists
from tracker.publication.masking import mask_text
from tracker.publication.states import MOVES, STAFF, State
from tracker.settings import load_settings

ENTITY = "typical_qa"
LEDGER_ENTITY = "ledger_entry"
EDITABLE = ("title", "question", "answer", "department_name", "category", "policies")


class PublicationError(ValueError):
    """A refused step, with a message for the user (Chinese)."""


def month_of(moment: datetime) -> str:
    """The batch month (YYYY-MM, local time) a moment belongs to."""
    return moment.astimezone(load_settings().tz).strftime("%Y-%m")


def _source(session: Session, entry: LedgerEntry) -> tuple[MessageCase | None, str, str]:
    """The entry's message (if any), its question and its reply text."""
    case = session.get(MessageCase, entry.message_case_id) if entry.message_case_id else None
    question = (case.body if case else entry.summary) or entry.title
    answer = (case.reply_text if case and case.reply_text else entry.reply_summary) or ""
    return case, question, answer


def create_from_entry(session: Session, entry_id: int, actor: Actor, *, month: str | None = None,
                      origin: str = "manual", score: float | None = None,
                      note: str | None = None) -> TypicalQA:
    """A typical Q&A drafted from an answered ledger entry, masked with the writer's name."""
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise PublicationError("没有这条台账")
    case, question, answer = _source(session, entry)
    if not answer.strip():
        raise PublicationError("这条留言还没有答复，不能作为典型问答")
    author = (case.author if case else None) or entry.applicant
    answered = entry.replied_at or (case.replied_at if case else None)
    item = TypicalQA(
        month=month or month_of(answered or entry.received_at),
        state=(State.DRAFT if origin == "manual" else State.PROPOSED).value,
        origin=origin, origin_score=score, origin_note=note, ledger_entry_id=entry.id,
        message_case_id=case.id if case else None, author_name=author,
        title=mask_text(entry.title, author)[:200], question=mask_text(question, author),
        answer=mask_text(answer, author),
        department_name=(entry.lead_department.name if entry.lead_department else None)
        or (case.reply_department if case else None),
        category=entry.category or (case.category if case else None),
        asked_at=case.submitted_at if case else entry.received_at, answered_at=answered,
        policies=policy_lists.for_entry(session, entry), created_by_id=actor.id)
    session.add(item)
    session.flush()
    record_audit(session, entity_type=ENTITY, entity_id=item.id, action="create",
                 actor_id=actor.id, detail={"origin": origin, "ledger_entry_id": entry.id})
    return item


def save_edit(session: Session, item: TypicalQA, actor: Actor, fields: dict[str, Any]) -> None:
    """Save the staff's edit; question, answer and title are masked again, the item is a
    draft again (a published one must be unpublished first)."""
    _check(item, "edit", actor)
    values = {name: fields[name] for name in EDITABLE if name in fields}
    for name in ("title", "question", "answer"):
        if name in values:
            values[name] = mask_text(str(values[name]).strip(), item.author_name)
    if not values.get("title", item.title) or not values.get("question", item.question) \
            or not values.get("answer", item.answer):
        raise PublicationError("标题、问题和答复都不能为空")
    changes = {}
    for name, value in values.items():
        if getattr(item, name) != value:
            changes[name] = (getattr(item, name), value)
            setattr(item, name, value)
    if item.state != State.DRAFT:
        changes["state"] = (item.state, State.DRAFT.value)
        item.state = State.DRAFT.value
    if changes:
        session.flush()
        record_audit(session, entity_type=ENTITY, entity_id=item.id, action="edit",
                     actor_id=actor.id, changes=changes)


def _check(item: TypicalQA, action: str, actor: Actor) -> None:
    move = MOVES.get(action)
    if move is None:
        raise PublicationError("没有这个操作")
    if actor.role not in move.roles:
        raise PublicationError("您没有进行此操作的权限")
    if State(item.state) not in move.sources:
        raise PublicationError("当前状态下不能进行此操作")


def act(session: Session, item: TypicalQA, action: str, actor: Actor, *, note: str = "",
        url: str | None = None, now: datetime | None = None) -> None:
    """Take one step (submit, approve, return, publish, unpublish, dismiss); audited."""
    _check(item, action, actor)
    move, now, note = MOVES[action], now or utcnow(), (note or "").strip()
    if move.note and not note:
        raise PublicationError(f"请填写{move.note}")
    changes: dict[str, tuple[object, object]] = {"state": (item.state, move.target.value)}
    STEPS.get(action, lambda *_: None)(item, actor, now, note, url)
    item.state = move.target.value
    session.flush()
    record_audit(session, entity_type=ENTITY, entity_id=item.id, action=action,
                 actor_id=actor.id, changes=changes, detail={"note": note} if note else None)
    if action in ("publish", "unpublish"):
        _tell_ledger(session, item, action, actor, now)


def _submit(item: TypicalQA, actor: Actor, now: datetime, _note: str, _url: str | None) -> None:
    item.submitted_by_id, item.submitted_at = actor.id, now


def _approve(item: TypicalQA, actor: Actor, now: datetime, note: str, _url: str | None) -> None:
    item.reviewed_by_id, item.approved_at, item.review_note = actor.id, now, note or None


def _return(item: TypicalQA, actor: Actor, _now: datetime, note: str, _url: str | None) -> None:
    item.reviewed_by_id, item.approved_at, item.review_note = actor.id, None, note


def _publish(item: TypicalQA, actor: Actor, now: datetime, _note: str, url: str | None) -> None:
    if mask_text(item.question, item.author_name) != item.question \
            or mask_text(item.answer, item.author_name) != item.answer:
        raise PublicationError("文字中仍有未遮蔽的个人信息，请重新编辑后再提交")
    item.published_by_id, item.published_at, item.published_url = actor.id, now, url
    item.unpublished_at, item.unpublish_reason = None, None


def _unpublish(item: TypicalQA, _actor: Actor, now: datetime, note: str,
               _url: str | None) -> None:
    item.unpublished_at, item.unpublish_reason = now, note


STEPS = {"submit": _submit, "approve": _approve, "return": _return, "publish": _publish,
         "unpublish": _unpublish}


def _tell_ledger(session: Session, item: TypicalQA, action: str, actor: Actor,
                 now: datetime) -> None:
    """The source ledger entry records the publication (its 公开 step when still open) and
    its published time, which the metrics' published count reads."""
    entry = session.get(LedgerEntry, item.ledger_entry_id) if item.ledger_entry_id else None
    if entry is None:
        return
    if action == "publish":
        if entry.published_at is None and not _ledger_publish(session, entry, item, actor, now):
            record_audit(session, entity_type=LEDGER_ENTITY, entity_id=entry.id,
                         action="publish", actor_id=actor.id,
                         changes={"published_at": (None, now)})
            entry.published_at = now
        detail = {"published_url": item.published_url, "qa": item.id}
    else:
        detail = {"reason": item.unpublish_reason, "qa": item.id}
    record_audit(session, entity_type=LEDGER_ENTITY, entity_id=entry.id,
                 action=f"qa_{action}", actor_id=actor.id, detail=detail)


def _ledger_publish(session: Session, entry: LedgerEntry, item: TypicalQA, actor: Actor,
                    now: datetime) -> bool:
    """The ledger's own 公开 step, where the entry's workflow allows it now."""
    try:
        with session.begin_nested():
            perform(session, entry, "publish", Actor(actor.id, actor.role, None),
                    data={"published_url": item.published_url}, now=now)
    except LedgerError:
        return False
    return True


def publications_of(session: Session, entry_id: int) -> list[TypicalQA]:
    """The typical Q&A made from one ledger entry (any state), newest first."""
    return list(session.scalars(select(TypicalQA).where(TypicalQA.ledger_entry_id == entry_id)
                                .order_by(TypicalQA.id.desc())))


def can_edit(role: str) -> bool:
    """Whether the role prepares typical Q&A (staff and admin)."""
    return role in STAFF


def month_items(session: Session, month: str) -> list[TypicalQA]:
    """Every typical Q&A of a monthly batch, in the order of their way to publication."""
    order = {s.value: n for n, s in enumerate(State)}
    items = session.scalars(select(TypicalQA).where(TypicalQA.month == month)
                            .order_by(TypicalQA.id))
    return sorted(items, key=lambda i: order.get(i.state, 99))


def reply_check(item: TypicalQA) -> ReplyCheck:
    """The reply-quality checks of the item's answer against its question (shown at 审签)."""
    return check_reply(item.question, item.answer)
