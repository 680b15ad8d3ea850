"""The analysis job on both databases: scores, events across runs, board messages, idempotence."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from tests.tracker.events.factory import MATTER, OTHERS, POLITE, T0, mention
from tracker.events.alerts import raise_alerts
from tracker.events.analyze import CURSOR_KEY, AnalysisConfig, run_analysis
from tracker.events.store import (
    absorb_event,
    absorbed_events,
    active_events,
    restore_clusterer,
    to_signed,
    to_unsigned,
)
from tracker.events.triage import correct_sentiment
from tracker.models import Mention
from tracker.models.events import Alert, AnalysisState, Event, MentionAnalysis


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _event_of(session, mention_id: int) -> int | None:
    return session.get(MentionAnalysis, mention_id).event_id


def test_one_matter_becomes_one_event_and_others_stay_apart(session):
    matter = [mention(session, text, T0 + timedelta(minutes=i)) for i, text in enumerate(MATTER)]
    others = [mention(session, text, T0 + timedelta(minutes=30 + i))
              for i, text in enumerate(OTHERS)]
    result = run_analysis(session, now=T0 + timedelta(hours=1))
    assert result.analyzed == len(MATTER) + len(OTHERS)
    events = {_event_of(session, m.id) for m in matter}
    assert len(events) == 1
    assert not events & {_event_of(session, m.id) for m in others}
    event = session.get(Event, events.pop())
    assert event.mention_count == len(MATTER)
    assert "丽发新城" in "".join(event.keywords) or "搅拌站" in event.keywords
    assert event.first_seen_at == T0 and event.last_seen_at == T0 + timedelta(minutes=5)
    row = session.get(MentionAnalysis, matter[0].id)
    assert 0.0 <= row.sentiment <= 1.0 and row.keywords and row.simhash != 0
    assert row.category  # the routing class is kept per mention


def test_running_twice_adds_nothing(session):
    for i, text in enumerate(MATTER):
        mention(session, text, T0 + timedelta(minutes=i))
    first = run_analysis(session, now=T0 + timedelta(hours=1))
    counts = [_count(session, m) for m in (Event, MentionAnalysis, Alert)]
    second = run_analysis(session, now=T0 + timedelta(hours=1))
    assert first.analyzed == len(MATTER)
    assert (second.analyzed, second.new_events, second.alerts) == (0, 0, 0)
    assert [_count(session, m) for m in (Event, MentionAnalysis, Alert)] == counts


def test_the_clusterer_state_is_restored_across_runs(session):
    for i, text in enumerate(MATTER[:3]):
        mention(session, text, T0 + timedelta(minutes=i))
    run_analysis(session, now=T0 + timedelta(hours=1))
    (event_id,) = set(session.scalars(select(MentionAnalysis.event_id)))
    later = [mention(session, text, T0 + timedelta(hours=3, minutes=i))
             for i, text in enumerate(MATTER[3:])]
    result = run_analysis(session, now=T0 + timedelta(hours=4))
    assert result.new_events == 0 and result.updated_events == 1
    assert {_event_of(session, m.id) for m in later} == {event_id}
    assert session.get(Event, event_id).mention_count == len(MATTER)


def test_board_messages_join_the_event_and_their_likes_count(session):
    news = [mention(session, text, T0 + timedelta(minutes=i)) for i, text in enumerate(MATTER[:3])]
    board = [mention(session, text, T0 + timedelta(minutes=10 + i), kind="board", likes=40 + i)
             for i, text in enumerate(MATTER[3:])]
    assert all(m.message_case_id for m in board)
    run_analysis(session, now=T0 + timedelta(hours=1))
    events = {_event_of(session, m.id) for m in news + board}
    assert len(events) == 1
    event = session.get(Event, events.pop())
    assert event.likes == sum(40 + i for i in range(len(board)))
    assert "点赞" in event.reason


def test_analyzed_mentions_go_back_to_the_search_outbox(session):
    rows = [mention(session, text, T0) for text in OTHERS]
    for row in rows:
        row.indexed_at = T0
    session.flush()
    run_analysis(session, now=T0 + timedelta(hours=1))
    session.expire_all()
    assert all(session.get(Mention, r.id).indexed_at is None for r in rows)


def test_a_mention_committed_late_below_the_cursor_is_still_analyzed(session):
    rows = [mention(session, text, T0) for text in OTHERS]
    run_analysis(session, now=T0)
    late = mention(session, MATTER[0], T0)
    # Pretend a later id was analyzed first (another transaction committed before this one).
    session.get(AnalysisState, CURSOR_KEY).value = {"mention_id": late.id + 50,
                                                    "counter": 99}
    session.flush()
    assert run_analysis(session, now=T0).analyzed == 1
    assert session.get(MentionAnalysis, late.id) is not None
    assert len(rows) == len(OTHERS)


def test_only_events_active_near_the_new_mentions_are_loaded(session):
    for i, text in enumerate(OTHERS):
        mention(session, text, T0 - timedelta(days=400 + i))
    run_analysis(session, now=T0)
    assert _count(session, Event) == len(OTHERS)
    window = AnalysisConfig().cluster.window
    assert active_events(session, T0, T0, window) == []
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind().engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        mention(session, MATTER[0], T0)
        statements.clear()
        result = run_analysis(session, now=T0)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert result.analyzed == 1 and result.new_events == 1
    # A bounded number of statements, none reading the old events' members.
    assert len(statements) < 40


def test_signatures_survive_the_signed_bigint_column():
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        assert to_unsigned(to_signed(value)) == value
        assert -(1 << 63) <= to_signed(value) < (1 << 63)


def test_events_the_clusterer_merges_are_folded_in_sql(session):
    garbage = "A3区枫林路垃圾站臭气熏天，苍蝇蚊子成群，居民苦不堪言（第{}位居民）"
    plant = [mention(session, t, T0 + timedelta(minutes=i)) for i, t in enumerate(MATTER)]
    dump = [mention(session, garbage.format(i), T0 + timedelta(minutes=i)) for i in range(6)]
    run_analysis(session, now=T0 + timedelta(hours=1))
    keep, fold = (session.get(Event, _event_of(session, rows[0].id)) for rows in (plant, dump))
    alert = session.scalars(select(Alert).where(Alert.event_id == fold.id)).one()
    kept_alert = session.scalars(select(Alert).where(Alert.event_id == keep.id,
                                                     Alert.status == "new")).first()
    clusterer = restore_clusterer(session, [keep, fold], 0, AnalysisConfig().cluster)
    clusterer.merge(keep.cluster_key, fold.cluster_key)  # as a bridging mention would
    gone = absorbed_events(session, clusterer, {e.cluster_key: e for e in (keep, fold)})
    assert gone == {fold.cluster_key: keep.cluster_key}
    moved = absorb_event(session, fold, keep, actor_id=None, now=T0, auto=True)
    assert sorted(moved) == [m.id for m in dump]
    assert {_event_of(session, m.id) for m in plant + dump} == {keep.id}
    assert (fold.status, fold.merged_into_id) == ("merged", keep.id)
    if kept_alert is None:  # the alert follows its matter into the surviving event
        assert (alert.status, alert.event_id) == ("new", keep.id)
    else:  # the surviving event has its own alert: the folded one is marked merged
        assert alert.status == "merged"
        assert alert.decision_note == f"并入事件“{keep.title[:40]}”（自动）"


def test_changed_mentions_are_scored_again_and_their_event_rated_again(session):
    board = [mention(session, text, T0 + timedelta(minutes=i), kind="board", likes=1)
             for i, text in enumerate(MATTER)]
    first = run_analysis(session, now=T0 + timedelta(hours=1))
    assert (first.analyzed, first.reanalyzed) == (len(MATTER), 0)
    event_id = _event_of(session, board[0].id)
    event = session.get(Event, event_id)
    levels_before = set(session.scalars(select(Alert.level).where(Alert.event_id == event_id)))
    corrected = session.get(MentionAnalysis, board[1].id)
    corrected.sentiment, corrected.sentiment_corrected = 0.99, True
    # A later crawl: one message edited (a death is now reported), every message much liked.
    board[0].text += "今天有工人在搅拌站坠楼身亡。"
    board[1].text += "补充：情况依旧。"
    for row in board:
        row.likes = 3000
    session.flush()
    second = run_analysis(session, now=T0 + timedelta(hours=2))
    assert (second.analyzed, second.reanalyzed) == (0, len(MATTER))
    session.expire_all()
    assert {_event_of(session, m.id) for m in board} == {event_id}  # not clustered again
    assert "人身伤亡" in session.get(MentionAnalysis, board[0].id).sensitive_hits
    assert session.get(MentionAnalysis, board[1].id).sentiment == 0.99  # staff's word kept
    event = session.get(Event, event_id)
    assert event.likes == 3000 * len(MATTER)
    levels_after = set(session.scalars(select(Alert.level).where(Alert.event_id == event_id)))
    assert levels_after > levels_before  # engagement alone took the matter to a higher level
    assert session.get(Mention, board[0].id).indexed_at is None  # the index gets the new hits
    third = run_analysis(session, now=T0 + timedelta(hours=2))
    assert (third.analyzed, third.reanalyzed, third.alerts) == (0, 0, 0)


def _polite_event(session, kind: str, start) -> tuple[Event, list[Mention]]:
    rows = [mention(session, text, start + timedelta(minutes=i), title=title, kind=kind)
            for i, (title, text) in enumerate(POLITE)]
    run_analysis(session, now=start + timedelta(hours=1))
    (event_id,) = {_event_of(session, m.id) for m in rows}
    return session.get(Event, event_id), rows


def test_a_board_message_that_declares_a_complaint_counts_as_negative(session):
    event, rows = _polite_event(session, "board", T0)
    analyses = [session.get(MentionAnalysis, m.id) for m in rows]
    assert all(a.sentiment >= 0.5 for a in analyses)  # the tone alone would say positive
    assert [a.appeal for a in analyses] == ["投诉", "投诉", "投诉", None]
    assert event.negative_count == 3 and "负面占比 75%" in event.reason
    # Staff read the second one as supportive after all: their correction decides.
    correct_sentiment(session, rows[1].id, positive=True, actor_id=None)
    assert session.get(Event, event.id).negative_count == 2


def test_titles_of_other_mentions_do_not_change_their_negative_share(session):
    event, rows = _polite_event(session, "news", T0)
    assert {session.get(MentionAnalysis, m.id).appeal for m in rows} == {None}
    assert event.negative_count == 0 and "负面占比 0%" in event.reason


def test_the_codes_an_event_names_survive_between_runs(session):
    seven = [("A市地铁7号线何时能开工建设？",
              "请问A市地铁7号线什么时候能开工建设，沿线居民盼望已久，希望尽快开工。"),
             ("A市地铁7号线什么时候开工",
              "地铁7号线沿线居民很关心7号线什么时候开工建设，希望尽快开工。")]
    rows = [mention(session, text, T0 + timedelta(minutes=i), title=title)
            for i, (title, text) in enumerate(seven)]
    run_analysis(session, now=T0 + timedelta(hours=1))
    event = session.get(Event, _event_of(session, rows[0].id))
    assert event.cluster_state["codes"] == {"7号线": 2}
    one = mention(session, "请问A市地铁1号线北延线什么时候能开工建设，沿线居民盼望已久。",
                  T0 + timedelta(hours=2), title="A市地铁1号线北延线何时开工？")
    run_analysis(session, now=T0 + timedelta(hours=3))
    assert _event_of(session, one.id) != event.id  # line 1 is another matter


def test_an_alert_follows_its_matter_into_the_event_it_is_folded_into(session):
    garbage = "A3区枫林路垃圾站臭气熏天，苍蝇蚊子成群，居民苦不堪言（第{}位居民）"
    plant = [mention(session, t, T0 + timedelta(minutes=i)) for i, t in enumerate(MATTER)]
    dump = [mention(session, garbage.format(i), T0 + timedelta(minutes=i)) for i in range(6)]
    run_analysis(session, now=T0 + timedelta(hours=1))
    keep, fold = (session.get(Event, _event_of(session, rows[0].id)) for rows in (plant, dump))
    for other in session.scalars(select(Alert).where(Alert.event_id == keep.id)):
        session.delete(other)  # the surviving event was never alerted
    session.flush()
    alert = session.scalars(select(Alert).where(Alert.event_id == fold.id)).one()
    absorb_event(session, fold, keep, actor_id=None, now=T0, auto=True)
    assert (alert.status, alert.event_id) == ("new", keep.id)
    levels = set(session.scalars(select(Alert.level).where(Alert.event_id == keep.id,
                                                           Alert.status == "new")))
    assert levels == {alert.level}
    # The next run does not alert the grown event again at the level it already has.
    raised = raise_alerts(session, [keep], AnalysisConfig().alerts, T0 + timedelta(hours=1))
    assert [a.level for a in raised if a.level == alert.level] == []
