"""The scheduler in-process, on a real job store in SQLite and PostgreSQL: the job list,
reconciling at start (added / replaced / kept / removed, pause kept), commands from the web,
run recording, and what ``yuqing jobs`` shows."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from tests.conftest import create_pg_database, drop_pg_database
from tracker import migrate
from tracker.db import make_engine, session_scope
from tracker.models import Source, utcnow
from tracker.models.ops import JobCommand, JobRun, SchedulerBeat, scheduler_jobs
from tracker.ops import Timing, job_definitions, jobs, list_jobs, runs
from tracker.ops import scheduler as sched

TIMING = Timing()


@pytest.fixture
def engine(backend, tmp_path):
    """A fresh migrated database (jobs commit, so the rolled-back session will not do)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'sched.db'}"
    else:
        url = create_pg_database("yuqing_sched")
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    if backend == "postgresql":
        drop_pg_database(url)


@pytest.fixture
def runtime(engine, settings):
    """Jobs in this process run against the fresh database."""
    yield runs.configure(settings, engine, crawl_timeout=60)
    runs.reset()


def add_source(sessions, name: str, enabled: bool = True, minutes: int = 30) -> None:
    with session_scope(sessions) as session:
        session.add(Source(name=name, title=f"源{name}", kind="board", base_url="http://x/",
                           config={}, enabled=enabled, interval_minutes=minutes))


def definitions(runtime, timing=TIMING):
    with session_scope(runtime.sessions) as session:
        return job_definitions(session, runtime.settings, timing)


def store_rows(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(scheduler_jobs.c.id)).scalars())


@pytest.fixture
def scheduler(engine, settings, runtime):
    """A started-but-paused scheduler on the job store (nothing runs by itself)."""
    scheduler = sched.build_scheduler(engine, settings, TIMING)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def test_job_list_has_one_crawl_per_enabled_source(runtime):
    add_source(runtime.sessions, "a", minutes=10)
    add_source(runtime.sessions, "b", enabled=False)
    defs = {d.id: d for d in definitions(runtime)}
    assert set(defs) == {"crawl:a", "analyze", "reminders", "source-health", "deliver",
                         "monthly-report", "retention", "propose-cases", "retrain-models",
                         "watch"}
    assert defs["watch"].trigger.interval == timedelta(seconds=60)  # YUQING_WATCH_SECONDS
    assert defs["crawl:a"].trigger.interval == timedelta(minutes=10)
    assert defs["crawl:a"].executor == "crawl" and defs["crawl:a"].kwargs == {"source": "a"}
    report = defs["monthly-report"].trigger
    assert str(report) == "cron[day='1', hour='8', minute='0']"
    assert str(report.timezone) == "Asia/Shanghai"
    fast = {d.id: d for d in definitions(runtime, Timing(crawl_every=5, watch_every=0))}
    assert fast["crawl:a"].trigger.interval == timedelta(seconds=5) and "watch" not in fast
    off = dataclasses.replace(runtime.settings, watch_seconds=0)  # YUQING_WATCH_SECONDS=0
    with session_scope(runtime.sessions) as session:
        assert "watch" not in {d.id for d in job_definitions(session, off, TIMING)}


def test_reconcile_adds_keeps_replaces_and_removes(engine, settings, runtime, scheduler):
    add_source(runtime.sessions, "a")
    add_source(runtime.sessions, "b")
    first = sched.reconcile(scheduler, definitions(runtime), TIMING)
    assert len(first["added"]) == 11 and first["kept"] == first["removed"] == []
    before = {j.id: j.next_run_time for j in scheduler.get_jobs()}
    scheduler.pause_job("crawl:b")
    again = sched.reconcile(scheduler, definitions(runtime), TIMING)
    assert again["added"] == again["replaced"] == again["removed"] == []
    assert len(again["kept"]) == 11
    assert scheduler.get_job("crawl:a").next_run_time == before["crawl:a"]  # not rescheduled
    with session_scope(runtime.sessions) as session:
        session.scalar(select(Source).where(Source.name == "a")).enabled = False
        session.scalar(select(Source).where(Source.name == "b")).interval_minutes = 5
    third = sched.reconcile(scheduler, definitions(runtime), TIMING)
    assert third["removed"] == ["crawl:a"] and third["replaced"] == ["crawl:b"]
    assert scheduler.get_job("crawl:b").next_run_time is None  # still paused
    assert scheduler.get_job("crawl:b").trigger.interval == timedelta(minutes=5)
    assert store_rows(engine) == sorted(d.id for d in definitions(runtime))


def test_restart_keeps_the_jobs_without_duplicates(engine, settings, runtime):
    add_source(runtime.sessions, "a")
    first = sched.build_scheduler(engine, settings, TIMING)
    first.start(paused=True)
    sched.reconcile(first, definitions(runtime), TIMING)
    times = {j.id: j.next_run_time for j in first.get_jobs()}
    first.shutdown(wait=False)
    rows = store_rows(engine)
    second = sched.build_scheduler(engine, settings, TIMING)
    second.start(paused=True)
    result = sched.reconcile(second, definitions(runtime), TIMING)
    assert result["added"] == [] and len(result["kept"]) == len(rows) == 10
    assert {j.id: j.next_run_time for j in second.get_jobs()} == times
    second.shutdown(wait=False)
    assert store_rows(engine) == rows


def test_every_job_gets_max_instances_coalesce_and_grace(runtime, scheduler):
    sched.reconcile(scheduler, definitions(runtime), TIMING)
    graces = {"monthly-report": 86400, "retention": 21600, "propose-cases": 86400,
              "retrain-models": 21600}
    for job in scheduler.get_jobs():
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.misfire_grace_time == graces.get(job.id, 300)


def test_commands_pause_resume_and_run_now(runtime, scheduler):
    sched.reconcile(scheduler, definitions(runtime), TIMING)
    with session_scope(runtime.sessions) as session:
        sched.request(session, "reminders", "pause")
        sched.request(session, "nope", "pause")
    assert sched.apply_commands(scheduler, runtime.sessions) == 2
    assert scheduler.get_job("reminders").next_run_time is None
    with session_scope(runtime.sessions) as session:
        sched.request(session, "reminders", "run")
    sched.apply_commands(scheduler, runtime.sessions)
    assert scheduler.get_job("reminders").next_run_time <= utcnow() + timedelta(seconds=1)
    with session_scope(runtime.sessions) as session:
        outcomes = [c.outcome for c in session.scalars(select(JobCommand).order_by(JobCommand.id))]
        assert all(c.done_at for c in session.scalars(select(JobCommand)))
    assert outcomes == ["已暂停", "没有这个任务", "已恢复并立即运行"]
    with pytest.raises(ValueError):
        sched.request(runtime.sessions(), "reminders", "explode")


def test_runs_are_recorded_with_their_result(runtime):
    summary = jobs.deliver()
    assert summary == {}
    jobs.crawl(source="missing")
    with pytest.raises(KeyError):
        jobs.crawl()
    with session_scope(runtime.sessions) as session:
        runs = session.scalars(select(JobRun).order_by(JobRun.id)).all()
        assert [(r.job_id, r.status) for r in runs] == [("deliver", "ok"), ("crawl:missing", "ok")]
        assert runs[1].summary == {"source": "missing", "skipped": "source missing or disabled"}
        assert all(r.finished_at >= r.started_at for r in runs)


def test_a_failing_job_records_its_error(runtime, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tracker.collection.check_all", broken)  # what the job imports
    with pytest.raises(RuntimeError):
        jobs.source_health()
    with session_scope(runtime.sessions) as session:
        run = session.scalar(select(JobRun).where(JobRun.job_id == "source-health"))
        assert run.status == "error" and run.error == "RuntimeError: boom"


def test_skipped_runs_are_recorded(runtime):
    listener = sched.record_skips(runtime.sessions)
    listener(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, "crawl:a", "default", [utcnow()]))
    with session_scope(runtime.sessions) as session:
        run = session.scalar(select(JobRun))
        assert (run.job_id, run.status) == ("crawl:a", "skipped")


def test_list_jobs_before_and_after_the_first_start(runtime, scheduler):
    with session_scope(runtime.sessions) as session:
        before = list_jobs(session, runtime.settings)
    assert {i.id for i in before} >= {"analyze", "deliver"}
    assert not any(i.scheduled for i in before)
    sched.reconcile(scheduler, definitions(runtime), TIMING)
    scheduler.pause_job("retention")
    jobs.deliver()
    with session_scope(runtime.sessions) as session:
        infos = {i.id: i for i in list_jobs(session, runtime.settings)}
        shown = json.loads(json.dumps([i.as_json() for i in infos.values()]))
    assert infos["retention"].paused and infos["analyze"].next_run is not None
    deliver = next(j for j in shown if j["id"] == "deliver")
    assert deliver["trigger"] == "interval[0:00:30]" and deliver["last_run"]["status"] == "ok"
    assert set(deliver) == {"id", "name", "trigger", "next_run", "paused", "scheduled",
                            "last_run"}


def test_stale_running_rows_are_interrupted_at_start(runtime):
    with session_scope(runtime.sessions) as session:
        session.add(JobRun(job_id="analyze", status="running"))
    assert sched.interrupt_stale_runs(runtime.sessions) == 1
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(JobRun).where(
            JobRun.status == "interrupted")) == 1


def test_trigger_signature_tells_schedules_apart():
    five = IntervalTrigger(minutes=5, timezone="Asia/Shanghai")
    assert sched.trigger_signature(five) == sched.trigger_signature(
        IntervalTrigger(minutes=5, timezone="Asia/Shanghai"))
    assert sched.trigger_signature(five) != sched.trigger_signature(
        IntervalTrigger(minutes=6, timezone="Asia/Shanghai"))


def test_a_second_scheduler_refuses_to_start(runtime):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    cases = [(os.getppid(), host, None, True), (dead.pid, host, None, False),
             (os.getppid(), host, utcnow(), False), (12345, "another-host", None, True)]
    for pid, where, stopped, refused in cases:
        with session_scope(runtime.sessions) as session:
            session.add(SchedulerBeat(pid=pid, host=where, stopped_at=stopped))
        if refused:
            with pytest.raises(sched.SchedulerBusy, match=f"pid {pid}"):
                sched.ensure_alone(runtime.sessions)
        else:
            sched.ensure_alone(runtime.sessions)
