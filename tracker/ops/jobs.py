"""Scheduled jobs: module-level functions that the scheduler names by reference.

Each job records its own run in ``job_runs`` (start, end, status, a JSON summary, the error)
through :func:`recorded`, whoever starts it: the scheduler, "run now" on the admin page, or
``yuqing jobs run``. Crawls and the analysis run as child processes, so a crashed or killed
crawl only fails its own run; the scheduler goes on.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import engine_from_settings, session_factory, session_scope
from tracker.ledger import sync_message_cases
from tracker.models import CrawlRun, Source, utcnow
from tracker.models.ops import JobRun
from tracker.settings import Settings, load_settings

log = logging.getLogger(__name__)
T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]
LOG_TAIL_BYTES = 4000


@dataclass
class Runtime:
    """What jobs run against in this process: settings, database, options from the CLI."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    options: dict[str, Any] = field(default_factory=dict)


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()
_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()
# Crawl jobs check their source's health as they finish, the health job checks them all:
# one at a time, so two threads never create the same state row or alert twice.
_health_lock = threading.Lock()
# SQLite has one writer at a time, and a transaction that read before another connection
# committed cannot write at all. So on SQLite the scheduler's writers take turns: the crawl
# and analysis children (held for their whole run), the jobs' own transactions, and the
# job store. PostgreSQL needs none of this.
_sqlite_writer = threading.RLock()


class WriterBusy(RuntimeError):
    """Another writer holds the SQLite database right now; try again later."""


def _is_sqlite(sessions: sessionmaker[Session] | None) -> bool:
    bind = (sessions or runtime().sessions).kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


@contextmanager
def sqlite_writer(sessions: sessionmaker[Session] | None = None, wait: bool = True):
    """Hold the SQLite writer turn (a no-op on other databases); WriterBusy if not waiting."""
    if not _is_sqlite(sessions):
        yield
        return
    if not _sqlite_writer.acquire(timeout=-1 if wait else 0.2):
        raise WriterBusy("another writer holds the database")
    try:
        yield
    finally:
        _sqlite_writer.release()


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


def option(name: str, default: Any) -> Any:
    """One option given to the scheduler process (e.g. a crawl timeout)."""
    return runtime().options.get(name, default)


def recorded(id_template: str) -> Callable:
    """Record each run of the decorated job in ``job_runs``; its id comes from the kwargs."""

    def decorator(func: Callable[..., dict]) -> Callable[..., dict]:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> dict:
            job = id_template.format(**kwargs)
            run_id = in_transaction(lambda session: _start(session, job))
            try:
                summary = func(**kwargs)
            except BaseException as exc:
                error = _error_text(exc)
                in_transaction(lambda session: _finish(session, run_id, "error", None, error))
                raise
            in_transaction(lambda session: _finish(session, run_id, "ok", summary, None))
            return summary

        wrapper.job_id_template = id_template  # type: ignore[attr-defined]
        return wrapper

    return decorator


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


def job_id(func: Callable, **kwargs: Any) -> str:
    """The job id a recorded job function runs under with these kwargs."""
    return func.job_id_template.format(**kwargs)  # type: ignore[attr-defined]


class JobFailed(RuntimeError):
    """A job ended badly; the message is what the jobs page shows."""


def run_child(argv: list[str], log_path: Path, timeout: float,
              cwd: Path = REPO_ROOT) -> tuple[int, float, str]:
    """Run a child process, its output appended to ``log_path``; (code, seconds, log tail)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log.info("starting %s (output in %s)", " ".join(argv[1:]), log_path)
    started = time.monotonic()
    with open(log_path, "ab") as out:
        start_offset = out.tell()
        proc = subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with _children_lock:
            _children.add(proc)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        finally:
            with _children_lock:
                _children.discard(proc)
    return code, round(time.monotonic() - started, 2), _tail(log_path, start_offset)


def child_env() -> dict[str, str]:
    """The environment of a child: ours (plus Scrapy's settings module for crawls)."""
    try:  # the collection issue's runner knows what a crawl needs
        from tracker.ops.processes import child_env as collection_env
    except ImportError:
        return os.environ.copy()
    return collection_env()


def _tail(path: Path, offset: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(offset, path.stat().st_size - LOG_TAIL_BYTES))
        return handle.read().decode("utf-8", "replace")


def stop_children() -> int:
    """Terminate running child processes (the scheduler is stopping); return how many."""
    with _children_lock:
        children = list(_children)
    for proc in children:
        proc.terminate()
    return len(children)


def logs_dir() -> Path:
    """Where child processes write their output."""
    return runtime().settings.data_dir / "logs"


def crawl_argv(spider: str, source: str) -> list[str]:
    """``scrapy crawl SPIDER -a source=NAME`` as a child of this interpreter."""
    try:  # the collection issue's runner knows the project's exact command line
        from tracker.ops.processes import crawl_command
    except ImportError:
        return [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"source={source}"]
    return crawl_command(spider, source, (), "INFO")


def _last_run(session: Session, source_id: int, since: datetime) -> dict | None:
    run = session.scalar(select(CrawlRun).where(
        CrawlRun.source_id == source_id, CrawlRun.started_at >= since)
        .order_by(CrawlRun.started_at.desc()).limit(1))
    if run is None:
        return None
    return {"status": run.status, "pages": run.pages, "new": run.items_new,
            "updated": run.items_updated, "unchanged": run.items_unchanged, "errors": run.errors}


@recorded("crawl:{source}")
def crawl(source: str) -> dict:
    """Crawl one source as a ``scrapy crawl`` child process, then check the source's health."""
    from tracker.collection.health import check_source

    rt = runtime()
    found = in_transaction(lambda session: session.execute(select(Source.kind, Source.id).where(
        Source.name == source, Source.enabled.is_(True))).first())
    if found is None:
        return {"source": source, "skipped": "source missing or disabled"}
    spider, source_id = found
    started = utcnow()
    with sqlite_writer():
        code, seconds, tail = run_child(crawl_argv(spider, source),
                                        logs_dir() / f"crawl-{source}.log",
                                        timeout=option("crawl_timeout", 1800))

    def check(session: Session) -> dict:
        health = check_source(session, rt.settings, session.get(Source, source_id),
                              policy=option("health_policy", None) or _default_policy())
        return {"source": source, "returncode": code, "seconds": seconds,
                "run": _last_run(session, source_id, started), "health": health.state}

    with _health_lock:
        summary = in_transaction(check)
    if code != 0:
        last = [line for line in tail.splitlines() if line.strip()][-1:] or [""]
        raise JobFailed(f"crawl of {source} exited with {_exit_text(code)}: {last[0][:300]}")
    return summary


def _default_policy():
    from tracker.collection.health import HealthPolicy

    return HealthPolicy()


def _exit_text(code: int) -> str:
    return f"signal {-code}" if code < 0 else f"code {code}"


def yuqing_argv(*args: str) -> list[str]:
    """The ``yuqing`` command as a child of this interpreter."""
    return [sys.executable, "-c", "from tracker.cli import main; main()", *args]


@recorded("analyze")
def analyze() -> dict:
    """Run ``yuqing analyze --json`` as a child process, then announce new alerts."""
    with sqlite_writer():
        code, seconds, tail = run_child(yuqing_argv("analyze", "--json"),
                                        logs_dir() / "analyze.log",
                                        timeout=option("analyze_timeout", 1800))
    if code == 2 and "No such command" in tail:
        return {"skipped": "`yuqing analyze` is not available yet", "seconds": seconds}
    if code != 0:
        raise JobFailed(f"analysis exited with {_exit_text(code)}: {tail.strip()[-300:]}")
    summary: dict[str, Any] = {"seconds": seconds}
    lines = [line for line in tail.splitlines() if line.startswith("{")]
    if lines:
        try:
            summary["result"] = json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    from tracker.notify.alerts import announce_alerts

    settings = runtime().settings
    summary["announced"] = in_transaction(lambda session: announce_alerts(session, settings))
    summary["ledger"] = in_transaction(sync_message_cases)  # crawled messages → ledger
    with sqlite_writer():
        summary["index"] = sync_index(runtime().sessions, settings)
    return summary


def sync_index(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Push the mentions waiting in the SQL outbox (new or re-analysed) into the index."""
    from tracker.index import get_index
    from tracker.index.sync import run_sync

    return run_sync(sessions, get_index(settings)).as_dict()


@recorded("reminders")
def reminders() -> dict:
    """Deadline reminders and escalation for open ledger entries."""
    from tracker.ledger.escalation import send_reminders

    settings, now = runtime().settings, utcnow()
    return in_transaction(lambda session: send_reminders(session, settings, now))


@recorded("source-health")
def source_health() -> dict:
    """Check every enabled source (also those the crawl jobs have not reached)."""
    from tracker.collection.health import check_all

    settings, policy = runtime().settings, option("health_policy", None) or _default_policy()
    with _health_lock:
        states = in_transaction(lambda session: check_all(session, settings, policy=policy))
    return {"states": {name: str(state) for name, state in states.items()}}


@recorded("deliver")
def deliver() -> dict:
    """Send due e-mail and webhook deliveries (retries included); no transaction stays open
    while a message is on the wire, and each outcome is written at once."""
    from tracker import notify

    settings, now = runtime().settings, utcnow()
    counts: dict[str, int] = {}
    for delivery_id in in_transaction(lambda session: notify.due_deliveries(session, now)):
        planned = in_transaction(lambda s, i=delivery_id: notify.plan(s, settings, i, now))
        if isinstance(planned, str):
            status = planned
        elif isinstance(planned, timedelta):
            in_transaction(lambda s, i=delivery_id, w=planned: notify.postpone(s, i, now + w))
            status = "deferred"
        else:
            error = notify.send(planned, settings)
            status = in_transaction(lambda s, p=planned, e=error: notify.record(s, p, e, now))
        counts[status] = counts.get(status, 0) + 1
    return counts


def previous_month(now: datetime, tz) -> str:
    """``YYYY-MM`` of the month before ``now`` in local time."""
    first = now.astimezone(tz).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


@recorded("monthly-report")
def monthly_report() -> dict:
    """Render last month's report in every format, save it, and announce it."""
    from tracker import notify, reports

    rt = runtime()
    month = previous_month(utcnow(), rt.settings.tz)
    folder = rt.settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with session_scope(rt.sessions) as session:  # reading only
        for fmt in reports.FORMATS:
            path = folder / reports.filename(month, fmt)
            path.write_bytes(reports.render_report(session, month, fmt, rt.settings))
            saved.append(str(path))
    year, mon = month.split("-")
    message = notify.Message(
        kind="report", title=f"{year}年{int(mon)}月政务舆情回应月度报告已生成",
        body=f"{year}年{int(mon)}月月度报告（HTML、Excel、PDF）已生成，可在报告页面查看和下载。",
        link=f"/reports/?month={month}", key=f"report:{month}")
    in_transaction(lambda session: notify.notify(session, rt.settings, message))
    return {"month": month, "files": saved}


@recorded("retention")
def retention() -> dict:
    """Delete operational data older than the retention policy allows."""
    from tracker.ops.retention import RetentionPolicy, apply_retention

    policy = option("retention_policy", None) or RetentionPolicy()
    now, logs = utcnow(), logs_dir()
    return in_transaction(lambda session: apply_retention(session, policy, now, logs))


@recorded("demo-clock")
def demo_clock(site: str, max_epoch: int = 12) -> dict:
    """Move the demo web's clock one step on, so new messages and replies appear (demo)."""
    state = _post_json(f"{site}/_admin/state")
    epoch = int(state.get("epoch", 0))
    if epoch >= max_epoch:
        return {"epoch": epoch, "note": "the demo clock is at its last step"}
    moved = _post_json(f"{site}/_admin/epoch?set={epoch + 1}")
    return {"epoch": moved.get("epoch"), "clocks": moved.get("clocks")}


def _post_json(url: str) -> dict:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))
