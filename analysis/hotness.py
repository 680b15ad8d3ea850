"""Hotness of an event, its level (一般/较大/重大/特别重大), the reason in words, and alert rules.

Everything here is a pure function of its arguments: the caller gathers the event's figures
(EventStats) and passes the configuration; nothing is read from a clock, a database or the
environment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from analysis.appeal import counts_negative
from analysis.types import AlertDecision, EventStats, Hotness, Level


@dataclass(frozen=True)
class HotnessConfig:
    """Weights of the hotness formula and the level thresholds (configuration, with defaults)."""

    volume_weight: float = 10.0
    engagement_weight: float = 8.0
    growth_weight: float = 8.0
    growth_cap: float = 4.0
    negative_weight: float = 20.0
    watch_weight: float = 10.0
    sensitive_weight: float = 15.0
    hits_cap: int = 3
    comment_factor: float = 2.0
    repost_factor: float = 3.0
    thresholds: tuple[tuple[Level, float], ...] = (
        (Level.GENERAL, 60.0),
        (Level.LARGE, 90.0),
        (Level.MAJOR, 120.0),
        (Level.EXTRAORDINARY, 150.0),
    )


DEFAULT_CONFIG = HotnessConfig()


@dataclass(frozen=True)
class QuietHours:
    """Local hours when only 重大/特别重大 alerts go out; start may be after end (overnight)."""

    start: time = time(22, 0)
    end: time = time(7, 0)
    timezone: str = "Asia/Shanghai"
    bypass: frozenset[Level] = field(
        default_factory=lambda: frozenset({Level.MAJOR, Level.EXTRAORDINARY}))


def engagement(stats: EventStats, config: HotnessConfig = DEFAULT_CONFIG) -> float:
    """Likes plus weighted comments and reposts."""
    weighted = config.comment_factor * stats.comments + config.repost_factor * stats.reposts
    return stats.likes + weighted


def voices(stats: EventStats) -> int:
    """Volume counted in distinct authors when known: one person posting ten times is one voice."""
    if stats.authors is None:
        return stats.count_window
    return min(stats.authors, stats.count_window)


def growth_ratio(stats: EventStats) -> float:
    """How many times the window's volume exceeds the baseline (1.0 when there is no baseline)."""
    if stats.count_baseline is None:
        return 1.0
    return stats.count_window / max(stats.count_baseline, 1.0)


def components(stats: EventStats, config: HotnessConfig = DEFAULT_CONFIG) -> dict[str, float]:
    """Each term of the hotness sum, by name."""
    growth = min(math.log2(max(growth_ratio(stats), 1.0)), config.growth_cap)
    return {
        "volume": config.volume_weight * math.log2(1 + voices(stats) * stats.source_weight),
        "engagement": config.engagement_weight * math.log2(1 + engagement(stats, config)),
        "growth": config.growth_weight * growth,
        "negative": config.negative_weight * min(max(stats.negative_share, 0.0), 1.0),
        "watch": config.watch_weight * min(len(stats.watch_rule_hits), config.hits_cap),
        "sensitive": config.sensitive_weight * min(len(stats.sensitive_hits), config.hits_cap),
    }


def rank_clustered(events: Iterable[Any], sentiments: Mapping[str, float], top: int = 10,
                   config: HotnessConfig = DEFAULT_CONFIG, negative_below: float = 0.5,
                   appeals: Mapping[str, str | None] | None = None
                   ) -> list[tuple[Hotness, Any]]:
    """(hotness, event) of the hottest events of an ``EventClusterer`` over their whole life,
    hottest first (ties: lower id); ``sentiments`` holds each member's score by item id,
    ``appeals`` the 诉求类型 of the board messages among them (analysis.appeal)."""
    appeals = appeals or {}
    ranked = []
    for event in events:
        negative = sum(counts_negative(sentiments[m], appeals.get(m), negative_below)
                       for m in event.members) / event.size
        stats = EventStats(count_window=event.size, likes=event.likes,
                           negative_share=negative, authors=len(event.authors))
        ranked.append((compute(stats, config), event))
    ranked.sort(key=lambda he: (-he[0].score, he[1].id))
    return ranked[:top]


def level_for(score: float, config: HotnessConfig = DEFAULT_CONFIG) -> Level:
    """The highest level whose threshold the score reaches."""
    level = Level.NONE
    for candidate, threshold in sorted(config.thresholds, key=lambda lt: lt[1]):
        if score >= threshold:
            level = candidate
    return level


def _hours(hours: float) -> str:
    return f"{hours:g} 小时" if hours < 48 else f"{hours / 24:g} 天"


def reason(stats: EventStats, config: HotnessConfig = DEFAULT_CONFIG) -> str:
    """The reason in words: "48 条相关信息，6 小时内增长 5 倍，负面占比 72%，命中监测方案：…"."""
    total = stats.count_total if stats.count_total is not None else stats.count_window
    parts = [f"{total} 条相关信息"]
    if stats.authors is not None and stats.authors < stats.count_window:
        parts[0] += f"（{stats.authors} 位作者）"
    ratio = growth_ratio(stats)
    if stats.count_baseline is not None and ratio >= 2:
        parts.append(f"{_hours(stats.window_hours)}内增长 {ratio:.0f} 倍")
    elif stats.count_total is not None and stats.count_total != stats.count_window:
        parts.append(f"{_hours(stats.window_hours)}内 {stats.count_window} 条")
    parts.append(f"负面占比 {stats.negative_share:.0%}")
    counts = (("点赞", stats.likes), ("评论", stats.comments), ("转发", stats.reposts))
    if any(n for _, n in counts):
        parts.append("、".join(f"{name} {n}" for name, n in counts if n))
    if stats.watch_rule_hits:
        parts.append("命中监测方案：" + "、".join(stats.watch_rule_hits))
    if stats.sensitive_hits:
        parts.append("敏感词：" + "、".join(stats.sensitive_hits))
    return "，".join(parts)


def compute(stats: EventStats, config: HotnessConfig = DEFAULT_CONFIG) -> Hotness:
    """Hotness number, level and reason of an event."""
    parts = components(stats, config)
    score = round(sum(parts.values()), 2)
    return Hotness(score, level_for(score, config), reason(stats, config), parts)


def in_quiet_hours(now: datetime, quiet: QuietHours) -> bool:
    """Whether `now` (timezone-aware; naive means the quiet-hours zone) is inside quiet hours."""
    zone = ZoneInfo(quiet.timezone)
    local = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    moment = local.time()
    if quiet.start <= quiet.end:
        return quiet.start <= moment < quiet.end
    return moment >= quiet.start or moment < quiet.end


def should_alert(alerted_levels: set[Level] | frozenset[Level], new_level: Level,
                 now: datetime, quiet: QuietHours | None = QuietHours()) -> AlertDecision:
    """Alert once per event per level; quiet hours hold back all but 重大/特别重大."""
    if new_level == Level.NONE:
        return AlertDecision(False, "未达到预警级别")
    if new_level in alerted_levels:
        return AlertDecision(False, f"已就{new_level.value}级别预警过")
    if any(level.rank > new_level.rank for level in alerted_levels):
        return AlertDecision(False, "已按更高级别预警过")
    if quiet is not None and new_level not in quiet.bypass and in_quiet_hours(now, quiet):
        return AlertDecision(False, f"静默时段，{new_level.value}级别预警延后")
    return AlertDecision(True, f"首次达到{new_level.value}级别")
