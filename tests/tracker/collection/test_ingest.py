"""Ingest on SQLite and PostgreSQL: idempotent upserts, replies audited, nothing erased."""

import os
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.collection import crawlruns
from tracker.collection.ingest import CollectedItem, Ingestor, Rejected, check_item, mention_uid
from tracker.models import AuditEvent, CrawlRun, Mention, MessageCase, Source

T0 = datetime(2019, 12, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def source(session):
    """A board source."""
    board = Source(name="test_board", title="测试留言板", kind="board",
                   base_url="http://new.example", config={"revisit": {"days": 30}})
    session.add(board)
    session.flush()
    return board


def message(**changes) -> CollectedItem:
    """A pending board message; ``changes`` override fields."""
    item = CollectedItem(kind="board", external_id="1001", title="反映道路破损问题",
                         text="A3区某路段坑洼严重。", author="A00012345",
                         url="http://old.example/t/1001", published_at=T0)
    return replace(item, **changes)


REPLY = {"reply_text": "已安排维修。", "replied_at": T0 + timedelta(days=3),
         "reply_department": "A3区住建局"}


def test_a_message_becomes_a_case_and_a_linked_mention_once(session, source):
    ingestor = Ingestor(session, source)
    assert ingestor.ingest(message()) == "new"
    assert ingestor.ingest(message()) == "unchanged"
    case = session.scalar(select(MessageCase))
    mention = session.scalar(select(Mention))
    assert (case.external_id, case.status, case.submitted_at) == ("1001", "pending", T0)
    assert mention.uid == mention_uid(source.id, "1001")
    assert mention.message_case_id == case.id and mention.indexed_at is None
    assert mention.extra == {"status": "pending"}
    assert ingestor.counts == {"new": 1, "updated": 0, "unchanged": 1}


def test_a_reply_seen_later_is_recorded_audited_and_reindexed(session, source):
    ingestor = Ingestor(session, source)
    ingestor.ingest(message())
    mention = session.scalar(select(Mention))
    mention.indexed_at = T0  # the search index has it
    session.flush()
    assert ingestor.ingest(message(**REPLY)) == "updated"
    case = session.scalar(select(MessageCase))
    assert (case.status, case.reply_text, case.replied_at) == ("replied", "已安排维修。",
                                                               T0 + timedelta(days=3))
    assert case.reply_department == "A3区住建局"
    events = {e.field: e for e in session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "message_case", AuditEvent.entity_id == str(case.id)))}
    assert set(events) == {"status", "reply_text", "replied_at", "reply_department"}
    assert (events["status"].old_value, events["status"].new_value) == ("pending", "replied")
    assert events["reply_text"].action == "reply_recorded"
    assert events["reply_text"].detail == {"source": "test_board", "via": "crawl"}
    assert session.scalar(select(Mention)).indexed_at is None
    assert ingestor.ingest(message(**REPLY)) == "unchanged"


def test_a_worse_page_never_erases_what_a_good_one_gave(session, source):
    ingestor = Ingestor(session, source)
    ingestor.ingest(message(**REPLY, likes=12))
    weaker = message(author=None, likes=None, url="http://elsewhere.example/1001")
    assert ingestor.ingest(weaker) == "unchanged"
    case = session.scalar(select(MessageCase))
    assert (case.status, case.reply_text, case.author, case.likes) == (
        "replied", "已安排维修。", "A00012345", 12)
    assert case.url == "http://old.example/t/1001"


def test_a_coarse_time_read_again_is_not_a_change_but_a_precise_one_is(session, source):
    ingestor = Ingestor(session, source)
    ingestor.ingest(message(published_at=T0, published_precision=3600))  # "3小时前"
    later_reading = message(published_at=T0 + timedelta(minutes=40), published_precision=3600)
    assert ingestor.ingest(later_reading) == "unchanged"
    precise = message(published_at=T0 - timedelta(minutes=27), published_precision=60)
    assert ingestor.ingest(precise) == "updated"
    assert session.scalar(select(MessageCase)).submitted_at == T0 - timedelta(minutes=27)


def test_news_items_are_mentions_only_and_changes_reset_the_outbox(session, source):
    ingestor = Ingestor(session, source)
    article = CollectedItem(kind="news", external_id="a-1", title="标题", text="正文",
                            published_at=T0, comments=3)
    assert ingestor.ingest(article) == "new"
    stored = session.scalar(select(Mention))
    stored.indexed_at = T0
    assert ingestor.ingest(replace(article, comments=5)) == "updated"
    assert stored.comments == 5 and stored.indexed_at is None
    assert session.scalar(select(MessageCase)) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"external_id": ""}, "missing id"),
        ({"title": ""}, "missing title"),
        ({"published_at": None}, "missing submitted time"),
        ({"reply_text": "好的"}, "reply without reply time"),
        ({"replied_at": T0 + timedelta(days=1)}, "reply time without reply text"),
        ({"reply_text": "好的", "replied_at": T0 - timedelta(days=1)}, "reply before receipt"),
    ],
)
def test_items_that_cannot_be_stored_are_rejected_with_a_reason(changes, reason):
    with pytest.raises(Rejected, match=reason):
        check_item(message(**changes))


def _run(session, source, status, finished):
    run = CrawlRun(source_id=source.id, status=status, started_at=finished - timedelta(
        minutes=5), finished_at=finished, http_status={}, error_samples=[])
    session.add(run)
    session.flush()
    return run


def test_known_items_are_those_stored_by_a_complete_crawl(session, source):
    ingestor = Ingestor(session, source)
    ingestor.ingest(message())
    session.flush()
    stored_at = session.scalar(select(Mention.fetched_at))
    assert crawlruns.crawl_plan(session, "test_board").known_uids == frozenset()
    _run(session, source, "killed", stored_at + timedelta(seconds=1))
    assert crawlruns.crawl_plan(session, "test_board").known_uids == frozenset()
    _run(session, source, "ok", stored_at + timedelta(seconds=2))
    ingestor.ingest(message(external_id="1002"))  # stored after: by a crawl not yet finished
    session.flush()
    for mention in session.scalars(select(Mention).where(
            Mention.uid == mention_uid(source.id, "1002"))):
        mention.fetched_at = stored_at + timedelta(seconds=3)
    plan = crawlruns.crawl_plan(session, "test_board")
    assert plan.known_uids == {mention_uid(source.id, "1001")}


def test_pending_messages_are_revisited_at_the_sources_current_address(session, source):
    ingestor = Ingestor(session, source)
    ingestor.ingest(message())
    ingestor.ingest(message(external_id="1002", url="http://old.example/t/1002", **REPLY))
    ingestor.ingest(message(external_id="900", url="http://old.example/t/900",
                            published_at=T0 - timedelta(days=90)))  # outside the window
    plan = crawlruns.crawl_plan(session, "test_board")
    assert plan.revisit_urls == ("http://new.example/t/1001",)


def test_runs_left_running_by_dead_processes_are_marked_killed(session, source):
    now = datetime.now(UTC)
    alive = CrawlRun(source_id=source.id, status="running", pid=os.getpid(),
                     host=socket.gethostname(), heartbeat_at=now, http_status={},
                     error_samples=[])
    dead = CrawlRun(source_id=source.id, status="running", pid=2 ** 22 + 7,
                    host=socket.gethostname(), heartbeat_at=now, http_status={},
                    error_samples=[])
    silent = CrawlRun(source_id=source.id, status="running", pid=1, host="elsewhere",
                      heartbeat_at=now - timedelta(hours=1), http_status={}, error_samples=[])
    session.add_all([alive, dead, silent])
    session.flush()
    assert crawlruns.mark_stale_runs(session, source.id) == 2
    assert (alive.status, dead.status, silent.status) == ("running", "killed", "killed")
    assert dead.finished_at == now
