"""Acceptance 4: a demo board whose markup changes goes quiet and raises one admin alert;
restoring the markup clears the state. Real crawls (``scrapy crawl`` children started by the
crawl job) against the demo web served on 127.0.0.1 by this test.

The markup switch lives here, as a subclass of the demo web: board A is "redesigned" (new
ids and classes on its list and detail pages), which is what a real board does to a crawler.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from demo import sources as sources_config
from demo.site import data as demo_data
from demo.site import server as demo_site
from tests.conftest import SHARED_DATA
from tracker import migrate
from tracker.collection.health import HealthPolicy, check_source
from tracker.db import make_engine, session_scope
from tracker.models import Source, User
from tracker.models.ops import JobRun, Notification, SourceHealth
from tracker.ops import jobs, runs

BOARD = "demo_board_a"
REDESIGN = {'id="list_content"': 'id="msg-list"', "liuyan_box03": "msg-main",
            "liuyan_box05": "msg-reply", 'class="footer"': 'class="site-foot"'}


class SwitchableWeb(demo_site.DemoWeb):
    """The demo web with a switch that redesigns board A's markup."""

    redesigned = False

    def switch(self, on: bool) -> None:
        self.redesigned = on
        self.set_epoch(self.epoch)  # drops the page cache

    def _redesign(self, page):
        if not self.redesigned or not isinstance(page.body, str):
            return page
        body = page.body
        for old, new in REDESIGN.items():
            body = body.replace(old, new)
        return dataclasses.replace(page, body=body)

    def _a_list(self, *args):
        return self._redesign(super()._a_list(*args))

    def _a_detail(self, *args):
        return self._redesign(super()._a_detail(*args))


@pytest.fixture
def demo_web():
    web = SwitchableWeb(demo_data.DemoData(SHARED_DATA, 30, demo_site.SHOWCASE))
    server = demo_site.make_server(web, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    yield web, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(tmp_path, monkeypatch, settings, demo_web):
    """A migrated SQLite file, board A seeded, an admin; crawl children see the same DB."""
    url = f"sqlite:///{tmp_path / 'health.db'}"
    monkeypatch.setenv("YUQING_DATABASE_URL", url)
    monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "var"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    web, base_url = demo_web
    policy = HealthPolicy(quiet_runs=2, quiet_after=timedelta(0))
    runtime = runs.configure(dataclasses.replace(settings, database_url=url), engine,
                             crawl_timeout=120, health_policy=policy)
    with session_scope(runtime.sessions) as session:
        for source in sources_config.seed_demo_sources(session, base_url):
            source.enabled = source.name == BOARD
        session.add(User(username="ops-admin", display_name="赵管理", role_code="admin",
                         password_hash="-", failed_logins=0, active=True))
    yield web, runtime, policy
    runs.reset()
    engine.dispose()


def health(runtime) -> SourceHealth:
    with session_scope(runtime.sessions) as session:
        source = session.scalar(select(Source).where(Source.name == BOARD))
        return session.get(SourceHealth, source.id)


def admin_alerts(runtime) -> list[Notification]:
    with session_scope(runtime.sessions) as session:
        return session.scalars(select(Notification).where(
            Notification.kind == "source_health").order_by(Notification.id)).all()


@pytest.mark.slow
def test_redesigned_board_goes_quiet_alerts_once_and_recovers(world):
    web, runtime, policy = world
    states = []
    for _ in range(2):  # normal crawls: the first takes the backlog, the second revisits
        summary = jobs.crawl(source=BOARD)
        assert summary["returncode"] == 0 and summary["run"]["status"] == "ok"
        states.append(summary["health"])
    assert states == ["ok", "ok"]
    web.switch(True)
    broken = [jobs.crawl(source=BOARD) for _ in range(2)]
    assert [s["run"]["new"] + s["run"]["updated"] + s["run"]["unchanged"]
            for s in broken] == [0, 0]
    assert [s["health"] for s in broken] == ["ok", "quiet"]
    with session_scope(runtime.sessions) as session:  # the health job looks again: no repeat
        check_source(session, runtime.settings,
                     session.scalar(select(Source).where(Source.name == BOARD)), policy=policy)
    alerts = admin_alerts(runtime)
    assert len(alerts) == 1 and alerts[0].resolved_at is None
    assert "演示" in alerts[0].title or "信箱" in alerts[0].title
    assert "无数据" in alerts[0].title and health(runtime).alerted_at is not None
    web.switch(False)
    restored = jobs.crawl(source=BOARD)
    assert restored["health"] == "ok"
    after = health(runtime)
    assert after.state == "ok" and after.alerted_at is None
    alerts = admin_alerts(runtime)
    assert len(alerts) == 1 and alerts[0].resolved_at is not None
    with session_scope(runtime.sessions) as session:
        runs = session.scalars(select(JobRun.status).where(JobRun.job_id == f"crawl:{BOARD}"))
        assert list(runs) == ["ok"] * 5
