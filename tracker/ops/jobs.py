"""Scheduled jobs: module-level functions that the scheduler names by reference.

Each job records its own run in ``job_runs`` through :func:`recorded` (see
:mod:`tracker.ops.runs`). Crawls run as ``scrapy crawl`` child processes, so a crashed or
killed crawl only fails its own run; the scheduler goes on. The analysis runs in this
process, in the SQLite writer turn.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import session_scope, sqlite_writer
from tracker.ledger import sync_message_cases
from tracker.models import CrawlRun, Source, utcnow
from tracker.ops.processes import crawl_command, run_logged
from tracker.ops.runs import (
    JobFailed,
    in_transaction,
    job_id,
    logs_dir,
    option,
    recorded,
    run_soon_safely,
    runtime,
)
from tracker.settings import Settings

log = logging.getLogger(__name__)
# Crawl jobs check their source's health as they finish, the health job checks them all:
# one at a time, so two threads never create the same state row or alert twice.
_health_lock = threading.Lock()


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
    from tracker.collection import check_source

    rt = runtime()
    found = in_transaction(lambda session: session.execute(select(Source.kind, Source.id).where(
        Source.name == source, Source.enabled.is_(True))).first())
    if found is None:
        return {"source": source, "skipped": "source missing or disabled"}
    spider, source_id = found
    if rt.settings.crawl_redis_url:  # crawl workers crawl it (yuqing crawl worker)
        from tracker.collection import connect_frontier, start_rounds

        tokens = start_rounds(connect_frontier(rt.settings.crawl_redis_url),
                              rt.settings.crawl_redis_prefix, [source])
        return {"source": source, "enqueued": tokens[source]}
    started = utcnow()
    with sqlite_writer(rt.sessions):
        code, seconds, tail = run_logged(crawl_command(spider, source),
                                         logs_dir() / f"crawl-{source}.log",
                                         timeout=option("crawl_timeout", 1800))

    def check(session: Session) -> dict:
        health = check_source(session, rt.settings, session.get(Source, source_id),
                              policy=option("health_policy", None) or _default_policy())
        return {"source": source, "returncode": code, "seconds": seconds,
                "run": _last_run(session, source_id, started), "health": health.state}

    with _health_lock:
        summary = in_transaction(check)
    if (summary["run"] or {}).get("new"):  # new items: analyse them now, not in minutes
        summary["then"] = {"analyze": run_soon_safely("analyze")}
    if code != 0:
        last = [line for line in tail.splitlines() if line.strip()][-1:] or [""]
        raise JobFailed(f"抓取进程异常结束（{_exit_text(code)}）：{last[0][:300]}")
    return summary


def _default_policy():
    from tracker.collection import HealthPolicy

    return HealthPolicy()


def _exit_text(code: int) -> str:
    return f"被信号 {-code} 终止" if code < 0 else f"退出码 {code}"


@recorded("analyze")
def analyze() -> dict:
    """Analyze new and changed mentions (what ``yuqing analyze`` does), announce new alerts,
    bring crawled messages into the ledger and push changes to the index."""
    # Imported here: the analysis models load only in a process that runs the analysis.
    from tracker.events import analysis_config, announce_alerts, run_analysis

    rt = runtime()
    settings, started = rt.settings, time.monotonic()
    with sqlite_writer(rt.sessions), session_scope(rt.sessions) as session:
        result = run_analysis(session, config=analysis_config(settings), commit=True)
    summary: dict[str, Any] = {"seconds": round(time.monotonic() - started, 2),
                               "result": result.as_json()}
    summary["announced"] = in_transaction(lambda session: announce_alerts(session, settings))
    if summary["announced"]:  # alerts to send: deliver them now, not at the next tick
        summary["then"] = {"deliver": run_soon_safely("deliver")}
    summary["ledger"] = in_transaction(sync_message_cases)  # crawled messages → ledger
    summary["qa"] = in_transaction(lambda session: _sync_qa(session, settings))
    with sqlite_writer(rt.sessions):
        summary["index"] = sync_index(rt.sessions, settings)
    return summary


def _sync_qa(session: Session, settings: Settings) -> dict:
    """Answered messages into the Q&A base; the last hour's changes into its index (the
    window overlaps runs, upserts repeat harmlessly; ``yuqing qa sync`` does them all)."""
    from tracker.qa import sync_qa_safely

    return sync_qa_safely(session, settings, since=utcnow() - timedelta(hours=1))


def sync_index(sessions: sessionmaker[Session], settings: Settings,
               progress: Callable[[int, int | None], None] | None = None) -> dict:
    """Push the mentions waiting in the SQL outbox (new or re-analysed) into the index
    (``progress(done, total)``, when given, is called after each batch)."""
    from tracker.index import get_index, run_sync

    return run_sync(sessions, get_index(settings), progress=progress).as_dict()


@recorded("watch")
def watch() -> dict:
    """One look at each watched source's first list page (:mod:`tracker.collection.watch`);
    the crawl of a source whose page changed runs now. A page that cannot be fetched is a
    skip (logged, counted), never a failed run."""
    from concurrent.futures import ThreadPoolExecutor

    from tracker.collection import look_at_list_page as look
    from tracker.collection import remember_look as remember
    from tracker.collection import watch_targets as targets

    with session_scope(runtime().sessions) as session:  # reading only: no writer turn
        found = targets(session)
    if not found:
        return {"watched": 0}
    with ThreadPoolExecutor(min(4, len(found)), thread_name_prefix="watch") as pool:
        looks = list(pool.map(look, found))  # no transaction is open while fetching
    for skipped in (x for x in looks if x.outcome == "skipped"):
        log.info("watch: %s skipped (%s): %s", skipped.target.name, skipped.target.url,
                 skipped.reason)
    changed = in_transaction(lambda session: [
        x.target.name for x in looks if remember(session, x)])
    started = {name: run_soon_safely(job_id(crawl, source=name)) for name in changed}
    for name, outcome in started.items():
        log.info("watch: %s changed; crawl %s", name, outcome)
    return {"watched": len(looks), "changed": len(changed),
            "unchanged": sum(x.outcome != "skipped" for x in looks) - len(changed),
            "not_modified": sum(x.outcome == "not_modified" for x in looks),
            "skipped": sum(x.outcome == "skipped" for x in looks),
            "crawls": sum(outcome in ("now", "after") for outcome in started.values()),
            "triggered": started,
            "skips": {x.target.name: x.reason for x in looks if x.outcome == "skipped"}}


@recorded("reminders")
def reminders() -> dict:
    """Deadline reminders and escalation for open ledger entries."""
    from tracker.ledger import send_reminders

    settings, now = runtime().settings, utcnow()
    return in_transaction(lambda session: send_reminders(session, settings, now))


@recorded("source-health")
def source_health() -> dict:
    """Check every enabled source (also those the crawl jobs have not reached)."""
    from tracker.collection import check_all

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


@recorded("propose-cases")
def propose_cases() -> dict:
    """Propose last month's best finished entries for the 亮点工程 library."""
    from tracker.cases import propose_month

    rt = runtime()
    month = previous_month(utcnow(), rt.settings.tz)
    return in_transaction(lambda session: propose_month(session, month, rt.settings.tz)).as_json()


@recorded("retrain-models")
def retrain_models() -> dict:
    """Retrain the sentiment and routing models on the office's corrections; each candidate is
    put in use only when it passes (``yuqing model retrain``); both models' figures are kept."""
    from tracker.learning import KINDS, retrain

    rt = runtime()
    return {kind: in_transaction(lambda session, kind=kind: retrain(
        session, kind, rt.settings.data_dir, by="scheduler").as_json()) for kind in KINDS}


@recorded("retention")
def retention() -> dict:
    """Delete operational data older than the retention policy allows."""
    from tracker.ops.retention import RetentionPolicy, apply_retention

    policy = option("retention_policy", None) or RetentionPolicy()
    now, logs = utcnow(), logs_dir()
    return in_transaction(lambda session: apply_retention(session, policy, now, logs))


@recorded("demo-clock")
def demo_clock(site: str, max_epoch: int = 12) -> dict:
    """Move the demo web's clock one step on, so new messages and replies appear (demo).

    A demo web that replays its data follows the wall clock: nothing is moved then."""
    state = _post_json(f"{site}/_admin/state")
    if state.get("mode") == "replay":
        return {"note": "the demo web replays its data on the wall clock; nothing to move"}
    epoch = int(state.get("epoch", 0))
    if epoch >= max_epoch:
        return {"epoch": epoch, "note": "the demo clock is at its last step"}
    moved = _post_json(f"{site}/_admin/epoch?set={epoch + 1}")
    return {"epoch": moved.get("epoch"), "clocks": moved.get("clocks")}


def _post_json(url: str) -> dict:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))
