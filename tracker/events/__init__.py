"""Monitoring: the analysis job, the event store, hot issues, alerts, the triage queue and
triage actions.

- :mod:`tracker.events.analyze`: the analysis job (score, cluster, rate, raise alerts)
- :mod:`tracker.events.store`: events in SQL as the clusterer sees them
- :mod:`tracker.events.figures`: the figures every page shows (count, sentiment mix, negative
  share), computed once
- :mod:`tracker.events.hot`: event members, hotness and the hot-issue ranking
- :mod:`tracker.events.alerts`: one alert per event and level (where an alert is raised)
- :mod:`tracker.events.announce`: new alerts announced through :mod:`tracker.notify`
- :mod:`tracker.events.triage_queue`, :mod:`tracker.events.triage`: what staff see and do
- :mod:`tracker.events.inbox`: new alerts and today's hot issues for the work inbox
"""

from __future__ import annotations

from tracker.events.alerts import due_announcements
from tracker.events.analyze import analysis_config, run_analysis
from tracker.events.announce import announce_alerts
from tracker.events.figures import (
    TONES,
    UNANALYSED,
    EventFigures,
    alert_event,
    alerted_count,
    event_figures,
    mention_tones,
    tone,
    tone_mix,
)
from tracker.events.hot import HotConfig, rank
from tracker.events.inbox import AlertRow, HotRow, hot_today, new_alerts
from tracker.events.triage import (
    TriageError,
    correct_sentiment,
    dismiss_alert,
    escalate_alert,
    merge_events,
    restore_sentiment,
)
from tracker.events.triage_queue import (
    SORTS,
    STATUSES,
    event_detail,
    merge_targets,
    queue,
)

__all__ = [
    "AlertRow",
    "HotRow",
    "hot_today",
    "new_alerts",
    "HotConfig",
    "analysis_config",
    "announce_alerts",
    "due_announcements",
    "rank",
    "run_analysis",
    "SORTS",
    "STATUSES",
    "TriageError",
    "correct_sentiment",
    "dismiss_alert",
    "escalate_alert",
    "event_detail",
    "merge_events",
    "merge_targets",
    "queue",
    "restore_sentiment",
    "TONES",
    "UNANALYSED",
    "EventFigures",
    "alert_event",
    "alerted_count",
    "event_figures",
    "mention_tones",
    "tone",
    "tone_mix",
]
