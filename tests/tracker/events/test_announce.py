"""Analysis alerts announced once through notify: to opinion staff in-app and by e-mail and
to the robots, held in quiet hours unless 重大/特别重大, never for an alert already triaged."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from tracker.events.announce import announce_alerts
from tracker.models import User, events
from tracker.models.ops import Delivery, Notification
from tracker.vocabulary import EVENT_LEVEL_RANKS

SH = ZoneInfo("Asia/Shanghai")


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def staff(session):
    # Alerts and staff other tests left behind must not count (rolled back afterwards).
    session.execute(update(User).values(active=False))
    session.execute(update(events.Alert).values(announced_at=sh("2025-01-01 00:00")))
    user = User(username="alert-staff", display_name="王舆情", role_code="opinion_staff",
                email="wang@gov.example", password_hash="-", failed_logins=0, active=True)
    session.add(user)
    session.flush()
    return user


def alert(session, level: str, *, quiet: bool = False, status: str = "new"):
    at = sh("2025-11-17 09:00")
    event = events.Event(cluster_key=f"k-{level}-{quiet}-{status}", title="某小区供暖不热",
                         first_seen_at=at, last_seen_at=at)
    session.add(event)
    session.flush()
    row = events.Alert(event_id=event.id, level=level, level_rank=EVENT_LEVEL_RANKS[level],
                       hotness=42.0, reason="48 条相关信息，6 小时内增长 5 倍，负面占比 72%",
                       department="市住建局", status=status, quiet=quiet, created_at=at)
    session.add(row)
    session.flush()
    return row


def test_each_alert_is_announced_once(session, settings, staff):
    settings = dataclasses.replace(settings, smtp_host="127.0.0.1")
    first = alert(session, "较大")
    assert announce_alerts(session, settings, sh("2025-11-17 10:00")) == 1
    assert announce_alerts(session, settings, sh("2025-11-17 10:05")) == 0
    note = session.scalar(select(Notification).where(Notification.user_id == staff.id))
    assert note.title == "【较大】某小区供暖不热" and note.link == f"/alerts/{first.id}"
    assert "负面占比 72%" in note.body and "建议承办部门：市住建局" in note.body
    mail = session.scalar(select(Delivery).where(Delivery.recipient == "wang@gov.example"))
    assert mail.event_key == f"alert:{first.id}" and mail.status == "pending"
    assert first.announced_at == sh("2025-11-17 10:00")


def test_quiet_hours_hold_lower_levels_only(session, settings, staff):
    low = alert(session, "较大", quiet=True)
    high = alert(session, "重大", quiet=True)
    assert announce_alerts(session, settings, sh("2025-11-17 23:30")) == 1
    assert high.announced_at is not None and low.announced_at is None
    assert announce_alerts(session, settings, sh("2025-11-18 08:00")) == 1
    assert low.announced_at == sh("2025-11-18 08:00")


def test_an_alert_triaged_before_announcement_is_not_pushed(session, settings, staff):
    dismissed = alert(session, "一般", status="dismissed")
    assert announce_alerts(session, settings, sh("2025-11-17 10:00")) == 0
    assert dismissed.announced_at is not None
    assert session.scalar(select(Notification).where(Notification.user_id == staff.id)) is None
