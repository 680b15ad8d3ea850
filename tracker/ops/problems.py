"""What needs the admin's eye on the work inbox: failing sources, failed jobs, failed deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Delivery, JobRun, Source, SourceHealth
from tracker.ops.definitions import JOB_LABELS

#: Source health states that need a look (see tracker.collection.health).
PROBLEM_STATES = ("failing", "quiet", "stale")


@dataclass(frozen=True)
class SourceProblem:
    """A source whose last health check found it failing, quiet or stale."""

    source_id: int
    title: str
    state: str
    reason: str | None
    since: datetime


@dataclass(frozen=True)
class FailedJob:
    """A job whose latest run ended in an error."""

    job_id: str
    label: str
    at: datetime
    error: str | None


def source_problems(session: Session, limit: int = 20) -> list[SourceProblem]:
    """Enabled sources in a problem state, longest-standing first."""
    rows = session.execute(
        select(Source.id, Source.title, SourceHealth.state, SourceHealth.reason,
               SourceHealth.since)
        .join(SourceHealth, SourceHealth.source_id == Source.id)
        .where(Source.enabled.is_(True), SourceHealth.state.in_(PROBLEM_STATES))
        .order_by(SourceHealth.since, Source.name).limit(limit)).all()
    return [SourceProblem(*row) for row in rows]


def job_label(session: Session, job_id: str) -> str:
    """A job's name in words (a crawl job by its source's title)."""
    if job_id.startswith("crawl:"):
        title = session.scalar(select(Source.title).where(Source.name == job_id[6:]))
        return f"抓取：{title or '已删除的信息源'}"
    return JOB_LABELS.get(job_id, "其他任务")


def failed_jobs(session: Session, limit: int = 20) -> list[FailedJob]:
    """Jobs whose most recent finished run failed, newest first."""
    latest = (select(JobRun.job_id, func.max(JobRun.id).label("run_id"))
              .where(JobRun.status != "running").group_by(JobRun.job_id).subquery())
    rows = session.execute(
        select(JobRun.job_id, JobRun.finished_at, JobRun.started_at, JobRun.error)
        .join(latest, latest.c.run_id == JobRun.id).where(JobRun.status == "error")
        .order_by(JobRun.id.desc()).limit(limit)).all()
    return [FailedJob(job, job_label(session, job), finished or started, error)
            for job, finished, started, error in rows]


def failed_deliveries(session: Session) -> int:
    """How many notification deliveries gave up."""
    return session.scalar(select(func.count()).select_from(Delivery)
                          .where(Delivery.status == "failed")) or 0
