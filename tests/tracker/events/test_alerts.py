"""Alerts: a burst of related mentions raises exactly one alert per level crossed; quiet hours
defer the lower levels until they end; nothing repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from analysis.types import Level
from tests.tracker.events.factory import MATTER, T0, mention
from tracker.events.alerts import AlertPolicy, due_announcements
from tracker.events.analyze import AnalysisConfig, run_analysis
from tracker.models.events import Alert, Event, MentionAnalysis

# (new mentions, likes of each) per wave: the burst grows within one day, in steps small
# enough that no level is jumped over, to the top level.
WAVES = [(2, 2**k) for k in range(16)]


def _burst_text(n: int) -> str:
    return f"{MATTER[n % len(MATTER)]}（网友第{n}次转发反映）"


def _feed(session, start: int, count: int, likes: int, at: datetime) -> None:
    for n in range(start, start + count):
        mention(session, _burst_text(n), at + timedelta(seconds=n), likes=likes)


def _alerts(session) -> list[Alert]:
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_a_burst_raises_exactly_one_alert_per_level_crossed(session):
    fed, crossed, sizes, now = 0, [], [], T0
    for count, likes in WAVES:
        _feed(session, fed, count, likes, now)
        fed += count
        now += timedelta(minutes=30)
        result = run_analysis(session, now=now)
        (event_id,) = set(session.scalars(select(MentionAnalysis.event_id)))
        level = Level(session.get(Event, event_id).level)
        new_level = level.rank > max((lv.rank for lv in crossed), default=0)
        if new_level:
            crossed.append(level)
            sizes.append(fed)
        assert result.alerts == int(new_level)
        assert [a.level for a in _alerts(session)] == [lv.value for lv in crossed]
        assert run_analysis(session, now=now).alerts == 0  # running again repeats nothing
    assert crossed == [Level.GENERAL, Level.LARGE, Level.MAJOR, Level.EXTRAORDINARY]
    alerts = _alerts(session)
    assert [a.level_rank for a in alerts] == sorted({a.level_rank for a in alerts})
    assert all(a.event_id == event_id and a.status == "new" for a in alerts)
    for alert, size in zip(alerts, sizes, strict=True):  # the reason tells the state then
        assert alert.reason.startswith(f"{size} 条相关信息") and "负面占比" in alert.reason
        assert alert.department  # a suggested department comes with the alert


def test_quiet_hours_defer_a_general_alert_until_they_end(session):
    night = datetime(2026, 5, 6, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    _feed(session, 0, 6, 0, night - timedelta(minutes=20))
    result = run_analysis(session, now=night)
    event = session.scalars(select(Event)).one()
    assert Level(event.level) == Level.GENERAL
    assert result.alerts == 0 and _alerts(session) == []
    assert run_analysis(session, now=night + timedelta(hours=3)).alerts == 0  # 02:30
    morning = night + timedelta(hours=8)  # 07:30, no new mention since
    assert run_analysis(session, now=morning).alerts == 1
    (alert,) = _alerts(session)
    assert (alert.level, alert.created_at, alert.quiet) == ("一般", morning, False)
    assert due_announcements(session) == [alert]


def test_a_major_level_alerts_even_in_quiet_hours(session):
    night = datetime(2026, 5, 6, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    _feed(session, 0, 40, 60, night - timedelta(hours=1))
    run_analysis(session, now=night)
    (alert,) = _alerts(session)
    assert Level(alert.level).rank >= Level.MAJOR.rank and alert.quiet is True


@pytest.mark.parametrize("age_days, expected", [(1, 1), (30, 0)])
def test_stale_matters_do_not_alert_when_a_maximum_age_is_set(session, age_days, expected):
    _feed(session, 0, 8, 0, T0)
    config = AnalysisConfig(alerts=AlertPolicy(max_age=timedelta(days=7)))
    result = run_analysis(session, now=T0 + timedelta(days=age_days), config=config)
    assert result.alerts == expected


def test_praise_and_single_posts_alert_only_when_hot_enough(session):
    praise = "社区组织元宵节游园活动，猜灯谜包汤圆，居民们其乐融融，点赞社区工作人员"
    for n in range(6):
        mention(session, f"{praise}（第{n}位居民分享）", T0 + timedelta(minutes=n), likes=300)
    liked = mention(session, "A5区五矿万境小区消防通道被占用，存在严重安全隐患，无人处理",
                    T0, likes=40)
    run_analysis(session, now=T0 + timedelta(hours=1))
    events = {e.title[:4]: e for e in session.scalars(select(Event))}
    assert Level(events["社区组织"].level).rank >= Level.GENERAL.rank
    assert Level(session.get(Event, session.get(MentionAnalysis, liked.id).event_id).level) \
        == Level.GENERAL
    assert _alerts(session) == []  # praise is not a risk; one post needs 较大 or more


def _rated_burst(session, kind: str = "news") -> Event:
    """A burst of the MATTER in one day (enough for 较大 at least), analyzed."""
    for n in range(16):
        mention(session, _burst_text(n), T0 + timedelta(minutes=n), likes=50, kind=kind)
    run_analysis(session, now=T0 + timedelta(hours=1))
    (event_id,) = set(session.scalars(select(MentionAnalysis.event_id)))
    return session.get(Event, event_id)


def test_with_watch_rules_an_event_no_rule_hits_gets_no_level_and_no_alert(session):
    from tracker.events.hot import OUT_OF_SCOPE, HotConfig, rank
    from tracker.index.rules import save_rule

    save_rule(session, "欠薪讨薪", "(欠薪|讨薪)")  # the office watches something else
    event = _rated_burst(session)
    assert event.level == Level.NONE.value and event.hotness == 0.0
    assert OUT_OF_SCOPE in event.reason and event.reason.startswith("16 条相关信息")
    assert _alerts(session) == []
    assert rank(session, T0, T0 + timedelta(days=1), 10, HotConfig()) == []


def test_a_rule_hit_or_a_board_message_brings_the_event_into_scope(session):
    from tracker.index.rules import save_rule

    save_rule(session, "欠薪讨薪", "(欠薪|讨薪)")
    save_rule(session, "噪音扰民", "(噪音|扰民)")
    event = _rated_burst(session)
    assert Level(event.level).rank >= Level.LARGE.rank and "命中监测方案：噪音扰民" in event.reason
    assert _alerts(session)


def test_board_messages_are_always_the_offices_matter(session):
    from tracker.collection.ingest import BOARD
    from tracker.index.rules import save_rule

    save_rule(session, "欠薪讨薪", "(欠薪|讨薪)")
    event = _rated_burst(session, kind=BOARD)
    assert Level(event.level).rank >= Level.LARGE.rank and "命中监测方案" not in event.reason
    assert _alerts(session)


def test_the_demo_analysis_raises_its_alerts_at_night_too(session, settings):
    from tracker.cli.analysis import analyze_demo

    night = datetime(2026, 5, 6, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    _feed(session, 0, 6, 0, night - timedelta(minutes=20))
    analyze_demo(session, settings, now=night)  # history loaded at night: nothing held back
    (alert,) = _alerts(session)
    assert (alert.level, alert.quiet) == ("一般", False)
