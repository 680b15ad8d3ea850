"""``yuqing scheduler`` killed with SIGKILL in the middle of its analysis job, then started again.

The analysis commits batch by batch (cursor in ``analysis_state``), so a kill loses at most
the batch in progress. The restarted scheduler must close the dead run's ``job_runs`` row
(``interrupted``, not ``running`` for ever), analyse every mention exactly once, and leave no
duplicate or empty event, no second alert for an event and level, no ledger entry twice.
"""

from __future__ import annotations

import csv
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import SHARED_DATA
from tests.faults.conftest import (
    YUQING,
    kill_group,
    report,
    stop_group,
    wait_until,
    yuqing_env,
)
from tracker import migrate
from tracker.collection import ensure_import_source, import_messages
from tracker.db import make_engine, session_factory, session_scope

# Real board messages (附件3 of TipDM 2020 C): enough for an analysis of a few seconds.
EXPORT = SHARED_DATA / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv"
MESSAGES = 400  # plus the re-dated 搅拌站 messages (below)
# Only the analysis runs soon; the other jobs wait an hour (there is no crawl source).
ARGS = ["scheduler", "--analyze-every", "2", "--reminders-every", "3600",
        "--health-every", "3600", "--deliver-every", "3600"]
# Each query returns offending rows; all must come back empty after the restarted run.
BROKEN = {
    "mention analysed twice or not at all": """SELECT m.id FROM mentions m
        LEFT JOIN mention_analysis a ON a.mention_id = m.id
        GROUP BY m.id HAVING count(a.mention_id) <> 1""",
    "analysis without its event": "SELECT mention_id FROM mention_analysis "
                                  "WHERE event_id IS NULL",
    "event without members": """SELECT e.id FROM events e WHERE e.merged_into_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM mention_analysis a WHERE a.event_id = e.id)""",
    "event counted wrong": """SELECT e.id FROM events e WHERE e.merged_into_id IS NULL
        AND e.mention_count <> (SELECT count(*) FROM mention_analysis a
                                WHERE a.event_id = e.id)""",
    "second alert for an event and level": """SELECT event_id FROM alerts
        GROUP BY event_id, level HAVING count(*) > 1""",
    "message in the ledger twice or not at all": """SELECT c.id FROM message_cases c
        LEFT JOIN ledger_entries l ON l.message_case_id = c.id
        GROUP BY c.id HAVING count(l.id) <> 1""",
    "job run left running": "SELECT id FROM job_runs WHERE status = 'running'",
}


def write_part(folder: Path, count: int) -> Path:
    """The export's header, its first ``count`` messages and its messages about the 搅拌站
    of 丽发新城 re-dated into the last hour and a half (a matter heating up now, so the
    analysis raises an alert), as a CSV file of its own."""
    with EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        header, *messages = list(csv.reader(handle))
    title, when = header.index("留言主题"), header.index("留言时间")
    hot = [list(row) for row in messages if "搅拌站" in row[title]]
    local_now = datetime.now(UTC) + timedelta(hours=8)  # naive export times are Shanghai's
    for minutes, row in zip(range(2 * len(hot), 0, -2), hot, strict=True):
        row[when] = (local_now - timedelta(minutes=minutes)).strftime("%Y/%m/%d %H:%M:%S")
    hot_ids = {row[0] for row in hot}
    rows = [row for row in messages[:count] if row[0] not in hot_ids] + hot
    part = folder / "messages.csv"
    with part.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return part, len(rows)


def daytime_zone() -> str:
    """A zone where it is about noon now, so quiet hours never hold the alert back."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def prepare(url: str, folder: Path) -> int:
    """Migrate ``url`` and import the real messages (not analysed yet); how many."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    part, count = write_part(folder, MESSAGES)
    with session_scope(session_factory(engine), write=True) as session:
        imported = import_messages(session, ensure_import_source(session, "fj3"), part)
    assert imported.imported == count
    engine.dispose()
    return count


def rows(engine: Engine, sql: str, **params) -> list:
    """All rows of ``sql``."""
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def analyze_runs(engine: Engine) -> list:
    """(id, status, finished_at, summary) of the analysis runs, oldest first."""
    return rows(engine, "SELECT id, status, finished_at, summary FROM job_runs "
                        "WHERE job_id = 'analyze' ORDER BY id")


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen:
    """``yuqing scheduler`` with a quick analysis, in a process group of its own."""
    with log.open("a") as out:
        return subprocess.Popen([YUQING, *ARGS], env=env, cwd=log.parent, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each backend (PostgreSQL: the private cluster)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'yuqing.db'}"
    return request.getfixturevalue("private_pg").create_database("yq_sched")


@pytest.mark.slow
def test_scheduler_killed_during_analysis_is_closed_and_the_next_run_finishes_once(
        database, tmp_path):
    """killed: the ``yuqing scheduler`` process group (SIGKILL) while its job_runs row shows
    the analysis of ~430 real messages running; checked: the restarted scheduler marks the
    dead run ``interrupted``, its next analysis finishes, every mention is analysed exactly
    once, no event is empty or miscounted, no alert twice per event and level, each message
    once in the ledger, no job run left ``running``."""
    total = prepare(database, tmp_path)
    engine = create_engine(database, poolclass=NullPool)
    env = yuqing_env(tmp_path / "var", database, YUQING_TIMEZONE=daytime_zone())
    log = tmp_path / "scheduler.log"
    what = "yuqing scheduler (SIGKILL to its process group) during the analysis job"
    started = time.monotonic()
    first = start_scheduler(env, log)
    try:
        running = wait_until("the analysis job running", lambda: [
            r for r in analyze_runs(engine) if r.status == "running"], 180, 0.1, proc=first)
        time.sleep(1.0)  # into the job: models loading, mentions being scored
        assert analyze_runs(engine)[-1].status == "running", (
            f"killed: {what}; the run ended before the kill — the test needs a longer job")
        analysed_before = rows(engine, "SELECT count(*) FROM mention_analysis")[0][0]
        kill_group(first)
    finally:
        stop_group(first)
    killed_id = running[0].id

    second = start_scheduler(env, log)
    try:
        done = wait_until("the restarted scheduler's analysis run", lambda: [
            r for r in analyze_runs(engine) if r.id > killed_id and r.status == "ok"], 300,
            0.5, proc=second)[0]
    finally:
        code = stop_group(second, timeout=60)
    assert code == 0, (f"killed: {what}; checked: the restarted scheduler stops cleanly — "
                       f"exit {code}:\n{log.read_text()[-3000:]}")

    killed = next(r for r in analyze_runs(engine) if r.id == killed_id)
    assert killed.status == "interrupted" and killed.finished_at is not None, (
        f"killed: {what}; checked: the dead run is closed as interrupted — it is "
        f"{killed.status!r}, finished {killed.finished_at}")
    found = {name: [r[0] for r in rows(engine, sql)][:10] for name, sql in BROKEN.items()}
    found = {name: ids for name, ids in found.items() if ids}
    assert not found, f"killed: {what}; checked: the restarted analysis — {found}"
    summary = done.summary if isinstance(done.summary, dict) else json.loads(done.summary)
    analysed_after = summary["result"]["analyzed"]
    assert analysed_before + analysed_after == total, (
        f"killed: {what}; checked: each mention analysed once — {analysed_before} before the "
        f"kill, {analysed_after} by the next run, {total} messages")
    events, alerts = (rows(engine, f"SELECT count(*) FROM {t}")[0][0] for t in ("events",
                                                                              "alerts"))
    assert alerts >= 1, (f"killed: {what}; checked: the 搅拌站 messages raise an alert (else "
                         "the duplicate-alert check saw none) — none was raised")
    engine.dispose()
    report(f"scheduler SIGKILL during analysis ({database.split(':')[0].split('+')[0]})",
           killed_run=killed.status, analysed=f"{analysed_before}+{analysed_after}",
           events=events, alerts=alerts, seconds=round(time.monotonic() - started, 1))
