"""Announce the alerts the analysis job raised: in-app, e-mail and group robots.

The analysis raises at most one alert per event and level (``alerts``); each becomes one
:class:`~tracker.notify.Message` with the key ``alert:<id>``, so it is never announced twice.
An alert raised inside quiet hours (its ``quiet`` flag) waits in the triage queue and is
pushed when they end, unless it is 重大 or 特别重大.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tracker import notify
from tracker.events.alerts import due_announcements
from tracker.ledger import ReminderPolicy, is_quiet, is_urgent
from tracker.models import utcnow
from tracker.settings import Settings


def alert_quiet(settings: Settings) -> ReminderPolicy:
    """Public opinion does not rest at weekends: only nights (local time) are quiet."""
    return ReminderPolicy(quiet_on_rest_days=False, timezone=settings.timezone)


def _always_workday(_day) -> bool:
    return True


def alert_message(alert) -> notify.Message:
    """The words of one alert."""
    event = alert.event
    department = f"建议承办部门：{alert.department}。" if alert.department else ""
    return notify.Message(
        kind="alert", level=alert.level, title=f"【{alert.level}】{event.title}"[:256],
        body=f"{alert.reason}。{department}", link=f"/alerts/{alert.id}",
        key=f"alert:{alert.id}")


def announce_alerts(session: Session, settings: Settings, now: datetime | None = None,
                    policy: ReminderPolicy | None = None) -> int:
    """Notify about alerts nobody was told of yet; return how many were announced."""
    policy = policy or alert_quiet(settings)
    now = now or utcnow()
    quiet_now = is_quiet(now, policy, _always_workday)
    announced = 0
    for alert in due_announcements(session):
        if alert.status != "new":
            alert.announced_at = now  # triaged before anyone was told: nothing to push
            continue
        if alert.quiet and quiet_now and not is_urgent(alert.level, policy):
            continue
        notify.notify(session, settings, alert_message(alert), now=now)
        alert.announced_at = now
        announced += 1
    session.flush()
    return announced
