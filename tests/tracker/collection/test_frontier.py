"""The shared crawl frontier's keys (real Redis) and how a shared round's runs settle (SQLite
and PostgreSQL). The whole path, with two crawl workers and a kill, is in
tests/crawlers/test_distributed.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tracker.collection import crawlruns, frontier
from tracker.collection.crawlruns import KILLED, OK, PARTIAL, RUNNING
from tracker.models import CrawlRun, Source

REDIS_URL = "redis://127.0.0.1:6379/13"
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def client():
    """A client on this test's own key prefix; the keys are deleted afterwards."""
    try:
        client = frontier.connect(REDIS_URL)
    except frontier.FrontierError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.prefix = f"test-frontier-{uuid.uuid4().hex[:8]}"
    yield client
    frontier.drop_prefix(client, client.prefix)


def test_a_round_starts_once_and_clears_an_idle_rounds_fingerprints(client):
    prefix, keys = client.prefix, frontier.source_keys(client.prefix, "b")
    assert frontier.enqueue(client, prefix, ["a", "b"]) == {"a": True, "b": True}
    assert frontier.enqueue(client, prefix, ["b"]) == {"b": False}  # not doubled
    assert frontier.waiting(client, prefix, ["a", "b", "c"]) == ["a", "b"]
    client.sadd(keys.dupefilter, "fingerprint of the last round")
    client.set(keys.cut, "x")
    assert frontier.take_start(client, prefix, "b") is True
    assert frontier.take_start(client, prefix, "b") is False  # one taker only
    assert not client.exists(keys.dupefilter) and not frontier.was_cut(client, prefix, "b")
    assert frontier.round_started(client, prefix, "b") is not None
    # Requests still queued: the round goes on, its fingerprints stay.
    client.zadd(keys.requests, {"a request": 0})
    client.sadd(keys.dupefilter, "fingerprint")
    frontier.enqueue(client, prefix, ["b"])
    assert frontier.take_start(client, prefix, "b") is True
    assert client.exists(keys.dupefilter)
    assert frontier.waiting(client, prefix, ["a", "b"]) == ["a", "b"]
    frontier.mark_cut(client, prefix, "b")
    assert frontier.was_cut(client, prefix, "b")
    assert frontier.clear(client, prefix, ["a", "b"]) == 5  # a:start, b: requests, df, round, cut
    assert frontier.waiting(client, prefix, ["a", "b"]) == []


def test_an_unreachable_frontier_is_one_clear_error():
    with pytest.raises(frontier.FrontierError, match="cannot reach the crawl frontier"):
        frontier.connect("redis://127.0.0.1:1/0")


@pytest.fixture
def source(session):
    board = Source(name="shared_board", title="测试留言板", kind="board",
                   base_url="http://board.example", config={})
    session.add(board)
    session.flush()
    return board


def run(session, source, status, start_min, end_min=None) -> CrawlRun:
    row = CrawlRun(source_id=source.id, status=status,
                   started_at=T0 + timedelta(minutes=start_min),
                   finished_at=None if end_min is None else T0 + timedelta(minutes=end_min),
                   http_status={}, error_samples=[])
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize(("partner", "cut", "expected"), [
    ((OK, 1, 5), False, OK),          # the partner ended first, whole: this one closes the round
    ((PARTIAL, 1, 5), False, OK),     # partial only because this one was still running
    ((RUNNING, 1, None), False, PARTIAL),  # still crawling (or dead, not yet marked)
    ((KILLED, 1, 4), False, PARTIAL),  # killed during the round: what it had taken is missing
    ((KILLED, -30, -20), False, OK),  # killed in an earlier round: not this round's
    ((OK, 1, 5), True, PARTIAL),      # some crawl of the round was cut short
])
def test_a_shared_round_ends_ok_only_when_whole(session, source, partner, cut, expected):
    run(session, source, *partner)
    me = run(session, source, OK, 0, 6)
    assert crawlruns.settle_shared(session, me.id, T0, cut) == expected
    session.flush()
    session.expire_all()
    assert session.get(CrawlRun, me.id).status == expected


def test_a_run_cut_on_its_own_stays_as_it_ended(session, source):
    me = run(session, source, PARTIAL, 0, 6)
    assert crawlruns.settle_shared(session, me.id, T0, False) == PARTIAL
