"""Hotness, levels, the reason in words, and the alert decision."""

from datetime import UTC, datetime, time, timedelta

from analysis import hotness
from analysis.hotness import HotnessConfig, QuietHours, should_alert
from analysis.types import EventStats, Level

NOON = datetime(2026, 5, 6, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai
NIGHT = datetime(2026, 5, 6, 15, 30, tzinfo=UTC)  # 23:30 in Asia/Shanghai


def test_more_volume_engagement_growth_and_negativity_mean_hotter():
    base = EventStats(count_window=5, likes=10, negative_share=0.2)
    score = hotness.compute(base).score
    assert hotness.compute(EventStats(count_window=20, likes=10, negative_share=0.2)).score > score
    assert hotness.compute(EventStats(count_window=5, likes=500, negative_share=0.2)).score > score
    assert hotness.compute(EventStats(count_window=5, likes=10, negative_share=0.9)).score > score
    grown = EventStats(count_window=5, count_baseline=1, likes=10, negative_share=0.2)
    assert hotness.compute(grown).score > score
    hits = EventStats(count_window=5, likes=10, negative_share=0.2, watch_rule_hits=("A市住建",),
                      sensitive_hits=("群体",))
    assert hotness.compute(hits).score > score


def test_one_author_posting_often_is_one_voice():
    many = hotness.compute(EventStats(count_window=18, authors=18)).score
    one = hotness.compute(EventStats(count_window=18, authors=1)).score
    assert one < many


def test_levels_follow_configurable_thresholds():
    assert hotness.level_for(10) == Level.NONE
    assert hotness.level_for(65) == Level.GENERAL
    assert hotness.level_for(95) == Level.LARGE
    assert hotness.level_for(125) == Level.MAJOR
    assert hotness.level_for(200) == Level.EXTRAORDINARY
    strict = HotnessConfig(thresholds=((Level.GENERAL, 5.0), (Level.MAJOR, 9.0)))
    assert hotness.level_for(7, strict) == Level.GENERAL
    assert hotness.level_for(9, strict) == Level.MAJOR


def test_reason_in_words():
    stats = EventStats(count_window=30, count_baseline=6, count_total=48, negative_share=0.72,
                       window_hours=6, likes=120, watch_rule_hits=("A市住建", "丽发新城"))
    assert hotness.reason(stats) == (
        "48 条相关信息，6 小时内增长 5 倍，负面占比 72%，点赞 120，命中监测方案：A市住建、丽发新城")
    plain = EventStats(count_window=3)
    assert hotness.reason(plain) == "3 条相关信息，负面占比 0%"
    result = hotness.compute(stats)
    assert result.reason == hotness.reason(stats)
    assert result.level == hotness.level_for(result.score)


def test_alert_once_per_level_and_never_downwards():
    assert should_alert(set(), Level.GENERAL, NOON).alert
    assert not should_alert({Level.GENERAL}, Level.GENERAL, NOON).alert
    assert should_alert({Level.GENERAL}, Level.LARGE, NOON).alert
    assert not should_alert({Level.MAJOR}, Level.LARGE, NOON).alert
    assert not should_alert(set(), Level.NONE, NOON).alert


def test_quiet_hours_hold_back_all_but_major():
    assert not should_alert(set(), Level.GENERAL, NIGHT).alert
    assert should_alert(set(), Level.MAJOR, NIGHT).alert
    assert should_alert(set(), Level.EXTRAORDINARY, NIGHT).alert
    assert should_alert(set(), Level.GENERAL, NIGHT, quiet=None).alert
    daytime = QuietHours(start=time(12, 0), end=time(13, 0))
    assert not should_alert(set(), Level.LARGE, NOON, quiet=daytime).alert
    naive_night = datetime(2026, 5, 6, 23, 30)  # naive means the quiet-hours zone
    assert hotness.in_quiet_hours(naive_night, QuietHours())


def test_a_burst_raises_exactly_one_alert_per_level_crossed():
    start = datetime(2026, 5, 6, 1, 0, tzinfo=UTC)
    alerted: set[Level] = set()
    alerts = []
    for n in range(1, 121):
        now = start + timedelta(minutes=3 * n)
        stats = EventStats(count_window=n, count_baseline=2, negative_share=0.8,
                           likes=5 * n, window_hours=6)
        level = hotness.compute(stats).level
        decision = should_alert(alerted, level, now)
        if decision.alert:
            alerted.add(level)
            alerts.append(level)
    assert alerts == sorted(set(alerts), key=lambda lv: lv.rank)
    assert alerts[0] == Level.GENERAL and len(alerts) >= 3
