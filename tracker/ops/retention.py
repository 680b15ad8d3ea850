"""Retention: old operational and raw data is deleted by policy, ledger data never.

Ledger entries, their audit trail and the reminder log are evidence and are kept. What goes:
finished crawl runs (their HTTP counts and error samples are raw crawl data), job runs, sent
or failed deliveries, read notifications, scheduler heartbeats, done job commands, and crawl
log files of child processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tracker.models import CrawlRun
from tracker.models.ops import Delivery, JobCommand, JobRun, Notification, SchedulerBeat


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days each kind of data is kept."""

    crawl_runs_days: int = 180
    job_runs_days: int = 90
    deliveries_days: int = 180
    notifications_days: int = 180
    heartbeats_days: int = 30
    logs_days: int = 30


def cutoffs(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    """The moment before which each kind of data goes."""
    return {name.removesuffix("_days"): now - timedelta(days=days)
            for name, days in vars(policy).items()}


def _prune_logs(folder: Path, before: datetime) -> int:
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob("*.log*"):
        if path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def apply_retention(session: Session, policy: RetentionPolicy, now: datetime,
                    logs: Path | None = None) -> dict[str, int]:
    """Delete what the policy lets go; return how many rows (and files) went."""
    cut = cutoffs(policy, now)
    statements = {
        "crawl_runs": delete(CrawlRun).where(CrawlRun.started_at < cut["crawl_runs"],
                                             CrawlRun.status != "running"),
        "job_runs": delete(JobRun).where(JobRun.started_at < cut["job_runs"],
                                         JobRun.status != "running"),
        "deliveries": delete(Delivery).where(Delivery.created_at < cut["deliveries"],
                                             Delivery.status.in_(["sent", "failed", "cancelled"])),
        "notifications": delete(Notification).where(
            Notification.created_at < cut["notifications"], Notification.read_at.is_not(None)),
        "heartbeats": delete(SchedulerBeat).where(SchedulerBeat.beat_at < cut["heartbeats"]),
        "job_commands": delete(JobCommand).where(JobCommand.requested_at < cut["job_runs"],
                                                 JobCommand.done_at.is_not(None)),
    }
    counts = {name: session.execute(stmt).rowcount for name, stmt in statements.items()}
    counts["log_files"] = _prune_logs(logs, cut["logs"]) if logs else 0
    return counts
