"""The change watch and the jobs it brings forward, on a real scheduler job store (SQLite and
PostgreSQL) against the demo web served on 127.0.0.1: a new message on board A brings its
crawl (30-minute interval) forward within one watch tick, an unchanged board brings nothing,
a refused connection is a logged skip, a crawl that stored new items brings the analysis
forward (a real ``scrapy crawl`` child)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from demo.site.data import DemoData, Message
from demo.site.replay import Replay, wall_clock
from demo.site.server import SHOWCASE, DemoWeb, make_server
from demo.sources import BOARD_A, seed_demo_sources
from tests.conftest import SHARED_DATA, create_pg_database, drop_pg_database
from tracker import migrate
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.collection.watch import Look, Robots, Target, fingerprint, look, remember
from tracker.db import make_engine, session_scope
from tracker.models import Source, SourceWatch, utcnow
from tracker.models.ops import JobRun
from tracker.ops import Timing, job_definitions, jobs, runs
from tracker.ops import scheduler as sched

BOARD = "demo_board_a"
CRAWL = f"crawl:{BOARD}"


@pytest.fixture
def demo_web():
    """The demo web replaying on the wall clock (a message posted now is on page 1)."""
    web = DemoWeb(DemoData(SHARED_DATA, 10, SHOWCASE, Replay(wall_clock())))
    server = make_server(web, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                     daemon=True).start()
    yield web, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def runtime(backend, tmp_path, monkeypatch, settings):
    """A fresh migrated database the jobs commit to; crawl children see the same one."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'watch.db'}"
    else:
        url = create_pg_database("yuqing_watch")
    monkeypatch.setenv("YUQING_DATABASE_URL", url)
    monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "var"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield runs.configure(dataclasses.replace(settings, database_url=url), engine,
                         crawl_timeout=120)
    runs.reset()
    engine.dispose()
    if backend == "postgresql":
        drop_pg_database(url)


@pytest.fixture
def scheduler(runtime):
    """The scheduler on the job store, started paused (nothing runs by itself), holding the
    default job list and reachable by the jobs (as in ``yuqing scheduler``)."""
    scheduler = sched.build_scheduler(runtime.engine, runtime.settings, Timing())
    scheduler.start(paused=True)
    runs.attach_scheduler(scheduler)
    yield scheduler
    runs.attach_scheduler(scheduler, attached=False)
    scheduler.shutdown(wait=False)


def sync(runtime, scheduler) -> None:
    with session_scope(runtime.sessions) as session:
        defs = job_definitions(session, runtime.settings, Timing())
    sched.reconcile(scheduler, defs, Timing())


def seed_board(runtime, base_url: str) -> None:
    with session_scope(runtime.sessions) as session:
        for source in seed_demo_sources(session, base_url):
            source.enabled = source.name == BOARD  # the default 30-minute interval


def next_run(scheduler, job: str):
    return scheduler.get_job(job).next_run_time


def post(web: DemoWeb, message_id: str) -> None:
    web.post("board_a", Message(id=message_id, user="居民甲", title="翠湖花园电梯故障困人",
                                body="翠湖花园电梯频繁故障困人，请相关部门尽快处理。",
                                submitted=wall_clock()))


def test_a_new_board_message_brings_the_crawl_forward_within_one_watch_tick(
        runtime, scheduler, demo_web):
    web, base_url = demo_web
    seed_board(runtime, base_url)
    sync(runtime, scheduler)
    watch_job = scheduler.get_job("watch")
    assert isinstance(watch_job.trigger, IntervalTrigger)
    assert watch_job.trigger.interval == timedelta(seconds=60)  # the default
    crawl_job = scheduler.get_job(CRAWL)
    assert crawl_job.trigger.interval == timedelta(minutes=30)
    later = utcnow() + timedelta(minutes=29)  # mid-interval: the next crawl is far away
    scheduler.modify_job(CRAWL, next_run_time=later)

    first = jobs.watch()  # the first look: items no crawl has stored bring the crawl forward
    assert (first["watched"], first["changed"], first["crawls"]) == (1, 1, 1)
    assert next_run(scheduler, CRAWL) <= utcnow()
    scheduler.modify_job(CRAWL, next_run_time=later)
    again = jobs.watch()  # unchanged: nothing is brought forward
    assert (again["changed"], again["unchanged"], again["crawls"]) == (0, 1, 0)
    assert next_run(scheduler, CRAWL) == later

    post(web, "990001")
    before = utcnow()
    tick = jobs.watch()
    assert (tick["changed"], tick["crawls"], tick["triggered"]) == (1, 1, {BOARD: "now"})
    assert before - timedelta(seconds=1) <= next_run(scheduler, CRAWL) <= utcnow()
    assert next_run(scheduler, "analyze") > utcnow() + timedelta(minutes=4)  # not touched
    with session_scope(runtime.sessions) as session:
        source = session.scalar(select(Source).where(Source.name == BOARD))
        seen = session.get(SourceWatch, source.id)
        assert seen.changed_at is not None and len(seen.fingerprint) == 64
        runs_ok = session.scalars(select(JobRun.status).where(JobRun.job_id == "watch")).all()
    assert runs_ok == ["ok", "ok", "ok"]

    scheduler.modify_job(CRAWL, next_run_time=later)
    assert jobs.watch()["changed"] == 0  # the stored fingerprint is the new page's


def test_a_paused_crawl_stays_paused_when_its_board_changes(runtime, scheduler, demo_web):
    web, base_url = demo_web
    seed_board(runtime, base_url)
    sync(runtime, scheduler)
    scheduler.pause_job(CRAWL)
    assert jobs.watch()["triggered"] == {BOARD: "paused"}  # never crawled: new items
    post(web, "990002")
    assert jobs.watch()["triggered"] == {BOARD: "paused"}
    assert next_run(scheduler, CRAWL) is None


def test_a_refused_watch_fetch_is_a_logged_skip(runtime, scheduler, caplog):
    with session_scope(runtime.sessions) as session:
        session.add(Source(name="closed", title="关闭的留言板", kind="board",
                           base_url="http://127.0.0.1:9", config=BOARD_A, interval_minutes=30))
    sync(runtime, scheduler)
    with caplog.at_level(logging.INFO, logger="tracker.ops.jobs"):
        summary = jobs.watch()
    assert (summary["watched"], summary["skipped"], summary["changed"]) == (1, 1, 0)
    assert "refused" in summary["skips"]["closed"].lower()
    assert any("closed skipped" in r.getMessage() for r in caplog.records)
    with session_scope(runtime.sessions) as session:
        assert session.scalars(select(SourceWatch)).all() == []
        run = session.scalar(select(JobRun).where(JobRun.job_id == "watch"))
        assert run.status == "ok" and run.error is None


def test_a_crawl_that_stored_new_items_brings_the_analysis_forward(runtime, scheduler,
                                                                   demo_web):
    web, base_url = demo_web
    seed_board(runtime, base_url)
    sync(runtime, scheduler)
    far = next_run(scheduler, "analyze")
    assert far > utcnow() + timedelta(minutes=4)
    summary = jobs.crawl(source=BOARD)
    assert summary["run"]["new"] > 0
    assert summary["then"] == {"analyze": "now"}
    assert next_run(scheduler, "analyze") <= utcnow()
    scheduler.modify_job("analyze", next_run_time=far)
    again = jobs.crawl(source=BOARD)  # nothing new: the analysis keeps its schedule
    assert again["run"]["new"] == 0 and "then" not in again
    assert next_run(scheduler, "analyze") == far


def test_run_soon_waits_for_a_running_job_then_runs_it_again(runtime, scheduler):
    sync(runtime, scheduler)
    started = threading.Event()
    release = threading.Event()

    @runs.recorded("deliver")
    def slow_deliver() -> dict:
        started.set()
        release.wait(10)
        return {}

    worker = threading.Thread(target=slow_deliver)
    worker.start()
    assert started.wait(10)
    try:
        assert runs.run_soon("deliver") == "after"  # not a second instance now
        assert next_run(scheduler, "deliver") > utcnow()
    finally:
        release.set()
        worker.join(10)
    assert runs.rerun_if_asked("deliver") == "now"  # once the run has ended
    assert next_run(scheduler, "deliver") <= utcnow()
    assert runs.rerun_if_asked("deliver") is None  # asked once, run once
    assert runs.run_soon("no-such-job") == "missing"


class ConditionalBoard(BaseHTTPRequestHandler):
    """Board A's list page as a server with an ETag would serve it."""

    body = b""
    etag = '"v1"'
    asked: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).asked.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def test_a_server_with_an_etag_gets_a_conditional_get(demo_web):
    _web, base_url = demo_web
    page = look(Target(1, "a", base_url + BOARD_A["start_urls"][0], BOARD_A))
    assert page.outcome == "fetched" and page.entries >= 10
    ConditionalBoard.body = b"<ul id='list_content'>" + b"".join(
        f"<li><h2><a href='/c?tid={i}'>t</a></h2></li>".encode() for i in range(3)) + b"</ul>"
    ConditionalBoard.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ConditionalBoard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = {**BOARD_A, "politeness": {"robots": False}}
        url = f"http://127.0.0.1:{server.server_address[1]}/list"
        first = look(Target(1, "a", url, config), Robots())
        assert first.outcome == "fetched" and first.etag == '"v1"' and first.entries == 3
        assert first.fingerprint == fingerprint([f"/c?tid={i}" for i in range(3)])
        second = look(Target(1, "a", url, config, first.fingerprint, first.etag))
        assert second.outcome == "not_modified" and second.fingerprint == first.fingerprint
        assert ConditionalBoard.asked == [None, '"v1"']
    finally:
        server.shutdown()
        server.server_close()


def test_remember_only_reports_a_change_after_a_first_look(session):
    source = Source(name="w", title="w", kind="board", base_url="http://x/", config=BOARD_A)
    session.add(source)
    session.flush()
    target = Target(source.id, "w", "http://x/list", BOARD_A)

    def seen(fp: str, outcome: str = "fetched", ids: tuple[str, ...] = ()) -> bool:
        return remember(session, Look(target, outcome, fp or None, ids=ids))

    assert not seen("a")  # first look, no item ids: nothing to compare with
    assert not seen("a") and seen("b") and not seen("b")
    assert not seen("", "skipped")  # a skip changes nothing
    assert session.get(SourceWatch, source.id).fingerprint == "b"
    moved = Target(source.id, "w", "http://x/list?page=1", BOARD_A)  # a first look again
    ingest = Ingestor(session, source, via="test")
    ingest.ingest(CollectedItem(kind="board", external_id="7", title="已存留言", text="已存留言",
                                url="http://x/c?tid=7", published_at=utcnow()))
    assert not remember(session, Look(moved, "fetched", "c", ids=("7",)))  # all stored
    moved = Target(source.id, "w", "http://x/list?page=01", BOARD_A)
    assert remember(session, Look(moved, "fetched", "c", ids=("7", "8")))  # 8 is new
