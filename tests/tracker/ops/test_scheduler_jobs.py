"""The jobs themselves, run in-process against a fresh database: the analysis, the monthly
report saved and announced, retention, the demo clock; and ``yuqing jobs`` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from demo.site import data as demo_data
from demo.site import server as demo_server
from tests.conftest import SHARED_DATA
from tracker import migrate
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.db import make_engine, session_scope
from tracker.events.analyze import AnalysisResult
from tracker.models import CrawlRun, Mention, Source, User, utcnow
from tracker.models.ops import Delivery, JobRun, Notification
from tracker.ops import jobs, runs
from tracker.ops.retention import RetentionPolicy, apply_retention

YUQING = str(Path(sys.executable).with_name("yuqing"))
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def runtime(tmp_path, settings):
    """Jobs run against a fresh migrated SQLite file (they commit)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    migrate.upgrade(engine)
    yield runs.configure(settings, engine)
    runs.reset()
    engine.dispose()


def test_previous_month_in_local_time():
    assert jobs.previous_month(datetime(2025, 1, 1, 0, 0, tzinfo=UTC), SH) == "2024-12"
    # 2025-02-28 16:30 UTC is already 1 March in Shanghai: the report is February's.
    assert jobs.previous_month(datetime(2025, 2, 28, 16, 30, tzinfo=UTC), SH) == "2025-02"


def test_the_analysis_job_runs_in_this_process_with_the_cli_summary(runtime):
    now = utcnow()
    with session_scope(runtime.sessions) as session:
        source = Source(name="forum", title="论坛", kind="forum", enabled=False,
                        base_url="http://127.0.0.1/f", config={})
        session.add(source)
        session.flush()
        ingest = Ingestor(session, source, via="test")
        for i in range(3):
            text = f"丽发新城搅拌站噪音扰民，晚上施工灰尘大（网友{i}）"
            ingest.ingest(CollectedItem(kind="forum", external_id=f"f{i}", title=text[:20],
                                        text=text, url=f"http://127.0.0.1/f/{i}",
                                        published_at=now - timedelta(minutes=i)))
    summary = jobs.analyze()
    assert set(summary) == {"seconds", "result", "announced", "ledger", "qa", "index"}
    assert summary["qa"]["variants"] == 0  # no answered board message here
    # ``result`` is what ``yuqing analyze --json`` prints for the same run.
    assert set(summary["result"]) == set(AnalysisResult().as_json())
    assert summary["result"]["analyzed"] == 3 and summary["result"]["new_events"] >= 1
    assert not (runtime.settings.data_dir / "logs" / "analyze.log").exists()  # no child
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == 3
        run = session.scalar(select(JobRun).where(JobRun.job_id == "analyze"))
        assert run.status == "ok" and run.summary["result"]["analyzed"] == 3
    assert jobs.analyze()["result"]["analyzed"] == 0  # nothing new the second time


def test_monthly_report_is_saved_in_every_format_and_announced(runtime):
    with session_scope(runtime.sessions) as session:
        session.add(User(username="lead", display_name="张领导", role_code="leader",
                         password_hash="-", failed_logins=0, active=True))
    summary = jobs.monthly_report()
    month = summary["month"]
    files = [Path(p) for p in summary["files"]]
    assert sorted(p.suffix for p in files) == [".html", ".pdf", ".xlsx"]
    assert all(p.parent == runtime.settings.data_dir / "reports" and p.stat().st_size > 0
               for p in files)
    assert files[0].name == f"yuqing-monthly-{month}.html"
    with session_scope(runtime.sessions) as session:
        note = session.scalar(select(Notification).where(Notification.kind == "report"))
        assert note.dedup_key == f"report:{month}" and "月度报告已生成" in note.title
        run = session.scalar(select(JobRun).where(JobRun.job_id == "monthly-report"))
        assert run.status == "ok" and run.summary["month"] == month


def test_retention_deletes_old_operational_rows_only(runtime, tmp_path):
    now = utcnow()
    old, recent = now - timedelta(days=400), now - timedelta(days=2)
    with session_scope(runtime.sessions) as session:
        source = Source(name="r", title="r", kind="board", base_url="http://x/", config={})
        session.add(source)
        session.flush()
        for at in (old, recent):
            session.add(CrawlRun(source_id=source.id, started_at=at, finished_at=at,
                                 status="ok", http_status={}, error_samples=[]))
            session.add(JobRun(job_id="deliver", started_at=at, finished_at=at, status="ok"))
            session.add(Delivery(channel="email", endpoint="email", recipient="a@b",
                                 subject="s", body="b", status="sent", created_at=at))
        session.add(Delivery(channel="email", endpoint="email", recipient="c@d", subject="s",
                             body="b", status="retrying", created_at=old))
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "crawl-old.log").write_text("x")
    os.utime(logs / "crawl-old.log", (old.timestamp(), old.timestamp()))
    (logs / "crawl-new.log").write_text("x")
    with session_scope(runtime.sessions) as session:
        counts = apply_retention(session, RetentionPolicy(), now, logs)
    assert counts["crawl_runs"] == counts["job_runs"] == counts["deliveries"] == 1
    assert counts["log_files"] == 1 and (logs / "crawl-new.log").exists()
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 2  # retrying kept
    assert jobs.retention()["crawl_runs"] == 0  # the job: nothing more to delete


def test_demo_clock_moves_the_demo_web_on(runtime):
    web = demo_server.DemoWeb(demo_data.DemoData(SHARED_DATA, 5))
    server = demo_server.make_server(web, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        site = f"http://127.0.0.1:{server.server_address[1]}"
        assert jobs.demo_clock(site=site)["epoch"] == 1
        assert jobs.demo_clock(site=site, max_epoch=2)["epoch"] == 2
        assert jobs.demo_clock(site=site, max_epoch=2)["note"]
        assert web.epoch == 2
    finally:
        server.shutdown()
        server.server_close()


def test_demo_clock_leaves_a_replaying_demo_web_alone(runtime):
    from demo.site.replay import Replay, wall_clock

    web = demo_server.DemoWeb(demo_data.DemoData(SHARED_DATA, 5, replay=Replay(wall_clock())))
    server = demo_server.make_server(web, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = jobs.demo_clock(site=f"http://127.0.0.1:{server.server_address[1]}")
        assert "epoch" not in result and "wall clock" in result["note"]
        assert web.epoch == 0 and web.state()["mode"] == "replay"
    finally:
        server.shutdown()
        server.server_close()


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    full = {"PATH": os.environ["PATH"], "HOME": str(cwd)} | env
    if os.environ.get("PYTHONPATH"):  # a worktree under test, not the installed checkout
        full["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([YUQING, *args], env=full, cwd=cwd, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_yuqing_jobs_command(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    (tmp_path / "var").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'yuqing.db'}")
    migrate.upgrade(engine)  # in-process: each `yuqing` start costs seconds
    engine.dispose()
    listed = run(["jobs", "--json"], env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    shown = json.loads(listed.stdout)
    assert {j["id"] for j in shown} == {"analyze", "reminders", "source-health", "deliver",
                                         "monthly-report", "retention", "propose-cases",
                                         "retrain-models", "watch"}
    assert all(set(j) == {"id", "name", "trigger", "next_run", "paused", "scheduled",
                          "last_run"} for j in shown)
    here = run(["jobs", "run", "deliver", "--here"], env, tmp_path)
    assert here.returncode == 0 and json.loads(here.stdout) == {}
    queued = run(["jobs", "pause", "analyze"], env, tmp_path)
    assert "requested pause of analyze" in queued.stdout and "no scheduler" in queued.stdout
    text = run(["jobs"], env, tmp_path).stdout
    assert "scheduler: not running" in text and "deliver" in text and " ok" in text
    unknown = run(["jobs", "run", "nope", "--here"], env, tmp_path)
    assert unknown.returncode != 0 and "no job 'nope'" in unknown.stderr
