"""The reminder run over the ledger: open entries → :func:`tracker.ledger.reminders.decide` →
notifications to the responsible person, the department head, the supervising leader.

Every step taken (sent, skipped as superseded, or without anyone to tell) is written to
``reminder_log``, whose unique (entry, step) key makes a repeat impossible even if two runs
overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker import notify
from tracker.deadlines import load_calendar
from tracker.ledger.inbox import is_open
from tracker.ledger.reminders import (
    AUDIENCE_LABELS,
    Audience,
    EntryClock,
    ReminderPolicy,
    Step,
    decide,
    remaining_text,
    step_key,
)
from tracker.ledger.states import FINAL
from tracker.models import User
from tracker.models.ledger import LedgerEntry
from tracker.models.ops import EscalationContact, ReminderLog
from tracker.settings import Settings
from tracker.vocabulary import LEVEL_LABELS, status_label

log = logging.getLogger(__name__)

#: Past this, every step of an entry has long been taken: it is not looked at again.
LAST_STEP_WITHIN = timedelta(days=30)


def open_entries(session: Session, now: datetime, policy: ReminderPolicy) -> list[LedgerEntry]:
    """Entries still waiting for their reply whose steps may be due (first one to last)."""
    horizon = now + max(policy.before, default=timedelta(0))
    finals = [status for statuses in FINAL.values() for status in statuses]
    return list(session.scalars(select(LedgerEntry).where(
        LedgerEntry.due_at.is_not(None), LedgerEntry.due_at <= horizon,
        LedgerEntry.due_at >= now - LAST_STEP_WITHIN,
        LedgerEntry.replied_at.is_(None), LedgerEntry.closed_at.is_(None),
        LedgerEntry.paused_since.is_(None), LedgerEntry.status.not_in(finals),
    ).order_by(LedgerEntry.due_at, LedgerEntry.id)))


def recipients(session: Session, entry: LedgerEntry, audience: Audience) -> list[int]:
    """Who hears a step: the responsible person, the head of the lead department, leaders."""
    if audience is Audience.RESPONSIBLE:
        return [entry.responsible_user_id] if entry.responsible_user_id else []
    tier = "head" if audience is Audience.DEPARTMENT_HEAD else "leader"
    contacts = list(session.scalars(select(EscalationContact.user_id).where(
        EscalationContact.tier == tier,
        or_(EscalationContact.department_id == entry.lead_department_id,
            EscalationContact.department_id.is_(None)))))
    if contacts or tier == "head":
        return sorted(set(contacts))
    return list(session.scalars(select(User.id).where(User.role_code == "leader",
                                                      User.active.is_(True)).order_by(User.id)))


def reminder_message(entry: LedgerEntry, step: Step, now: datetime,
                     settings: Settings) -> notify.Message:
    """The words of one reminder."""
    due_local = entry.due_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    status = status_label(entry.kind, entry.status)
    level = LEVEL_LABELS.get(entry.level or "", entry.level or "")
    escalated = step.audience is not Audience.RESPONSIBLE
    body = (f"台账 #{entry.id}“{entry.title}”{'（' + level + '）' if level else ''}"
            f"办理时限 {due_local}，{remaining_text(entry.due_at, now)}；当前状态：{status}"
            f"；责任人：{entry.responsible_person or '未指定'}。")
    if escalated:
        body += f"请{AUDIENCE_LABELS[step.audience]}督促办理。"
    return notify.Message(
        kind="escalation" if escalated else "reminder", level=entry.level,
        title=f"【{step.label}】{entry.title}"[:256], body=body, link=f"/ledger/{entry.id}",
        key=f"reminder:{entry.id}:{step_key(step, entry.due_at)}")


def _log(session: Session, entry: LedgerEntry, step: Step, outcome: str,
         users: list[int], now: datetime) -> None:
    session.add(ReminderLog(entry_id=entry.id, step=step_key(step, entry.due_at),
                            audience=step.audience.value, outcome=outcome, recipients=users,
                            due_at=entry.due_at, at=now))


def steps_taken(session: Session, entry_ids: list[int], chunk: int = 500) -> dict[int, set[str]]:
    """The step keys already taken, per entry (one query per chunk of entries)."""
    taken: dict[int, set[str]] = {}
    for start in range(0, len(entry_ids), chunk):
        rows = session.execute(select(ReminderLog.entry_id, ReminderLog.step).where(
            ReminderLog.entry_id.in_(entry_ids[start:start + chunk])))
        for entry_id, step in rows:
            taken.setdefault(entry_id, set()).add(step)
    return taken


def calendar_of(session: Session) -> Callable[[date], bool]:
    """The working-day test, with the admin-entered days and complete years."""
    return load_calendar(session).is_workday


def send_reminders(session: Session, settings: Settings, now: datetime,
                   policy: ReminderPolicy | None = None) -> dict:
    """Take every due reminder step of every open entry; return counts."""
    policy = policy or ReminderPolicy(timezone=settings.timezone)
    is_workday = calendar_of(session)
    counts = {"entries": 0, "sent": 0, "skipped": 0, "deferred": 0, "no_recipient": 0}
    entries = open_entries(session, now, policy)
    taken = steps_taken(session, [e.id for e in entries])
    for entry in entries:
        counts["entries"] += 1
        remind_entry(session, settings, entry, now, policy, is_workday,
                     taken.get(entry.id, set()), counts)
        session.flush()
    return counts


def remind_entry(session: Session, settings: Settings, entry: LedgerEntry, now: datetime,
                 policy: ReminderPolicy, is_workday: Callable[[date], bool], taken: set[str],
                 counts: dict) -> None:
    """Take the due steps of one entry; its state is read again first, so a step for an entry
    answered or closed meanwhile is logged as skipped and never sent."""
    decision = decide(EntryClock(entry.id, entry.due_at, entry.level, open=True), now, taken,
                      policy, is_workday)
    skip, send = list(decision.skip), list(decision.send)
    if send:
        session.refresh(entry, ["status", "replied_at", "closed_at", "paused_since"])
        if not is_open(entry) or entry.paused_since is not None:
            log.info("reminders for ledger entry %d skipped: %s", entry.id, entry.status)
            skip, send = skip + send, []
    for step in skip:
        _log(session, entry, step, "skipped", [], now)
        counts["skipped"] += 1
    counts["deferred"] += 1 if decision.deferred_until else 0
    for step in send:
        users = recipients(session, entry, step.audience)
        if users:
            notify.notify(session, settings, reminder_message(entry, step, now, settings),
                          users=users, now=now)
        outcome = "sent" if users else "no_recipient"
        _log(session, entry, step, outcome, users, now)
        counts[outcome] += 1
