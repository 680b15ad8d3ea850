"""The scheduler process (``yuqing scheduler``): APScheduler 3 with its job store in our DB.

The jobs are one list of definitions (:mod:`tracker.ops.definitions`) with explicit ids, reconciled
with the job store at start and again every minute (:func:`reconcile`): new ones are added,
changed ones replaced, removed ones deleted, unchanged ones kept with their next run time,
so a restart never duplicates or reschedules anything. Every job runs with
``max_instances=1``, coalesces missed runs and has a misfire grace time. The web app and the
CLI talk to the running process through ``job_commands`` rows (pause, resume, run now),
which the main loop applies; a heartbeat row says the process is alive (read back by
:mod:`tracker.ops.status`).

On PostgreSQL several scheduler processes may run (on different hosts): the one holding the
leadership lock (:mod:`tracker.ops.leadership`) starts APScheduler on the shared job store;
the others wait as standbys, beating as such, and the first to get the lock after the leader
died takes over. On SQLite a second process is refused (:func:`ensure_alone`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.util import obj_to_ref
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import WriterBusy, session_factory, session_scope, sqlite_writer
from tracker.models import utcnow
from tracker.models.ops import JobCommand, JobRun, SchedulerBeat
from tracker.ops.definitions import JobDef, Timing, job_definitions
from tracker.ops.leadership import Leadership, LeadershipLost
from tracker.ops.processes import allow_children, pid_alive, stop_children
from tracker.ops.runs import attach_scheduler, in_transaction, rerun_if_asked
from tracker.ops.status import (
    scheduler_status,
)
from tracker.settings import Settings

log = logging.getLogger(__name__)
ACTIONS = ("pause", "resume", "run")


def trigger_signature(trigger: Any) -> str:
    """What makes two triggers the same schedule (start dates aside)."""
    return f"{trigger}|{getattr(trigger, 'timezone', '')}|{getattr(trigger, 'jitter', None)}"


def _wanted_signature(job: JobDef, timing: Timing) -> tuple:
    return (obj_to_ref(job.func), trigger_signature(job.trigger), tuple(sorted(
        job.kwargs.items())), job.name, job.executor, 1, True, job.misfire_grace(timing))


def _stored_signature(job: Job) -> tuple:
    return (job.func_ref, trigger_signature(job.trigger), tuple(sorted(job.kwargs.items())),
            job.name, job.executor, job.max_instances, job.coalesce, job.misfire_grace_time)


def _add(scheduler: BackgroundScheduler, job: JobDef, timing: Timing, **extra: Any) -> None:
    scheduler.add_job(job.func, job.trigger, id=job.id, name=job.name, kwargs=job.kwargs,
                      executor=job.executor, max_instances=1, coalesce=True,
                      misfire_grace_time=job.misfire_grace(timing), replace_existing=True,
                      **extra)


def reconcile(scheduler: BackgroundScheduler, defs: list[JobDef], timing: Timing,
              now: datetime | None = None) -> dict[str, list[str]]:
    """Make the job store hold exactly ``defs``; return the ids added/replaced/kept/removed."""
    now = now or utcnow()
    stored = {job.id: job for job in scheduler.get_jobs()}
    result: dict[str, list[str]] = {"added": [], "replaced": [], "kept": [], "removed": []}
    for job_id in sorted(set(stored) - {d.id for d in defs}):
        scheduler.remove_job(job_id)
        result["removed"].append(job_id)
    for job in defs:
        old = stored.get(job.id)
        if old is None:
            first = now + timedelta(seconds=job.first_run) if job.first_run else None
            _add(scheduler, job, timing, **({"next_run_time": first} if first else {}))
            result["added"].append(job.id)
        elif _stored_signature(old) != _wanted_signature(job, timing):
            paused = old.next_run_time is None  # a paused job stays paused
            _add(scheduler, job, timing, **({"next_run_time": None} if paused else {}))
            result["replaced"].append(job.id)
        else:
            result["kept"].append(job.id)
    return result


def record_skips(sessions: sessionmaker[Session]) -> Callable[[JobEvent], None]:
    """A listener writing missed runs and runs skipped (one already running) to job_runs."""

    def listener(event: JobEvent) -> None:
        status = "missed" if event.code == EVENT_JOB_MISSED else "skipped"
        scheduled = getattr(event, "scheduled_run_time", None) or (
            getattr(event, "scheduled_run_times", None) or [None])[-1]
        run = JobRun(job_id=event.job_id, scheduled_at=scheduled, started_at=utcnow(),
                     finished_at=utcnow(), status=status)
        try:  # never wait here: this is the scheduler's own thread
            in_transaction(lambda session: session.add(run), sessions, wait=False)
        except Exception:  # a listener must never take the scheduler down
            log.exception("cannot record %s run of %s", status, event.job_id)

    return listener


class TurnTakingJobStore(SQLAlchemyJobStore):
    """The SQLAlchemy job store, writing only in the SQLite writer turn (see tracker.db)."""

    def __init__(self, sessions: sessionmaker[Session], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sessions = sessions

    def add_job(self, job: Job) -> None:
        with sqlite_writer(self._sessions):
            super().add_job(job)

    def update_job(self, job: Job) -> None:
        with sqlite_writer(self._sessions):
            super().update_job(job)

    def remove_job(self, job_id: str) -> None:
        with sqlite_writer(self._sessions):
            super().remove_job(job_id)


def build_scheduler(engine: Engine, settings: Settings, timing: Timing) -> BackgroundScheduler:
    """A background scheduler on our job store, with a pool for jobs and one for crawls."""
    scheduler = BackgroundScheduler(
        jobstores={"default": TurnTakingJobStore(session_factory(engine), engine=engine)},
        executors={"default": ThreadPoolExecutor(4),
                   "crawl": ThreadPoolExecutor(max(timing.crawl_workers, 1))},
        job_defaults={"max_instances": 1, "coalesce": True,
                      "misfire_grace_time": timing.misfire_grace},
        timezone=settings.tz,
    )
    scheduler.add_listener(record_skips(session_factory(engine)),
                           EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    scheduler.add_listener(lambda event: rerun_if_asked(event.job_id),
                           EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return scheduler


def apply_command(scheduler: BackgroundScheduler, job_id: str, action: str,
                  now: datetime) -> str:
    """Carry out one pause/resume/run request; return the outcome in words."""
    job = scheduler.get_job(job_id)
    if job is None:
        return "没有这个任务"
    if action == "pause":
        scheduler.pause_job(job.id)
        return "已暂停"
    if action == "resume":
        scheduler.resume_job(job.id)
        return "已恢复"
    if action == "run":
        was_paused = job.next_run_time is None
        scheduler.modify_job(job.id, next_run_time=now)
        return "已恢复并立即运行" if was_paused else "已安排立即运行"
    return f"未知操作 {action}"


def apply_commands(scheduler: BackgroundScheduler, sessions: sessionmaker[Session]) -> int:
    """Apply the pending commands in order; return how many.

    No transaction is held while the scheduler writes its job store (another connection).
    """
    pending = in_transaction(lambda session: session.execute(
        select(JobCommand.id, JobCommand.job_id, JobCommand.action)
        .where(JobCommand.done_at.is_(None)).order_by(JobCommand.id)).all(), sessions,
        wait=False)
    for command_id, job_id, action in pending:
        now = utcnow()
        try:
            outcome = apply_command(scheduler, job_id, action, now)
        except Exception as exc:  # a bad request must not stop the loop
            outcome = f"失败：{exc}"[:255]
        log.info("job command %s %s: %s", action, job_id, outcome)
        in_transaction(lambda session, i=command_id, o=outcome, t=now: session.execute(
            update(JobCommand).where(JobCommand.id == i).values(done_at=t, outcome=o)),
            sessions)
    return len(pending)


def request(session: Session, job_id: str, action: str, user_id: int | None = None) -> JobCommand:
    """Ask the scheduler process to pause, resume or run a job (the caller commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    command = JobCommand(job_id=job_id, action=action, requested_by=user_id)
    session.add(command)
    session.flush()
    return command


@dataclass
class Process:
    """One running scheduler process: the APScheduler, its sessions and its heartbeat."""

    scheduler: BackgroundScheduler
    sessions: sessionmaker[Session]
    settings: Settings
    timing: Timing
    beat_id: int | None = None
    role: str = "leader"
    last_reconcile: dict[str, list[str]] = field(default_factory=dict)

    def sync(self) -> dict[str, list[str]]:
        """Reconcile the job store with the definitions (sources may have changed)."""
        with session_scope(self.sessions, write=True) as session:
            defs = job_definitions(session, self.settings, self.timing)
        self.last_reconcile = reconcile(self.scheduler, defs, self.timing)
        return self.last_reconcile

    def beat(self, stopping: bool = False, wait: bool = True) -> None:
        """Write the heartbeat (a new row at start, then one UPDATE each time)."""
        now, changes = utcnow(), self.last_reconcile

        def write(session: Session) -> int:
            if self.beat_id is None:
                row = SchedulerBeat(pid=os.getpid(), host=socket.gethostname(), started_at=now,
                                    beat_at=now, reconcile=changes, role=self.role)
                session.add(row)
                session.flush()
                return row.id
            session.execute(update(SchedulerBeat).where(SchedulerBeat.id == self.beat_id)
                            .values(beat_at=now, reconcile=changes, role=self.role,
                                    stopped_at=now if stopping else None))
            return self.beat_id

        self.beat_id = in_transaction(write, self.sessions, wait=wait)


def interrupt_stale_runs(sessions: sessionmaker[Session]) -> int:
    """Runs left ``running`` by a scheduler that died are marked ``interrupted``."""
    return in_transaction(lambda session: session.execute(
        update(JobRun).where(JobRun.status == "running").values(
            status="interrupted", finished_at=utcnow())).rowcount, sessions)


class SchedulerBusy(RuntimeError):
    """Another scheduler process is alive on this database (one job store, one scheduler)."""


def ensure_alone(sessions: sessionmaker[Session], now: datetime | None = None) -> None:
    """Refuse to start while another scheduler's heartbeat is fresh and its process lives."""
    with session_scope(sessions, write=True) as session:
        status = scheduler_status(session, now)
    if not status["running"]:
        return
    same_host = status.get("host") == socket.gethostname()
    if same_host and (status["pid"] == os.getpid() or not pid_alive(status["pid"])):
        return
    raise SchedulerBusy(f"another scheduler is running (pid {status['pid']} on "
                        f"{status.get('host')}, heartbeat {status['beat_at']:%H:%M:%S} UTC); "
                        "stop it first")


def end_dead_leaders(process: Process) -> int:
    """Once we hold the leadership lock, every other leader heartbeat still open is a dead
    process's (it lost the lock with its connection): mark it stopped."""
    query = update(SchedulerBeat).where(SchedulerBeat.role == "leader",
                                        SchedulerBeat.stopped_at.is_(None))
    if process.beat_id is not None:
        query = query.where(SchedulerBeat.id != process.beat_id)
    return in_transaction(lambda session: session.execute(
        query.values(stopped_at=utcnow())).rowcount, process.sessions)


def wait_for_leadership(process: Process, leadership: Leadership, stop: threading.Event,
                        poll: float = 3.0) -> bool:
    """Wait as a standby (beating as one) until we hold the lock; False if stopped first."""
    process.role = "standby"
    announced = False
    while not stop.is_set():
        if leadership.try_acquire():
            log.info("scheduler leadership taken (pid %d)", os.getpid())
            process.role = "leader"
            return True
        if not announced:
            log.info("another scheduler leads; waiting as a standby (pid %d)", os.getpid())
            announced = True
        try:
            process.beat(wait=False)
        except Exception:  # the database may be away; the lock decides anyway
            log.exception("cannot write the standby heartbeat")
        stop.wait(poll)
    try:
        process.beat(stopping=True)
    except Exception:
        log.exception("cannot record the standby's stop")
    return False


def start(engine: Engine, settings: Settings, timing: Timing,
          process: Process | None = None) -> Process:
    """Start the scheduler paused, reconcile the jobs, then let it run.

    With ``process`` (a standby that has just taken the leadership lock) the single-process
    check is left out: the lock already says no other scheduler runs."""
    if process is None:
        process = Process(build_scheduler(engine, settings, timing), session_factory(engine),
                          settings, timing)
        ensure_alone(process.sessions)
    else:
        end_dead_leaders(process)
    interrupt_stale_runs(process.sessions)
    allow_children()
    process.scheduler.start(paused=True)
    attach_scheduler(process.scheduler)  # jobs bring others forward (runs.run_soon)
    changes = process.sync()
    log.info("jobs reconciled: %s", {k: len(v) for k, v in changes.items()})
    process.beat()
    process.scheduler.resume()
    return process


def serve(engine: Engine, settings: Settings, timing: Timing, stop: threading.Event,
          poll: float = 1.0, resync: float = 60.0, on_start: Callable | None = None,
          on_standby: Callable | None = None, standby_poll: float = 3.0) -> None:
    """Run until ``stop`` is set: apply commands, beat, re-sync the job list now and then.

    On PostgreSQL, first wait as a standby until this process holds the leadership lock
    (``on_standby()`` is called once if it has to wait). Raises LeadershipLost when the
    lock's connection breaks while leading (the scheduler is stopped first)."""
    leadership = Leadership(engine) if Leadership.supported(engine) else None
    if leadership is None:
        process = start(engine, settings, timing)
    else:
        process = Process(build_scheduler(engine, settings, timing), session_factory(engine),
                          settings, timing)
        if not leadership.try_acquire():
            if on_standby:
                on_standby()
            if not wait_for_leadership(process, leadership, stop, standby_poll):
                leadership.release()
                return
        process.role = "leader"
        try:
            process = start(engine, settings, timing, process)
        except BaseException:
            leadership.release()
            raise
    if on_start:
        on_start(process)
    last_sync = last_beat = utcnow()
    try:
        while not stop.wait(poll):
            now = utcnow()
            try:
                apply_commands(process.scheduler, process.sessions)
                if (now - last_sync).total_seconds() >= resync:
                    process.sync()
                    last_sync = now
                if (now - last_beat).total_seconds() >= 5:
                    if leadership is not None:
                        leadership.check()
                    process.beat(wait=False)
                    last_beat = now
            except LeadershipLost:
                log.error("scheduler leadership lost; stopping so that a standby takes over")
                raise
            except WriterBusy:  # a crawl or the analysis is writing: next round
                continue
            except Exception:  # a database hiccup must not end the process; try again
                log.exception("scheduler housekeeping failed; retrying in %.0f s", poll)
    finally:
        # In this order: no job brings another forward, no job starts, no child starts; then
        # the running children are stopped and the running jobs waited for.
        attach_scheduler(process.scheduler, attached=False)
        if process.scheduler.running:
            process.scheduler.pause()
        stopped = stop_children()
        process.scheduler.shutdown(wait=True)
        try:
            process.beat(stopping=True)
        except Exception:  # the database may be what stopped us
            log.exception("cannot record the scheduler's stop")
        if leadership is not None:
            leadership.release()
        log.info("scheduler stopped (%d child processes terminated)", stopped)
