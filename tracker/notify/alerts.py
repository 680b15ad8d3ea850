"""Announce the alerts the analysis job raised: in-app queue, e-mail and robots.

The analysis (issue 5) raises at most one alert per event and level; each becomes one
:class:`~tracker.notify.Message` whose key ``alert:<id>`` keeps it from being announced
twice. Until the analysis issue's alert table exists there is nothing to announce.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tracker.settings import Settings


def announce_alerts(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Notify about alerts nobody was told of yet; return how many were announced."""
    return 0
