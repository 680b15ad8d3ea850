"""Collection: ingest, message-board import, crawl runs, source health,
text cleaning and time parsing."""

from __future__ import annotations

from tracker.collection.health import STATE_LABELS, State

__all__ = [
    "STATE_LABELS",
    "State",
]
