"""The index the reply-time metrics read through (the ledger area owns the table itself).

Every metric of a period scans the entries received in it and reads a few time and status
columns. Without an index that carries those columns, SQLite fetches every table row
(titles and texts included): about 0.5 s per 83,000-entry month in the benchmark; with it
the scan reads the index alone.
"""

from __future__ import annotations

from sqlalchemy import Index

from tracker.models.ledger import LedgerEntry

#: The columns, in index order: the period range first, then what the metrics read.
METRICS_COLUMNS = ("received_at", "kind", "status", "lead_department_id", "replied_at",
                   "due_at", "first_ack_at", "closed_at", "paused_since", "published_at",
                   "satisfaction")

METRICS_INDEX = Index("ix_ledger_entries_metrics",
                      *(getattr(LedgerEntry, name) for name in METRICS_COLUMNS))
