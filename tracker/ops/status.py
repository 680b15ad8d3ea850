"""The scheduled jobs and the scheduler process as ``yuqing jobs`` and the admin page show
them, read from the database without a running scheduler."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import utcnow
from tracker.models.ops import JobRun, SchedulerBeat, scheduler_jobs
from tracker.ops.definitions import Timing, job_definitions
from tracker.ops.describe import describe_trigger
from tracker.settings import Settings

#: A heartbeat older than this means the scheduler is gone (on SQLite it waits its turn
#: while a crawl or the analysis writes, so this is generous).
BEAT_STALE = timedelta(seconds=120)


@dataclass(frozen=True)
class JobInfo:
    """One job as ``yuqing jobs`` and the admin page show it."""

    id: str
    name: str
    trigger: str
    next_run: datetime | None
    paused: bool
    last_run: JobRun | None
    scheduled: bool = True
    schedule: str = ""  # the trigger in words (每 5 分钟), see describe_trigger

    def as_json(self) -> dict:
        """The ``yuqing jobs --json`` shape."""
        run = self.last_run
        return {"id": self.id, "name": self.name, "trigger": self.trigger,
                "next_run": self.next_run.isoformat() if self.next_run else None,
                "paused": self.paused, "scheduled": self.scheduled,
                "last_run": None if run is None else {
                    "started_at": run.started_at.isoformat(),
                    "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                    "status": run.status, "result": run.summary, "error": run.error}}


def stored_jobs(session: Session) -> list[dict[str, Any]]:
    """The job states in the job store, read without a scheduler (our own pickles)."""
    rows = session.execute(select(scheduler_jobs.c.job_state)).scalars()
    return [pickle.loads(state) for state in rows]


def last_runs(session: Session) -> dict[str, JobRun]:
    """The newest run of each job id (a run skipped because one was running does not count)."""
    newest = (select(func.max(JobRun.id)).where(JobRun.status != "skipped")
              .group_by(JobRun.job_id))
    return {run.job_id: run for run in session.scalars(select(JobRun).where(
        JobRun.id.in_(newest)))}


def list_jobs(session: Session, settings: Settings,
              timing: Timing | None = None) -> list[JobInfo]:
    """Scheduled jobs with their last runs; before the first start, the defined ones."""
    runs = last_runs(session)
    states = stored_jobs(session)
    if states:
        infos = [JobInfo(s["id"], s["name"], str(s["trigger"]), s["next_run_time"],
                         s["next_run_time"] is None, runs.get(s["id"]),
                         schedule=describe_trigger(s["trigger"])) for s in states]
    else:
        infos = [JobInfo(d.id, d.name, str(d.trigger), None, False, runs.get(d.id), False,
                         describe_trigger(d.trigger))
                 for d in job_definitions(session, settings, timing or Timing())]
    return sorted(infos, key=lambda i: (i.next_run is None, i.next_run or utcnow(), i.id))


def scheduler_status(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """Whether a scheduler process leads (a fresh leader heartbeat, see BEAT_STALE), which
    one, and the standbys waiting to take over (``standbys``: pid, host, beat_at)."""
    now = now or utcnow()
    live = session.scalars(select(SchedulerBeat).where(
        SchedulerBeat.stopped_at.is_(None), SchedulerBeat.beat_at > now - BEAT_STALE)
        .order_by(SchedulerBeat.beat_at.desc())).all()
    leader = next((b for b in live if b.role != "standby"), None)
    standbys = [{"pid": b.pid, "host": b.host, "beat_at": b.beat_at, "started_at": b.started_at}
                for b in live if b.role == "standby"]
    beat = leader or session.scalar(select(SchedulerBeat).where(
        SchedulerBeat.role != "standby").order_by(SchedulerBeat.id.desc()).limit(1))
    if beat is None:
        return {"running": False, "pid": None, "beat_at": None, "started_at": None,
                "standbys": standbys}
    return {"running": leader is not None, "pid": beat.pid, "host": beat.host,
            "beat_at": beat.beat_at, "started_at": beat.started_at, "standbys": standbys}
