"""Source health: the pure assessment over crawl runs, and the one admin alert per episode."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tracker.collection.health import (
    HealthPolicy,
    RunFacts,
    State,
    assess,
    check_source,
    should_alert,
    should_clear,
)
from tracker.models import CrawlRun, Source, User
from tracker.models.ops import Notification, SourceHealth

NOW = datetime(2025, 11, 17, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=30)


def runs(*seen: int, status: str = "ok", end: datetime = NOW, new: int | None = None):
    """One run per value, every 30 minutes up to ``end``, each delivering ``seen`` items."""
    start = end - EVERY * len(seen)
    return [RunFacts(start + EVERY * i, start + EVERY * i + timedelta(minutes=1), status,
                     new=seen[i] if new is None else new, seen=seen[i], pages=10, errors=1)
            for i in range(len(seen))]


def test_a_delivering_source_is_ok():
    result = assess(runs(5, 0, 3, 0, 2, 1), NOW, EVERY)
    assert result.state is State.OK
    assert result.error_rate == 0.1
    assert result.last_success_at == NOW - EVERY + timedelta(minutes=1)


def test_three_empty_runs_over_two_hours_is_quiet():
    history = runs(*([4] * 20 + [0, 0, 0, 0, 0]))
    result = assess(history, NOW, EVERY)
    assert result.state is State.QUIET and result.empty_runs == 5
    assert "改版" in result.reason


def test_not_quiet_too_soon():
    assert assess(runs(*([4] * 20 + [0, 0])), NOW, EVERY).state is State.OK  # 2 runs only
    quick = HealthPolicy(quiet_after=timedelta(hours=3))
    assert assess(runs(*([4] * 20 + [0, 0, 0, 0])), NOW, EVERY, quick).state is State.OK


def test_a_source_that_never_delivered_is_not_quiet():
    assert assess(runs(0, 0, 0, 0, 0, 0, 0), NOW, EVERY).state is State.OK


def news(*new: int, backfill: int = 300):
    """A news list: the first crawl takes the backlog; later crawls see only new items."""
    history = runs(backfill, *new)
    return [dataclasses.replace(history[0], backfill=True), *history[1:]]


def test_a_news_list_with_nothing_new_is_not_quiet():
    history = news(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)  # a slow afternoon
    result = assess(history, NOW, EVERY)
    assert result.state is State.OK and result.empty_runs == 6


def test_a_busy_news_list_that_stops_delivering_is_quiet():
    history = news(*([2] * 20 + [0] * 6))  # 4 new an hour, then three hours of nothing
    assert assess(history, NOW, EVERY).state is State.QUIET
    assert assess(history[:-3], NOW - 3 * EVERY, EVERY).state is State.OK  # 1.5 h: too soon


def test_the_backlog_is_not_the_usual_rate():
    history = news(*([1] * 96), backfill=5000)  # two days of one new item per run
    assert assess(history, NOW, EVERY).usual_per_day == 48.0


def test_failing_unknown_and_stale():
    history = runs(4, 4, 4, end=NOW - 3 * EVERY) + runs(0, 0, 0, status="failed")
    assert assess(history, NOW, EVERY).state is State.FAILING
    assert assess(history[:-1], NOW, EVERY).state is State.OK  # two failures: not yet
    assert assess([], NOW, EVERY).state is State.UNKNOWN
    refused = [dataclasses.replace(r, pages=0, errors=1, status="partial")
               for r in runs(0, 0, 0)]  # every list page refused: partial, nothing fetched
    assert assess(runs(4, 4, end=NOW - 3 * EVERY) + refused, NOW, EVERY).state is State.FAILING
    old = runs(4, 4, end=NOW - timedelta(hours=3))
    assert assess(old, NOW, EVERY).state is State.STALE


def test_rates_per_day():
    week = runs(*([2] * 48 * 3), end=NOW)  # three days of runs, 2 new items each
    result = assess(week, NOW, EVERY)
    assert result.items_last_day == 96
    assert result.usual_per_day == 96.0


def test_alert_and_clear_decisions():
    assert should_alert(False, State.QUIET) and should_alert(False, State.FAILING)
    assert not should_alert(True, State.QUIET) and not should_alert(False, State.STALE)
    assert should_clear(True, State.OK) and not should_clear(True, State.STALE)
    assert not should_clear(False, State.OK)


def add_runs(session, source, seen: list[int], end: datetime) -> None:
    start = end - EVERY * len(seen)
    for i, count in enumerate(seen):
        at = start + EVERY * i
        session.add(CrawlRun(source_id=source.id, started_at=at, finished_at=at + timedelta(
            minutes=1), status="ok", pages=5, items_new=count, items_updated=0,
            items_unchanged=0, errors=0, http_status={}, error_samples=[]))
    session.flush()


def test_one_admin_alert_per_episode_cleared_on_recovery(session, settings):
    admin = User(username="ops-admin", display_name="管理员", role_code="admin",
                 password_hash="-", failed_logins=0, active=True)
    source = Source(name="health_board", title="测试留言板", kind="board",
                    base_url="http://127.0.0.1:1/", config={}, interval_minutes=30)
    session.add_all([admin, source])
    session.flush()
    add_runs(session, source, [3] * 10 + [0] * 5, NOW)
    for minutes in (0, 30, 60):  # three checks while quiet: one alert
        health = check_source(session, settings, source, NOW + timedelta(minutes=minutes))
    assert health.state == "quiet" and health.alerted_at == NOW
    alerts = session.scalars(select(Notification).where(
        Notification.kind == "source_health", Notification.user_id == admin.id)).all()
    assert len(alerts) == 1 and "测试留言板" in alerts[0].title and alerts[0].resolved_at is None
    add_runs(session, source, [2], NOW + timedelta(hours=2))  # the source delivers again
    recovered = check_source(session, settings, source, NOW + timedelta(hours=2))
    assert recovered.state == "ok" and recovered.alerted_at is None
    assert alerts[0].resolved_at == NOW + timedelta(hours=2)
    add_runs(session, source, [0] * 5, NOW + timedelta(hours=5))  # a second episode
    check_source(session, settings, source, NOW + timedelta(hours=5))
    assert session.get(SourceHealth, source.id).state == "quiet"
    assert len(session.scalars(select(Notification).where(
        Notification.user_id == admin.id)).all()) == 2
