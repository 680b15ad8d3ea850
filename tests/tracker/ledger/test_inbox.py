"""The work inbox's lists and the ledger's notices, on SQLite and PostgreSQL: a responder's
cases are their department's only, returned replies first; leaders hear of replies waiting
for 审签, responders of cases assigned to them, drafters of returned replies; a closed entry's
reminders stop counting and are never sent."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.tracker.ledger.factory import (
    HOUSING,
    TRANSPORT,
    actor,
    context,
    department_id,
    local,
    other_responder,
)
from tracker import notify
from tracker.deadlines import SHANGHAI, WorkCalendar
from tracker.ledger import (
    ReminderPolicy,
    awaiting_approval,
    countdown,
    department_cases,
    open_opinion_entry,
    overdue_by_department,
    perform,
    remind_entry,
    unrouted_messages,
    waiting_on_staff,
)
from tracker.ledger.escalation import steps_taken
from tracker.models import Notification, User
from tracker.models.ledger import LedgerEntry
from tracker.models.ops import ReminderLog

NOW = local("2025-09-29 10:00")  # a Monday, the day before the 国庆 holidays


@pytest.mark.parametrize(("due", "text", "tone"), [
    ("2025-09-29 14:00", "今日到期，剩余 4 小时", "warn"),
    ("2025-09-29 10:30", "今日到期，剩余 30 分钟", "warn"),
    ("2025-09-30 08:00", "剩余 22 小时", "warn"),
    ("2025-10-09 17:00", "剩余 2 个工作日", "ok"),  # 30 Sept, then 9 Oct after the holidays
    ("2025-10-03 12:00", "剩余 1 个工作日", "ok"),  # 30 Sept is the last working day
    ("2025-09-27 09:00", "已超期 2 天", "bad"),
    ("2025-09-29 07:00", "已超期 3 小时", "bad"),
    (None, "未设时限", "none"),
])
def test_countdown_words(due, text, tone):
    found = countdown(local(due) if due else None, NOW, WorkCalendar().is_workday, SHANGHAI)
    assert (found.text, found.tone) == (text, tone)


def test_countdown_inside_the_holidays_counts_calendar_days():
    found = countdown(local("2025-10-04 12:00"), local("2025-10-01 10:00"),
                      WorkCalendar().is_workday, SHANGHAI)
    assert (found.text, found.tone) == ("剩余 3 天", "ok")


def test_countdown_of_a_paused_entry():
    assert countdown(local("2025-09-27 09:00"), NOW, WorkCalendar().is_workday, SHANGHAI,
                     paused=True).text == "期限暂停"


@pytest.fixture
def office(session, demo_users):
    """Staff, the housing responder (demo), a transport responder, a leader; a unique tag."""
    other_responder(session)
    return {"staff": actor(session, "staff"), "housing": actor(session, "responder"),
            "transport": actor(session, "transport"), "leader": actor(session, "leader"),
            "tag": uuid.uuid4().hex[:8]}


def opinion(session, settings, office, title, dept=None, co=None, found="2025-09-29 08:00"):
    """An opinion entry, assessed and (when ``dept`` is given) assigned."""
    ctx, staff = context(), office["staff"]
    entry = open_opinion_entry(session, title=f"{title} {office['tag']}", summary="内容",
                               source="论坛", url=None, found_at=local(found),
                               first_published_at=None, level="一般", actor_id=staff.id,
                               ctx=ctx)
    perform(session, entry, "assess", staff, ctx=ctx, now=local(found), settings=settings)
    if dept:
        data = {"lead_department_id": department_id(session, dept)}
        if co:
            data["co_department_ids"] = [department_id(session, co)]
        perform(session, entry, "assign", staff, data=data, ctx=ctx, now=local(found),
                settings=settings)
    return entry


def notes(session, user_id, kind=None):
    query = select(Notification).where(Notification.user_id == user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.id)))


def ids(listing):
    return [getattr(row, "entry", row).id for row in listing.rows]


def test_a_department_sees_its_own_cases_returned_first(session, settings, office):
    ctx = context()
    own = opinion(session, settings, office, "住建牵头", HOUSING, found="2025-09-29 09:00")
    helping = opinion(session, settings, office, "交通牵头住建协办", TRANSPORT, co=HOUSING)
    other = opinion(session, settings, office, "交通独办", TRANSPORT)
    returned = opinion(session, settings, office, "被退回", HOUSING, found="2025-09-29 09:30")
    housing, leader = office["housing"], office["leader"]
    for action, who, data in (("accept", housing, {}), ("submit", housing, {"content": "已处理"}),
                              ("reject", leader, {"note": "请写明整改时限"})):
        perform(session, returned, action, who, data=data, ctx=ctx, now=local("2025-09-29 09:40"),
                settings=settings)
    mine = department_cases(session, department_id(session, HOUSING))
    tagged = [c for c in mine.rows if office["tag"] in c.entry.title]
    assert [c.entry.id for c in tagged] == [returned.id, helping.id, own.id]  # then by due time
    assert tagged[0].returned_note == "请写明整改时限" and tagged[0].lead
    assert not tagged[1].lead and tagged[2].returned_note is None
    assert other.id not in [c.entry.id for c in mine.rows]
    theirs = department_cases(session, department_id(session, TRANSPORT))
    assert {helping.id, other.id} <= {c.entry.id for c in theirs.rows}
    assert own.id not in {c.entry.id for c in theirs.rows}


def test_assignment_notifies_the_departments_responders(session, settings, office):
    entry = opinion(session, settings, office, "交办通知", HOUSING, co=TRANSPORT)
    lead = notes(session, office["housing"].id, "assigned")
    co = notes(session, office["transport"].id, "assigned")
    assert [n.link for n in lead] == [f"/ledger/{entry.id}"]
    assert "牵头" in lead[0].body and "协办" in co[0].body and "牵头单位" in co[0].body
    assert notes(session, office["leader"].id, "assigned") == []
    # reassigning the same departments tells nobody again; a new lead department is told
    ctx = context()
    perform(session, entry, "reassign", office["staff"], ctx=ctx, now=local("2025-09-29 08:30"),
            data={"lead_department_id": department_id(session, HOUSING),
                  "co_department_ids": [department_id(session, TRANSPORT)]}, settings=settings)
    assert len(notes(session, office["housing"].id, "assigned")) == 1
    perform(session, entry, "reassign", office["staff"], ctx=ctx, now=local("2025-09-29 08:40"),
            data={"lead_department_id": department_id(session, TRANSPORT)}, settings=settings)
    assert len(notes(session, office["transport"].id, "assigned")) == 2


def test_submit_tells_leaders_and_a_return_tells_the_drafter(session, settings, office):
    ctx, housing, leader = context(), office["housing"], office["leader"]
    entry = opinion(session, settings, office, "待审签", HOUSING)
    perform(session, entry, "accept", housing, ctx=ctx, now=NOW, settings=settings)
    perform(session, entry, "submit", housing, data={"content": "经核实，已于今日修复。"},
            ctx=ctx, now=NOW, settings=settings)
    waiting = notes(session, leader.id, "approval")
    assert len(waiting) == 1 and "经核实，已于今日修复" in waiting[0].body
    pending = awaiting_approval(session)
    row = next(p for p in pending.rows if p.entry.id == entry.id)
    assert row.response.content == "经核实，已于今日修复。"
    assert notify.unread_count(session, leader.id) >= 1
    before = notify.unread_count(session, leader.id)
    perform(session, entry, "reject", leader, data={"note": "请补充整改时限"}, ctx=ctx, now=NOW,
            settings=settings)
    returned = notes(session, housing.id, "returned")
    assert len(returned) == 1 and "请补充整改时限" in returned[0].body
    session.refresh(waiting[0])
    assert waiting[0].resolved_at is not None  # decided: no longer counts on the badge
    assert notify.unread_count(session, leader.id) == before - 1
    assert entry.id not in [p.entry.id for p in awaiting_approval(session).rows]


def test_staff_lists_unrouted_messages_and_their_own_steps(session, settings, office):
    registered = opinion(session, settings, office, "待研判")  # assessed, not assigned
    message = LedgerEntry(kind="message", status="accepted", title=f"留言 {office['tag']}",
                          received_at=NOW, due_at=local("2025-10-15 17:00"))
    routed = LedgerEntry(kind="message", status="accepted", title=f"已分 {office['tag']}",
                         received_at=NOW, lead_department_id=department_id(session, HOUSING))
    reviewing = LedgerEntry(kind="message", status="review", title=f"待审核 {office['tag']}",
                            received_at=NOW, lead_department_id=department_id(session, HOUSING))
    session.add_all([message, routed, reviewing])
    session.flush()
    unrouted = ids(unrouted_messages(session, limit=10_000))
    assert message.id in unrouted and routed.id not in unrouted
    waiting = ids(waiting_on_staff(session, limit=10_000))
    assert registered.id in waiting and reviewing.id in waiting and routed.id not in waiting


def test_overdue_counted_by_department(session, settings, office):
    opinion(session, settings, office, "超期一", HOUSING, found="2025-09-20 08:00")
    opinion(session, settings, office, "超期二", HOUSING, found="2025-09-21 08:00")
    opinion(session, settings, office, "未超期", TRANSPORT)
    counts = {d.name: d.count for d in overdue_by_department(session, NOW)}
    later = {d.name: d.count for d in overdue_by_department(session, local("2025-09-19 08:00"))}
    assert counts.get(HOUSING, 0) - later.get(HOUSING, 0) >= 2


def test_a_reminder_for_a_closed_entry_is_skipped_and_stale_ones_resolved(session, settings,
                                                                           office):
    ctx, housing, leader = context(), office["housing"], office["leader"]
    entry = opinion(session, settings, office, "到期提醒", HOUSING, found="2025-09-27 10:00")
    user = session.scalar(select(User).where(User.username == "responder"))
    entry.responsible_user_id = user.id
    policy, is_workday = ReminderPolicy(), WorkCalendar().is_workday
    due = entry.due_at
    counts = {"sent": 0, "skipped": 0, "deferred": 0, "no_recipient": 0}
    remind_entry(session, settings, entry, due, policy, is_workday, set(), counts)
    assert counts["sent"] == 1
    sent = notes(session, user.id, "reminder")
    assert "当前状态：交办" in sent[0].body  # the state when it was sent
    # the reply goes out: the reminder no longer counts, later steps are never sent
    for action, who, data in (("accept", housing, {}), ("submit", housing, {"content": "答复"}),
                              ("approve", leader, {})):
        perform(session, entry, action, who, data=data, ctx=ctx, now=due, settings=settings)
    session.refresh(sent[0])
    assert sent[0].resolved_at is not None
    later = local("2025-10-20 10:00")
    taken = steps_taken(session, [entry.id]).get(entry.id, set())
    counts = {"sent": 0, "skipped": 0, "deferred": 0, "no_recipient": 0}
    remind_entry(session, settings, entry, later, policy, is_workday, taken, counts)
    assert counts["sent"] == 0 and counts["skipped"] >= 1
    assert len(notes(session, user.id, "reminder")) == 1
    assert notes(session, office["leader"].id, "escalation") == []
    outcomes = session.scalars(select(ReminderLog.outcome).where(
        ReminderLog.entry_id == entry.id)).all()
    assert outcomes.count("sent") == 1 and "skipped" in outcomes


def test_answering_an_entry_cancels_its_unsent_reminder_mails(session, tmp_path, office):
    from tracker.models import Delivery
    from tracker.settings import load_settings

    mail = load_settings({"YUQING_ENV": "test", "YUQING_DATA_DIR": str(tmp_path),
                          "YUQING_SECRET_KEY": "test-secret-key-0123456789",
                          "YUQING_SMTP_HOST": "127.0.0.1"})
    ctx, housing, leader = context(), office["housing"], office["leader"]
    user = session.scalar(select(User).where(User.username == "responder"))
    user.email = "li@example.invalid"
    entry = opinion(session, mail, office, "邮件提醒", HOUSING, found="2025-09-27 10:00")
    entry.responsible_user_id = user.id
    counts = {"sent": 0, "skipped": 0, "deferred": 0, "no_recipient": 0}
    remind_entry(session, mail, entry, entry.due_at, ReminderPolicy(), WorkCalendar().is_workday,
                 set(), counts)
    key = f"reminder:{entry.id}:"
    mails = session.scalars(select(Delivery).where(Delivery.event_key.startswith(key))).all()
    assert [m.status for m in mails] == ["pending"]
    assigned = session.scalars(select(Delivery).where(
        Delivery.event_key.startswith(f"ledger:{entry.id}:assigned:"))).all()
    assert assigned and all(m.recipient == "li@example.invalid" for m in assigned)
    for action, who, data in (("accept", housing, {}), ("submit", housing, {"content": "答复"}),
                              ("approve", leader, {})):
        perform(session, entry, action, who, data=data, ctx=ctx, now=entry.due_at, settings=mail)
    session.expire_all()
    mails = session.scalars(select(Delivery).where(Delivery.event_key.startswith(key))).all()
    assert [m.status for m in mails] == ["cancelled"]
    assert all(m.status == "pending" for m in assigned)  # other messages are not touched
