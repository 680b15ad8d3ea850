"""The SQL outbox → index sync, on SQLite and PostgreSQL, with the search server down and up."""

from __future__ import annotations

import csv
import socket
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from osmem_server import OsmemServer
from sqlalchemy import select

from tests.conftest import SHARED_DATA
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.db import session_scope
from tracker.index.base import MAX_TEXT_CHARS, IndexUnavailable
from tracker.index.elastic import ElasticIndex
from tracker.index.embedded import EmbeddedIndex, sqlite3
from tracker.index.sync import index_batch, pending_count, run_sync
from tracker.models import Mention, Source

SHANGHAI = ZoneInfo("Asia/Shanghai")


def board_items(limit: int) -> list[CollectedItem]:
    """Real message-board messages (TipDM 附件3) as the crawlers hand them to ingest."""
    path = SHARED_DATA / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for _, r in zip(range(limit), csv.DictReader(handle), strict=False)]
    return [CollectedItem(
        kind="board", external_id=r["留言编号"], title=r["留言主题"].strip(),
        text=r["留言详情"].strip(), url=f"http://board.test/{r['留言编号']}",
        author=r["留言用户"], likes=int(r["点赞数"]), dislikes=int(r["反对数"]),
        published_at=datetime.strptime(r["留言时间"].strip(), "%Y/%m/%d %H:%M:%S")
        .replace(tzinfo=SHANGHAI)) for r in rows]


def ingest(sessions, items: list[CollectedItem], name: str = "demo_board_a") -> list[str]:
    """Store items through the real ingest path; return the mention uids."""
    with session_scope(sessions) as session:
        source = session.scalar(select(Source).where(Source.name == name))
        if source is None:
            source = Source(name=name, title="留言板", kind="board", base_url="http://b.test/")
            session.add(source)
            session.flush()
        Ingestor(session, source).ingest_many(items)
        return list(session.scalars(select(Mention.uid).where(Mention.source_id == source.id)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ingest_with_the_server_stopped_then_started_indexes_every_item_once(outbox_sessions):
    uids = ingest(outbox_sessions, board_items(120))
    port = _free_port()
    index = ElasticIndex(f"http://127.0.0.1:{port}", request_timeout=2)
    sleeps: list[float] = []
    down = run_sync(outbox_sessions, index, batch_size=50, max_attempts=3, backoff=0.01,
                    sleep=sleeps.append)
    assert (down.indexed, down.pending) == (0, 120) and down.unavailable
    assert sleeps == [0.01, 0.02]  # bounded retries with exponential backoff
    server = OsmemServer.start(addr=f"127.0.0.1:{port}")
    try:
        up = run_sync(outbox_sessions, index, batch_size=50)
        assert (up.indexed, up.pending, up.unavailable) == (120, 0, None)
        assert run_sync(outbox_sessions, index).indexed == 0
        index.refresh()
        assert index.count() == 120
        seen = Counter(d.id for d in index.changes_since(None, limit=1000).docs)
        assert set(seen) == set(uids) and set(seen.values()) == {1}
    finally:
        index.close()
        server.close()


class FlakyIndex(EmbeddedIndex):
    """An embedded index whose server 'goes down' on chosen upsert calls."""

    def __init__(self, path, fail_on: set[int]) -> None:
        super().__init__(path)
        self.calls, self.fail_on = 0, fail_on

    def upsert(self, docs):
        self.calls += 1
        if self.calls in self.fail_on:
            raise IndexUnavailable("search server unavailable: test")
        return super().upsert(docs)


def test_a_server_lost_mid_run_loses_nothing_and_duplicates_nothing(outbox_sessions, tmp_path):
    uids = ingest(outbox_sessions, board_items(30))
    index = FlakyIndex(tmp_path / "i.db", fail_on={2, 3})
    first = run_sync(outbox_sessions, index, batch_size=10, max_attempts=2, sleep=lambda _s: None)
    assert (first.indexed, first.pending) == (10, 20) and first.unavailable
    second = run_sync(outbox_sessions, index, batch_size=10, sleep=lambda _s: None)
    assert (second.indexed, second.pending) == (20, 0)
    assert index.count() == 30
    assert Counter(d.id for d in index.changes_since(None, 100).docs) == Counter(uids)


def test_changed_mentions_are_indexed_again_and_rejected_ones_wait(outbox_sessions, tmp_path):
    items = board_items(5)
    ingest(outbox_sessions, items)
    index = EmbeddedIndex(tmp_path / "i.db")
    assert run_sync(outbox_sessions, index).indexed == 5
    items[0].title = "标题改了：物业"
    items[1].text = "字" * (MAX_TEXT_CHARS + 1)
    ingest(outbox_sessions, items)
    report = run_sync(outbox_sessions, index)
    assert report.indexed == 1 and [e.reason for e in report.rejected]
    assert report.pending == 1
    with outbox_sessions() as session:
        assert pending_count(session) == 1
    assert any(d.title == "标题改了：物业" for d in index.changes_since(None, 100).docs)


def test_a_mention_changed_while_it_was_being_indexed_stays_pending(outbox_sessions, tmp_path):
    ingest(outbox_sessions, board_items(3))

    class Racing(EmbeddedIndex):
        def upsert(self, docs):
            docs = list(docs)
            with session_scope(outbox_sessions) as other:  # the crawler updates a row meanwhile
                mention = other.scalar(select(Mention).where(Mention.uid == docs[0].id))
                mention.title = "抓取期间改了"
            return super().upsert(docs)

    index = Racing(tmp_path / "i.db")
    _, result = index_batch(outbox_sessions, index)
    assert len(result.written) == 3
    with outbox_sessions() as session:
        assert pending_count(session) == 1


@pytest.mark.parametrize("size", [1, 7])
def test_batches_of_any_size_index_everything(outbox_sessions, tmp_path, size):
    ingest(outbox_sessions, board_items(15))
    index = EmbeddedIndex(tmp_path / "i.db")
    assert run_sync(outbox_sessions, index, batch_size=size).indexed == 15
    assert index.count() == 15


def test_an_index_of_an_older_layout_is_rebuilt_by_the_next_sync(outbox_sessions, tmp_path):
    ingest(outbox_sessions, board_items(4))
    path = tmp_path / "i.db"
    assert run_sync(outbox_sessions, EmbeddedIndex(path)).indexed == 4
    with sqlite3.connect(path) as db:  # as if an older release had built it
        db.execute("UPDATE meta SET value = '0' WHERE name = 'tokenizer'")
    report = run_sync(outbox_sessions, EmbeddedIndex(path))
    assert (report.indexed, report.pending) == (4, 0)
    assert EmbeddedIndex(path).count() == 4
