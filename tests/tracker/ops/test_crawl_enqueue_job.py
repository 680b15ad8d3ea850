"""With a shared crawl frontier (YUQING_CRAWL_REDIS_URL), the scheduler's crawl job starts a
round in Redis for the crawl workers instead of crawling itself (real Redis, SQLite and
PostgreSQL)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import func, select

from tests.tracker.ops.test_scheduler import add_source, engine  # noqa: F401  (fixture)
from tracker.collection import frontier
from tracker.db import session_scope
from tracker.models import CrawlRun
from tracker.models.ops import JobRun
from tracker.ops import describe_summary, jobs, runs

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def distributed(engine, settings):  # noqa: F811
    """Jobs run with a frontier of this test's own key prefix (deleted afterwards)."""
    try:
        client = frontier.connect(REDIS_URL)
    except frontier.FrontierError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-enqueue-{uuid.uuid4().hex[:8]}"
    shared = dataclasses.replace(settings, crawl_redis_url=REDIS_URL, crawl_redis_prefix=prefix)
    yield runs.configure(shared, engine, crawl_timeout=60), client, prefix
    runs.reset()
    frontier.drop_prefix(client, prefix)


def test_the_crawl_job_starts_a_round_for_the_workers(distributed):
    runtime, client, prefix = distributed
    add_source(runtime.sessions, "b1")
    add_source(runtime.sessions, "b2")
    assert jobs.crawl(source="b1") == {"source": "b1", "enqueued": True}
    assert jobs.crawl(source="b1") == {"source": "b1", "enqueued": False}  # one waits already
    assert frontier.waiting(client, prefix, ["b1", "b2"]) == ["b1"]
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 0  # no crawl here
        done = session.scalars(select(JobRun).order_by(JobRun.id)).all()
        assert [(r.job_id, r.status) for r in done] == [("crawl:b1", "ok")] * 2
        assert ("已交给抓取节点", "是") in describe_summary(done[0].summary)


def test_the_crawl_commands_say_what_is_missing(engine):  # noqa: F811
    from click.testing import CliRunner

    from tracker.cli import cli

    env = {"YUQING_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "YUQING_ENV": "test", "YUQING_CRAWL_REDIS_URL": ""}
    runner = CliRunner()
    no_url = runner.invoke(cli, ["crawl", "worker", "--until-idle"], env=env)
    assert no_url.exit_code == 2 and "YUQING_CRAWL_REDIS_URL" in no_url.output
    away = runner.invoke(cli, ["crawl", "enqueue", "--redis", "redis://127.0.0.1:1/0"], env=env)
    assert away.exit_code == 1 and "cannot reach the crawl frontier" in away.output
    unknown = runner.invoke(cli, ["crawl", "enqueue", "nope", "--redis", REDIS_URL], env=env)
    assert unknown.exit_code == 1 and "no enabled source named nope" in unknown.output
    assert runner.invoke(cli, ["crawl", "rss", "--help"], env=env).output.startswith(
        "Usage: cli crawl run")  # `yuqing crawl SPIDER` is still the spider's crawl
