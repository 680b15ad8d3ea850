"""What the jobs run against: the process's runtime (settings, database, options), their own
transactions in the SQLite writer turn, and the ``job_runs`` record of every run.

Each job records its own run in ``job_runs`` (start, end, status, a JSON summary, the error)
through :func:`recorded`, whoever starts it: the scheduler, "run now" on the admin page, or
``yuqing jobs run``.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import engine_from_settings, session_factory, session_scope, sqlite_writer
from tracker.models import utcnow
from tracker.models.ops import JobRun
from tracker.settings import Settings, load_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Runtime:
    """What jobs run against in this process: settings, database, options from the CLI."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    options: dict[str, Any] = field(default_factory=dict)
    #: The APScheduler of this process while it leads (set by tracker.ops.scheduler.start):
    #: what :func:`run_soon` asks to run a job now.
    scheduler: Any = None


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()
# Jobs running in this process, and those asked to run again once the running one ends.
_running: set[str] = set()
_again: set[str] = set()
_running_lock = threading.Lock()


class JobFailed(RuntimeError):
    """A job ended badly; the message is what the jobs page shows."""


def configure(settings: Settings, engine: Engine | None = None, **options: Any) -> Runtime:
    """Set the settings, engine and options jobs use in this process."""
    global _runtime
    with _runtime_lock:
        engine = engine or engine_from_settings(settings)
        _runtime = Runtime(settings, engine, session_factory(engine), dict(options))
        return _runtime


def reset() -> None:
    """Forget the configured runtime (the next job builds it from the environment)."""
    global _runtime
    with _runtime_lock:
        _runtime = None


def attach_scheduler(scheduler: Any, attached: bool = True) -> None:
    """Let the jobs of this process reach its scheduler (:func:`run_soon`), or no longer
    (``attached=False``: only if it is still this one). Nothing when no runtime is set."""
    with _runtime_lock:
        if _runtime is None:
            return
        if attached:
            _runtime.scheduler = scheduler
        elif _runtime.scheduler is scheduler:
            _runtime.scheduler = None


def runtime() -> Runtime:
    """The configured runtime (built from the environment on first use)."""
    with _runtime_lock:
        current = _runtime
    return current or configure(load_settings())


def in_transaction(work: Callable[[Session], T], sessions: sessionmaker[Session] | None = None,
                   attempts: int = 6, wait: bool = True) -> T:
    """Run ``work`` in a transaction of its own, committed; on SQLite run it again when
    another writer committed between its first read and its first write (SQLite refuses
    such a write at once; the busy timeout cannot help), so ``work`` must be repeatable."""
    sessions = sessions or runtime().sessions
    for attempt in range(attempts):
        try:
            with sqlite_writer(sessions, wait), session_scope(sessions, write=True) as session:
                return work(session)
        except OperationalError as exc:
            if "locked" not in str(exc.orig) or attempt == attempts - 1:
                raise
            log.info("database busy, repeating the transaction (%d)", attempt + 1)
            time.sleep(0.1 * 2 ** attempt)
    raise AssertionError("unreachable")


def run_soon(job: str) -> str:
    """Ask this process's scheduler to run ``job`` now, ahead of its schedule (a crawl when the
    watch saw something new, the analysis after a crawl that stored new items, the delivery
    after an analysis that raised alerts). Returns what happened:

    - ``now``: its next run time is now (APScheduler runs it at once, never twice at a time);
    - ``after``: it is running in this process; it runs once more as soon as it ends, so what
      arrived meanwhile is not left to the next scheduled run;
    - ``paused``, ``missing``, ``no scheduler`` (a job run by hand): nothing is done.
    """
    scheduler = runtime().scheduler
    if scheduler is None:
        return "no scheduler"
    with _running_lock:
        if job in _running:
            _again.add(job)
            return "after"
    stored = scheduler.get_job(job)
    if stored is None:
        return "missing"
    if stored.next_run_time is None:  # paused by someone: it stays paused
        return "paused"
    scheduler.modify_job(job, next_run_time=utcnow())
    return "now"


def run_soon_safely(job: str) -> str:
    """:func:`run_soon`, logging instead of raising (the caller's own work is done; the next
    scheduled run catches up)."""
    try:
        return run_soon(job)
    except Exception:
        log.exception("cannot bring %s forward", job)
        return "failed"


def rerun_if_asked(job: str) -> str | None:
    """Once a run has ended (APScheduler counts it as ended: called from its executed/error
    event, so the new run is not refused as a second instance), run it again if
    :func:`run_soon` asked for that meanwhile."""
    with _running_lock:
        if job not in _again:
            return None
        _again.discard(job)
    return run_soon_safely(job)


def option(name: str, default: Any) -> Any:
    """One option given to the scheduler process (e.g. a crawl timeout)."""
    return runtime().options.get(name, default)


def logs_dir() -> Path:
    """Where child processes write their output."""
    return runtime().settings.data_dir / "logs"


def recorded(id_template: str) -> Callable:
    """Record each run of the decorated job in ``job_runs``; its id comes from the kwargs."""

    def decorator(func: Callable[..., dict]) -> Callable[..., dict]:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> dict:
            job = id_template.format(**kwargs)
            with _running_lock:
                _running.add(job)
            try:
                run_id = in_transaction(lambda session: _start(session, job))
                try:
                    summary = func(**kwargs)
                except BaseException as exc:
                    error = _error_text(exc)
                    in_transaction(lambda session: _finish(session, run_id, "error", None,
                                                           error))
                    raise
                in_transaction(lambda session: _finish(session, run_id, "ok", summary, None))
                return summary
            finally:
                with _running_lock:
                    _running.discard(job)

        wrapper.job_id_template = id_template  # type: ignore[attr-defined]
        return wrapper

    return decorator


def job_id(func: Callable, **kwargs: Any) -> str:
    """The job id a recorded job function runs under with these kwargs."""
    return func.job_id_template.format(**kwargs)  # type: ignore[attr-defined]


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, JobFailed):
        return str(exc)
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


def _start(session: Session, job: str) -> int:
    run = JobRun(job_id=job, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run.id


def _finish(session: Session, run_id: int, status: str, summary: dict | None,
            error: str | None) -> None:
    summary = json.loads(json.dumps(summary, default=str)) if summary else summary
    session.execute(update(JobRun).where(JobRun.id == run_id).values(
        status=status, finished_at=utcnow(), summary=summary, error=error))
