"""A crawl killed with SIGKILL half-way, run again, ends with the same data as one clean crawl."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import REPO_ROOT
from tests.crawlers.conftest import crawl, drop_crawl_db, make_crawl_db, start_site, stop_site
from tracker.collection.crawlruns import crawl_plan
from tracker.models import CrawlRun, Mention, MessageCase

SOURCE = "demo_board_b"


@pytest.fixture(scope="module")
def big_site():
    """A demo web with a few hundred messages on board B (a crawl of some seconds)."""
    site = start_site(limit=600)
    yield site
    stop_site(site)


@pytest.fixture(scope="module")
def clean_db(big_site, tmp_path_factory):
    """A database after one clean, uninterrupted crawl of the source."""
    db = make_crawl_db("sqlite", tmp_path_factory.mktemp("clean"), big_site.url)
    try:
        crawl(db, SOURCE)
        yield db
    finally:
        drop_crawl_db(db)


@pytest.fixture(scope="module")
def uninterrupted(clean_db):
    """What one clean crawl of the source stores (the reference for both backends)."""
    return stored_data(clean_db)


def stored_data(db) -> tuple[set, set]:
    """Everything a crawl stores about messages and mentions, without ids and timestamps."""
    with db.session() as session:
        cases = {(c.external_id, c.title, c.body, c.author, c.url, c.category,
                  c.submitted_at, c.likes, c.dislikes, c.status, c.reply_text,
                  c.reply_department, c.replied_at, c.fingerprint)
                 for c in session.scalars(select(MessageCase))}
        by_id = dict(session.execute(select(MessageCase.id, MessageCase.external_id)).all())
        mentions = {(m.uid, m.kind, m.url, m.title, m.text, m.author, m.published_at, m.likes,
                     m.fingerprint, by_id.get(m.message_case_id))
                    for m in session.scalars(select(Mention))}
    return cases, mentions


def case_count(db) -> int:
    """How many message cases are stored."""
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(MessageCase)) or 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_then_rerun_equals_an_uninterrupted_crawl(big_site, uninterrupted, backend,
                                                         tmp_path):
    killed = make_crawl_db(backend, tmp_path, big_site.url)
    total = len(uninterrupted[0])
    assert total > 250
    try:

        argv = [sys.executable, "-m", "scrapy", "crawl", "board", "-a", f"source={SOURCE}",
                "--loglevel", "WARNING"]
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=killed.env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while case_count(killed) < 100 and time.monotonic() < deadline:
            assert proc.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 100 <= case_count(killed) < total  # killed half-way

        crawl(killed, SOURCE)
        assert stored_data(killed) == uninterrupted
        with killed.session() as session:
            statuses = list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))
        assert statuses == ["killed", "ok"]
    finally:
        drop_crawl_db(killed)


def test_the_next_crawl_stops_paging_at_known_items(clean_db, uninterrupted):
    with clean_db.session() as session:
        revisits = len(crawl_plan(session, SOURCE).revisit_urls)
    assert 0 < revisits <= 300
    crawl(clean_db, SOURCE)
    assert stored_data(clean_db) == uninterrupted
    with clean_db.session() as session:
        first, second = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    assert first.items_new == len(uninterrupted[0]) and second.items_new == 0
    assert second.items_updated == 0
    # robots.txt, list pages 1 and 2 (page 1 holds three broken fixtures, fetched again,
    # so paging goes on to page 2, which is all known), and the pending messages' pages
    assert second.http_status["200"] == 1 + 2 + 3 + revisits
    assert first.http_status["200"] > second.http_status["200"]
