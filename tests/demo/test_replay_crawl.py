"""End to end: a replaying demo web on 127.0.0.1, crawled by the real spiders (``scrapy crawl``
children) into SQLite and synced into the ledger, holds present-day data: open and answered
cases in the last 30 days, and nothing dated in the future."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from demo.site.data import DemoData
from demo.site.replay import Replay, wall_clock
from demo.site.server import SHOWCASE, DemoWeb, make_server
from tests.conftest import SHARED_DATA
from tests.crawlers.conftest import crawl_all, drop_crawl_db, make_crawl_db
from tracker.db import session_scope
from tracker.ledger import sync_message_cases
from tracker.models import Mention, MessageCase, utcnow
from tracker.models.ledger import LedgerEntry
from tracker.vocabulary import Kind

LIMIT = 80  # items per section nearest the start: a quick crawl that still spans weeks


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A replay started now, served on a free port, crawled once from every demo source."""
    start = wall_clock()
    web = DemoWeb(DemoData(SHARED_DATA, LIMIT, SHOWCASE, Replay(start)))
    web.warm()
    server = make_server(web)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    db = make_crawl_db("sqlite", tmp_path_factory.mktemp("replay"),
                       f"http://127.0.0.1:{server.server_address[1]}")
    try:
        crawl_all(db)
        with session_scope(db.session) as session:
            sync_message_cases(session)
        yield start, db
    finally:
        server.shutdown()
        server.server_close()
        drop_crawl_db(db)


def test_nothing_crawled_is_dated_in_the_future(crawled):
    _start, db = crawled
    now = utcnow() + timedelta(seconds=5)  # the pages' times are to the minute at most
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MessageCase)) > LIMIT // 2
        assert session.scalar(select(func.max(MessageCase.submitted_at))) <= now
        assert session.scalar(select(func.max(MessageCase.replied_at))) <= now
        assert session.scalar(select(func.max(Mention.published_at))) <= now


def test_the_last_thirty_days_hold_open_and_answered_cases(crawled):
    start, db = crawled
    since = start - timedelta(days=30)
    with db.session() as session:
        entries = session.scalars(select(LedgerEntry).where(
            LedgerEntry.kind == Kind.MESSAGE.value, LedgerEntry.received_at >= since)).all()
        answered = [e for e in entries if e.replied_at is not None]
        still_open = [e for e in entries if e.replied_at is None and e.status != "legacy"]
        assert len(answered) >= 10 and len(still_open) >= 10
        assert all(e.due_at is not None for e in still_open)  # on the clock, not 历史遗留
        now = utcnow()
        assert any(e.due_at < now for e in still_open)  # some already past their deadline
        # and some answered late: over the whole replay, as the few late replies of the last
        # 30 days may all fall out of that window on some days (it moves with the clock)
        every_answered = session.scalars(select(LedgerEntry).where(
            LedgerEntry.kind == Kind.MESSAGE.value, LedgerEntry.replied_at.is_not(None))).all()
        assert any(e.replied_at > e.due_at for e in every_answered if e.due_at is not None)
        newest = max(e.received_at for e in entries)
        assert now - newest < timedelta(days=3)  # the board is alive today
