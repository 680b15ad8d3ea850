"""Issue 22, acceptance 2: two real ``yuqing scheduler`` processes on one PostgreSQL database.

One takes the leadership lock and runs the jobs; the other waits as a standby (its heartbeat
says so and it runs nothing). The leader is killed with SIGKILL; the standby takes over within
60 s and runs the next jobs; no scheduled run happened twice (the job-run records: every run's
scheduled time appears once per job, and no two runs of one job overlap). On SQLite a second
scheduler is still refused with its clear message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import create_pg_database, drop_pg_database
from tests.tracker.ops.test_scheduler_process import stop_scheduler, wait_for
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope
from tracker.models import utcnow
from tracker.models.ops import JobRun, SchedulerBeat
from tracker.ops.leadership import Leadership, LeadershipLost
from tracker.ops.status import scheduler_status

YUQING = str(Path(sys.executable).with_name("yuqing"))
# No sources: only the quick jobs, each every few seconds.
FAST = ["--analyze-every", "4", "--reminders-every", "3", "--health-every", "5",
        "--deliver-every", "2"]
QUICK_JOBS = ("analyze", "reminders", "deliver", "source-health")
EVERY = {"analyze": 4, "reminders": 3, "deliver": 2, "source-health": 5}


def base_env(tmp_path: Path, url: str) -> dict[str, str]:
    """The children's environment (PYTHONPATH passed on: a worktree's code, not the venv's)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var"), "YUQING_DATABASE_URL": url}
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def start(env: dict, folder: Path, name: str) -> subprocess.Popen:
    log = folder / f"{name}.log"
    proc = subprocess.Popen([YUQING, "scheduler", *FAST], env=env, cwd=folder,
                            stdout=log.open("w"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    proc.log_path = log  # type: ignore[attr-defined]  (read by wait_for on failure)
    return proc


def all_runs(sessions) -> list[JobRun]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.id)))


def beats(sessions) -> dict[int, SchedulerBeat]:
    with session_scope(sessions) as session:
        return {b.pid: b for b in session.scalars(select(SchedulerBeat))}


@pytest.fixture
def pg_world(tmp_path):
    url = create_pg_database("yuqing_standby")
    engine = make_engine(url)
    migrate.upgrade(engine)
    env = base_env(tmp_path, url)
    yield env, session_factory(engine), tmp_path
    engine.dispose()
    drop_pg_database(url)


@pytest.mark.slow
def test_standby_takes_over_within_a_minute_and_no_job_runs_twice(pg_world):
    env, sessions, folder = pg_world
    first = start(env, folder, "first")
    second = None
    try:
        wait_for("the first scheduler's runs", lambda: {
            r.job_id for r in all_runs(sessions) if r.status == "ok"} >= {"deliver"}, 60, first)
        second = start(env, folder, "second")
        wait_for("the standby's heartbeat", lambda: (b := beats(sessions).get(second.pid))
                 and b.role == "standby", 30, second)
        assert "standing by" in second.log_path.read_text()
        with session_scope(sessions) as session:
            status = scheduler_status(session)
        assert status["running"] and status["pid"] == first.pid
        assert [s["pid"] for s in status["standbys"]] == [second.pid]
        listing = subprocess.run([YUQING, "jobs"], env=env, cwd=folder, capture_output=True,
                                 text=True, timeout=60)
        assert f"scheduler: running (pid {first.pid}" in listing.stdout
        assert f"standby: pid {second.pid}" in listing.stdout
        time.sleep(6)  # the standby runs nothing while the leader lives
        assert beats(sessions)[second.pid].role == "standby"

        killed_at = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_utc = utcnow()
        wait_for("the standby taking the lead", lambda: beats(
            sessions)[second.pid].role == "leader", 60, second)
        took_over = time.monotonic() - killed_at
        print(f"standby took the lead {took_over:.1f} s after the leader was killed")

        def after_kill() -> set[str]:
            return {r.job_id for r in all_runs(sessions)
                    if r.status == "ok" and r.started_at > killed_utc}

        wait_for("the new leader's runs of the quick jobs",
                 lambda: after_kill() >= set(QUICK_JOBS), 60 - took_over, second)
        assert time.monotonic() - killed_at < 60
        with session_scope(sessions) as session:
            status = scheduler_status(session)
        assert status["running"] and status["pid"] == second.pid and not status["standbys"]
        assert beats(sessions)[first.pid].stopped_at is not None  # ended by the new leader
        time.sleep(5)  # a few more runs under the new leader
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        code = stop_scheduler(second) if second is not None else 0
    assert code == 0, second.log_path.read_text()[-2000:]

    records = [r for r in all_runs(sessions) if r.job_id in QUICK_JOBS]
    runs = [r for r in records if r.status not in ("missed", "skipped")]
    assert runs, "no job ran"
    scheduled = Counter((r.job_id, r.scheduled_at) for r in records if r.scheduled_at)
    assert not [key for key, n in scheduled.items() if n > 1]
    # No two runs of one job overlapped: each started after the one before it had ended
    # (a run the killed leader left 'running' is 'interrupted', ended by the new leader).
    by_job: dict[str, list[JobRun]] = {}
    for run in runs:
        by_job.setdefault(run.job_id, []).append(run)
    for job, job_runs in by_job.items():
        job_runs.sort(key=lambda r: r.started_at)
        # One scheduler's worth of runs: two would have run each tick twice.
        span = (job_runs[-1].started_at - job_runs[0].started_at).total_seconds()
        assert len(job_runs) <= span / EVERY[job] + 2, (job, len(job_runs), span)
        for before, after in zip(job_runs, job_runs[1:], strict=False):
            assert before.finished_at is not None, (job, before.status)
            if before.status != "interrupted":
                assert after.started_at >= before.finished_at - timedelta(milliseconds=1), job
    assert {r.status for r in runs} <= {"ok", "interrupted", "missed"}


def test_second_scheduler_on_sqlite_is_still_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'yuqing.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    env = base_env(tmp_path, url)
    sessions = session_factory(make_engine(url))
    first = start(env, tmp_path, "first")
    try:
        wait_for("the first scheduler's heartbeat", lambda: beats(sessions).get(first.pid),
                 60, first)
        second = subprocess.run([YUQING, "scheduler", *FAST], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert "another scheduler is running" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        assert stop_scheduler(first) == 0


def test_the_leadership_lock_is_held_by_one_and_lost_with_its_connection():
    url = create_pg_database("yuqing_lock")
    engine, other_db = make_engine(url), create_pg_database("yuqing_lock")
    other_engine = make_engine(other_db)
    first, second = Leadership(engine), Leadership(engine)
    elsewhere = Leadership(other_engine)
    try:
        assert Leadership.supported(engine)
        assert first.try_acquire() and first.try_acquire()
        assert not second.try_acquire()
        assert elsewhere.try_acquire()  # another database has its own leader
        first.check()
        with pytest.raises(LeadershipLost):
            second.check()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
        # The leader's connection dies (as with a killed process): the lock goes with it,
        # the old holder finds out, and a standby gets it.
        with engine.connect() as conn:
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())")).scalars().all()
        assert killed == [True]
        with pytest.raises(LeadershipLost):
            second.check()
        deadline = time.monotonic() + 10  # the server ends the killed session promptly
        while not first.try_acquire() and time.monotonic() < deadline:
            time.sleep(0.2)
        first.check()
    finally:
        for lock in (first, second, elsewhere):
            lock.release()
        engine.dispose()
        other_engine.dispose()
        drop_pg_database(url)
        drop_pg_database(other_db)


def test_sqlite_has_no_leadership_lock(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'y.db'}")
    assert not Leadership.supported(engine)
    engine.dispose()


@pytest.mark.slow
def test_a_leader_that_loses_its_lock_connection_stops(pg_world):
    env, sessions, folder = pg_world
    leader = start(env, folder, "leader")
    try:
        wait_for("the leader's heartbeat", lambda: (b := beats(sessions).get(leader.pid))
                 and b.role == "leader", 60, leader)
        engine = sessions.kw["bind"]
        with engine.connect() as conn:  # the lock's connection is cut (a network fault)
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())")).scalars().all()
        assert killed == [True]
        code = leader.wait(60)
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait()
    output = leader.log_path.read_text()
    assert code == 1, output[-2000:]
    error = output.split("Error:")[-1]
    assert "scheduler leadership broke" in error and "a standby takes over" in error
    assert "SELECT" not in error and "Traceback" not in error
    assert beats(sessions)[leader.pid].stopped_at is not None
