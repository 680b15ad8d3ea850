"""Acceptance 1: the real ``yuqing scheduler`` process against the demo web, with short
intervals. Crawls (``scrapy crawl`` children), the analysis job and an alert happen; a crawl
child killed with SIGKILL fails only its own run while the scheduler goes on; a restarted
scheduler keeps its jobs without duplicates.

Every wait is bounded; the demo web, the database and both processes live in tmp_path.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from demo import sources as sources_config
from tests.conftest import SHARED_DATA
from tracker import migrate
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.db import make_engine, session_factory, session_scope
from tracker.models import Source, User, utcnow
from tracker.models.ops import JobRun, Notification, scheduler_jobs
from tracker.ops import processes as runner

YUQING = str(Path(sys.executable).with_name("yuqing"))
BOARD, DEAD = "demo_board_a", "dead_board"
FAST = ["--crawl-every", "6", "--analyze-every", "5", "--health-every", "5",
        "--deliver-every", "3", "--reminders-every", "5", "--quiet-runs", "2",
        "--quiet-after", "0", "--crawl-timeout", "120"]


def wait_for(what: str, check: Callable[[], object], timeout: float, proc=None):
    """Poll ``check`` every half second until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = _log_tail(proc)
            pytest.fail(f"the scheduler exited ({proc.returncode}) while waiting for {what}:\n"
                        f"{tail}")
        result = check()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _log_tail(proc) -> str:
    path = getattr(proc, "log_path", None)
    return path.read_text()[-3000:] if path and path.exists() else ""


def crawl_children(pid: int, source: str) -> list[int]:
    """Pids of the scheduler's ``scrapy crawl`` children for ``source`` (from /proc)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"scrapy" in cmdline and f"source={source}".encode() in cmdline:
                found.append(int(child))
    return found


@pytest.fixture
def world(tmp_path):
    """Demo web, migrated SQLite file with board A, a dead board, an admin and staff."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var"),
           "YUQING_DATABASE_URL": f"sqlite:///{tmp_path / 'yuqing.db'}",
           "YUQING_TIMEZONE": daytime_zone()}
    engine = make_engine(env["YUQING_DATABASE_URL"])
    migrate.upgrade(engine)
    port = runner.free_port()
    site = runner.start_demo_site(port, data_dir=SHARED_DATA, limit=30,
                                  log=tmp_path / "site.log")
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        for source in sources_config.seed_demo_sources(session, f"http://127.0.0.1:{port}"):
            source.enabled = source.name == BOARD
        session.add(Source(name=DEAD, title="已失效的留言板", kind="board",
                           base_url=f"http://127.0.0.1:{runner.free_port()}",
                           config=sources_config.BOARD_A, interval_minutes=30))
        for name, role in (("admin-x", "admin"), ("staff-x", "opinion_staff")):
            session.add(User(username=name, display_name=name, role_code=role,
                             password_hash="-", failed_logins=0, active=True))
    seed_burst(sessions)
    yield env, sessions, engine, tmp_path
    runner.stop(site)
    engine.dispose()


PLACES = ["A2区丽发新城", "丽发新城小区", "丽发新城附近"]
PROBLEMS = ["搅拌站噪音扰民，晚上施工灰尘大，居民无法休息",
            "搅拌站日夜施工，噪音和粉尘污染严重，请相关部门查处",
            "搅拌站违规夜间作业，噪音扰民问题一直得不到解决，非常气愤",
            "搅拌站噪音大、灰尘多，严重影响孩子学习，投诉无果",
            "搅拌站扬尘噪音污染，希望环保部门尽快处理，太差了"]


def seed_burst(sessions, count: int = 40) -> None:
    """A burst of posts about one matter on a (not crawled) forum: what heats up."""
    now = utcnow()
    with session_scope(sessions) as session:
        src = Source(name="burst_forum", title="本地论坛", kind="forum", enabled=False,
                     base_url="http://127.0.0.1/burst", config={})
        session.add(src)
        session.flush()
        ingest = Ingestor(session, src, via="test")
        for i in range(count):
            text = f"{PLACES[i % 3]}{PROBLEMS[i % 5]}（网友{i}）"
            ingest.ingest(CollectedItem(
                kind="forum", external_id=f"b{i}", title=text[:24], text=text, likes=20,
                comments=5, reposts=3, url=f"http://127.0.0.1/burst/{i}",
                published_at=now - timedelta(minutes=count - i)))


def daytime_zone() -> str:
    """A zone where it is about noon now, so quiet hours never hold the test's alert."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def start_scheduler(env: dict, folder: Path, name: str) -> tuple[subprocess.Popen, Path]:
    log = folder / f"{name}.log"
    proc = subprocess.Popen([YUQING, "scheduler", *FAST], env=env, cwd=folder,
                            stdout=log.open("w"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    proc.log_path = log  # type: ignore[attr-defined]  (for the failure message)
    return proc, log


def stop_scheduler(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def runs(sessions, job_id: str, status: str | None = None) -> list[JobRun]:
    with session_scope(sessions) as session:
        query = select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)
        if status:
            query = query.where(JobRun.status == status)
        return list(session.scalars(query))


def notifications(sessions, kind: str) -> list[Notification]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(Notification).where(Notification.kind == kind)))


def store_ids(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(scheduler_jobs.c.id)).scalars())


@pytest.mark.slow
def test_scheduler_process_crawls_analyzes_alerts_survives_kills_and_restarts(world):
    env, sessions, engine, folder = world
    proc, log = start_scheduler(env, folder, "scheduler-1")
    try:
        wait_for("a crawl of board A", lambda: runs(sessions, f"crawl:{BOARD}", "ok"), 120, proc)
        wait_for("an analysis run", lambda: runs(sessions, "analyze", "ok"), 60, proc)
        victim = wait_for("a running crawl child", lambda: crawl_children(proc.pid, BOARD),
                          60, proc)[0]
        killed_at = time.time()
        os.kill(victim, signal.SIGKILL)
        failed = wait_for("the killed crawl's run", lambda: runs(
            sessions, f"crawl:{BOARD}", "error"), 60, proc)
        assert "被信号 9 终止" in failed[0].error
        assert proc.poll() is None  # the scheduler lives on
        wait_for("a crawl after the kill", lambda: [
            r for r in runs(sessions, f"crawl:{BOARD}", "ok")
            if r.started_at.timestamp() > killed_at], 120, proc)
        alert = wait_for("the dead board's admin alert",
                         lambda: notifications(sessions, "source_health"), 120, proc)
        assert "已失效的留言板" in alert[0].title and "抓取失败" in alert[0].title
        ids = store_ids(engine)
        assert f"crawl:{BOARD}" in ids and f"crawl:{DEAD}" in ids and "analyze" in ids
    finally:
        code = stop_scheduler(proc)
    assert code == 0, log.read_text()[-2000:]
    assert "scheduler stopped" in log.read_text()

    again, log2 = start_scheduler(env, folder, "scheduler-2")
    try:
        line = wait_for("the restart's reconcile line", lambda: re.search(
            r"jobs added (\d+), replaced (\d+), kept (\d+), removed (\d+)", log2.read_text()),
            60, again)
        assert line.groups() == ("0", "0", str(len(ids)), "0")
        assert store_ids(engine) == ids  # the same jobs, no duplicates
    finally:
        assert stop_scheduler(again) == 0
    analysis = runs(sessions, "analyze", "ok")[0].summary
    assert analysis["result"]["alerts"] >= 1 and analysis["announced"] >= 1
    alerts = notifications(sessions, "alert")
    assert alerts and "丽发新城" in alerts[0].title + alerts[0].body
