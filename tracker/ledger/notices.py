"""Who hears about a ledger action: the department's responders when a case is assigned to them,
the leaders when a reply waits for 审签, the drafter and the department when a reply is
returned; and, once an entry is answered or closed, its reminders stop counting.

Messages go through :func:`tracker.notify.notify`, so each user's channels (in-app, e-mail)
and the rules' group robots apply; every message has a key, so a repeat reaches nobody twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import notify
from tracker.ledger.inbox import is_open
from tracker.ledger.states import Action
from tracker.models import Department, User
from tracker.models.ledger import LedgerEntry, LedgerResponse
from tracker.settings import Settings
from tracker.vocabulary import RoleCode

ASSIGNING = (Action.ASSIGN, Action.REASSIGN)


def link(entry: LedgerEntry) -> str:
    """Where a notification about an entry points."""
    return f"/ledger/{entry.id}"


def department_responders(session: Session, department_ids: list[int]) -> list[int]:
    """Active responder accounts of the departments."""
    if not department_ids:
        return []
    return list(session.scalars(select(User.id).where(
        User.role_code == RoleCode.RESPONDER.value, User.active.is_(True),
        User.department_id.in_(department_ids)).order_by(User.id)))


def leaders(session: Session) -> list[int]:
    """Active leader accounts (they sign replies off)."""
    return list(session.scalars(select(User.id).where(
        User.role_code == RoleCode.LEADER.value, User.active.is_(True)).order_by(User.id)))


def _latest(entry: LedgerEntry, state: str) -> LedgerResponse | None:
    for response in reversed(entry.responses):
        if response.state == state:
            return response
    return None


def _assigned(session: Session, settings: Settings, entry: LedgerEntry, co: list[int],
              now: datetime) -> None:
    names = dict(session.execute(select(Department.id, Department.name).where(
        Department.id.in_([entry.lead_department_id, *co]))).all())
    lead = names.get(entry.lead_department_id, "")
    due = (entry.due_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if entry.due_at
           else "未设")
    for dept_id, role in [(entry.lead_department_id, "牵头"), *[(d, "协办") for d in co]]:
        body = (f"“{entry.title}”已交由{names.get(dept_id, '')}{role}办理"
                f"{'' if role == '牵头' else '（牵头单位：' + lead + '）'}，办理时限 {due}。")
        notify.notify(session, settings, notify.Message(
            kind="assigned", title=f"【新交办】{entry.title}"[:256], body=body, level=entry.level,
            link=link(entry), key=f"ledger:{entry.id}:assigned:{dept_id}:{role}"),
            users=department_responders(session, [dept_id]), now=now)


def _submitted(session: Session, settings: Settings, entry: LedgerEntry, now: datetime) -> None:
    response = _latest(entry, "submitted")
    if response is None:
        return
    who = response.department_name or "承办单位"
    notify.notify(session, settings, notify.Message(
        kind="approval", title=f"【待审签】{entry.title}"[:256], level=entry.level,
        body=f"{who}提交的答复待审签：{response.content[:120]}", link=link(entry),
        key=f"ledger:{entry.id}:approval:{response.id}"), users=leaders(session), now=now)


def _returned(session: Session, settings: Settings, entry: LedgerEntry, now: datetime) -> None:
    response = _latest(entry, "rejected")
    if response is None:
        return
    users = set(department_responders(session, [entry.lead_department_id] if
                                      entry.lead_department_id else []))
    if response.author_id:
        users.add(response.author_id)
    notify.notify(session, settings, notify.Message(
        kind="returned", title=f"【退回修改】{entry.title}"[:256], level=entry.level,
        body=f"答复被退回修改，理由：{response.review_note or '未说明'}", link=link(entry),
        key=f"ledger:{entry.id}:returned:{response.id}"), users=sorted(users), now=now)


def after_action(session: Session, settings: Settings, entry: LedgerEntry, action: str,
                 changes: dict, now: datetime) -> None:
    """Tell the people an action concerns; resolve what it made stale."""
    if action in ASSIGNING and entry.lead_department_id and (
            action == Action.ASSIGN or {"lead_department_id", "co_departments"} & set(changes)):
        co = [c.department_id for c in entry.co_departments if c.removed_at is None]
        _assigned(session, settings, entry, co, now)
    elif action == Action.SUBMIT:
        _submitted(session, settings, entry, now)
    elif action == Action.REJECT:
        _returned(session, settings, entry, now)
    if action in (Action.APPROVE, Action.REJECT):
        notify.resolve_prefix(session, f"ledger:{entry.id}:approval:", now)
    if not is_open(entry):
        resolve_reminders(session, entry, now)


def resolve_reminders(session: Session, entry: LedgerEntry, now: datetime) -> int:
    """An answered or closed entry's due-soon and overdue notifications stop counting."""
    return notify.resolve_prefix(session, f"reminder:{entry.id}:", now)

