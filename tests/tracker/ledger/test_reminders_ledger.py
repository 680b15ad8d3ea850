"""The reminder run over real ledger rows: who is told at each step, across 国庆 and its
调休 Saturday, with quiet hours, and never twice (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tracker.ledger.escalation import send_reminders
from tracker.models import Department, User
from tracker.models.ledger import LedgerEntry
from tracker.models.ops import EscalationContact, Notification, ReminderLog

SH = ZoneInfo("Asia/Shanghai")


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def person(session, username: str, role: str, department: Department | None = None) -> User:
    user = User(username=username, display_name=username, role_code=role, password_hash="-",
                failed_logins=0, active=True, department_id=department.id if department else None)
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def office(session):
    """A department with a responder, its head (an escalation contact) and a leader."""
    dept = Department(name="市住房和城乡建设局（提醒测试）")
    session.add(dept)
    session.flush()
    people = {"responder": person(session, "li-rem", "responder", dept),
              "head": person(session, "zhou-head", "responder", dept),
              "leader": person(session, "zhang-lead", "leader")}
    session.add(EscalationContact(department_id=dept.id, tier="head", user_id=people["head"].id))
    session.flush()
    return dept, people


def entry(session, dept, responsible: User | None, due: str, **extra) -> LedgerEntry:
    extra.setdefault("level", "larger")
    row = LedgerEntry(kind="opinion", status="handling", title="某小区供暖不热问题",
                      received_at=sh("2025-09-28 09:00"), due_at=sh(due),
                      lead_department_id=dept.id, responsible_person="李办理",
                      responsible_user_id=responsible.id if responsible else None, **extra)
    session.add(row)
    session.flush()
    return row


def told(session, user: User) -> list[tuple[str, str]]:
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id))
    return [(n.kind, n.title.split("】")[0] + "】") for n in rows]


def test_steps_reach_the_right_people_across_national_day(session, settings, office):
    dept, people = office
    row = entry(session, dept, people["responder"], "2025-09-30 16:00")
    runs = {}
    for at in ("2025-09-29 16:00", "2025-09-29 16:05", "2025-09-30 16:00", "2025-10-03 10:00",
               "2025-10-09 16:00", "2025-10-11 16:00", "2025-10-11 16:05"):
        runs[at] = send_reminders(session, settings, sh(at))
    assert runs["2025-09-29 16:00"]["sent"] == 1 and runs["2025-09-29 16:05"]["sent"] == 0
    assert runs["2025-09-30 16:00"] | {} == {"entries": 1, "sent": 1, "skipped": 1,
                                            "deferred": 0, "no_recipient": 0}
    assert runs["2025-10-03 10:00"]["sent"] == 0  # in the holiday nothing is due yet
    assert told(session, people["responder"]) == [("reminder", "【到期前24小时提醒】"),
                                                  ("reminder", "【到期提醒】")]
    assert told(session, people["head"]) == [("escalation", "【超期督办（部门负责人）】")]
    assert told(session, people["leader"]) == [("escalation", "【超期督办（分管领导）】")]
    log = session.scalars(select(ReminderLog).where(ReminderLog.entry_id == row.id)
                          .order_by(ReminderLog.id)).all()
    assert [(r.step.split("@")[0], r.outcome) for r in log] == [
        ("before:1440m", "sent"), ("before:120m", "skipped"), ("due", "sent"),
        ("overdue:head", "sent"), ("overdue:leader", "sent")]
    assert log[3].recipients == [people["head"].id]
    body = session.scalars(select(Notification.body).where(
        Notification.user_id == people["head"].id)).one()
    assert "已超期 9 天" in body and "请部门负责人督促办理" in body


def test_quiet_holiday_defers_and_answered_entries_stay_silent(session, settings, office):
    dept, people = office
    entry(session, dept, people["responder"], "2025-10-02 10:00")
    entry(session, dept, people["responder"], "2025-10-02 11:00",
          replied_at=sh("2025-09-30 12:00"))
    result = send_reminders(session, settings, sh("2025-10-01 10:00"))  # National Day
    assert result == {"entries": 1, "sent": 0, "skipped": 0, "deferred": 1, "no_recipient": 0}
    assert told(session, people["responder"]) == []
    critical = entry(session, dept, people["responder"], "2025-10-02 12:00", level="critical")
    assert send_reminders(session, settings, sh("2025-10-01 12:00"))["sent"] == 1
    assert session.scalars(select(Notification.level).where(
        Notification.user_id == people["responder"].id)).all() == [critical.level]


def test_no_responsible_person_is_logged_once(session, settings, office):
    dept, _people = office
    entry(session, dept, None, "2025-11-18 10:00")
    first = send_reminders(session, settings, sh("2025-11-17 10:00"))
    again = send_reminders(session, settings, sh("2025-11-17 11:00"))
    assert first["no_recipient"] == 1 and again["no_recipient"] == 0


def test_an_extended_deadline_starts_the_reminders_again(session, settings, office):
    dept, people = office
    row = entry(session, dept, people["responder"], "2025-11-18 10:00")
    send_reminders(session, settings, sh("2025-11-17 10:00"))
    row.due_at = sh("2025-11-25 10:00")  # an approved extension
    session.flush()
    assert send_reminders(session, settings, sh("2025-11-17 10:30"))["sent"] == 0
    assert send_reminders(session, settings, sh("2025-11-24 10:00"))["sent"] == 1
    assert len(told(session, people["responder"])) == 2
