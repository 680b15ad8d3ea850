"""Source health: is each source still delivering, and did it go quiet?

A source goes quiet when a crawl comes back with nothing at all although the source normally
delivers: a changed page layout (the selectors match nothing), a block page, a dead feed.
Crawls of such a source end "ok" with zero items, so no error ever shows it; only comparing
with its own history does. The decision is a pure function of the recent crawl runs
(:func:`assess`); the state, and the one admin alert per episode, live in ``source_health``
(:func:`check_source`). The alert is resolved when the source delivers again.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import notify
from tracker.models import CrawlRun, Source, utcnow
from tracker.models.ops import SourceHealth
from tracker.settings import Settings

FINISHED = ("ok", "partial", "failed", "killed")
SUCCESS = ("ok", "partial")


class State(enum.StrEnum):
    """The health of a source."""

    UNKNOWN = "unknown"
    OK = "ok"
    QUIET = "quiet"
    FAILING = "failing"
    STALE = "stale"


STATE_LABELS = {State.UNKNOWN: "尚未抓取", State.OK: "正常",
                State.QUIET: "无数据（疑似改版或屏蔽）", State.FAILING: "抓取失败",
                State.STALE: "长时间未抓取"}
ALERT_STATES = frozenset({State.QUIET, State.FAILING})


@dataclass(frozen=True)
class RunFacts:
    """One finished crawl run, as health sees it."""

    started_at: datetime
    finished_at: datetime
    status: str
    new: int
    seen: int
    pages: int = 0
    errors: int = 0
    backfill: bool = False  # the source's first crawl: its whole history, not its rate


@dataclass(frozen=True)
class HealthPolicy:
    """Thresholds; every value is configuration."""

    lookback: timedelta = timedelta(days=7)
    quiet_runs: int = 3
    quiet_after: timedelta = timedelta(hours=2)
    failing_runs: int = 3
    min_expected: float = 3.0  # new items the usual rate predicts over the silence
    stale_intervals: float = 3.0
    error_window_runs: int = 10


@dataclass(frozen=True)
class Assessment:
    """What the runs say about a source now."""

    state: State
    reason: str
    last_success_at: datetime | None = None
    items_last_day: int = 0
    usual_per_day: float | None = None
    error_rate: float = 0.0
    empty_runs: int = 0


def failed(run: RunFacts) -> bool:
    """A run that got nothing through: it failed, was killed, or every page it tried failed."""
    return run.status not in SUCCESS or (run.seen == 0 and run.pages == 0 and run.errors > 0)


def empty(run: RunFacts) -> bool:
    """A run that fetched its pages fine and found nothing on them."""
    return not failed(run) and run.seen == 0


def _trailing(runs: Sequence[RunFacts], test) -> list[RunFacts]:
    """The most recent runs (newest first) for which ``test`` holds, up to the first miss."""
    streak = []
    for run in reversed(runs):
        if not test(run):
            break
        streak.append(run)
    return streak


def usual_per_day(runs: Sequence[RunFacts], now: datetime) -> float | None:
    """New items per day before the last day (first crawl aside); None without history."""
    cutoff = now - timedelta(days=1)
    earlier = [r for r in runs if r.started_at < cutoff and not r.backfill]
    if not earlier:
        return None
    days = max((cutoff - earlier[0].started_at) / timedelta(days=1), 1.0)
    return round(sum(r.new for r in earlier) / days, 2)


def expected_new(runs: Sequence[RunFacts], start: datetime, end: datetime) -> float:
    """New items the runs before ``start`` (first crawl aside) predict for ``start..end``."""
    history = [r for r in runs if r.started_at < start and not r.backfill and not failed(r)]
    if not history:
        return 0.0
    span = max((start - history[0].started_at).total_seconds(), 1.0)
    return sum(r.new for r in history) / span * (end - start).total_seconds()


def _quiet(runs: Sequence[RunFacts], now: datetime, policy: HealthPolicy) -> tuple[bool, int]:
    """(went quiet, number of trailing empty runs).

    Quiet: the last runs found nothing at all for long enough, although the source normally
    delivers — its ordinary runs see items (a board's pending messages, a feed), or its usual
    rate of new items predicts several by now (a news list whose known items are skipped).
    """
    streak = _trailing(runs, empty)
    if len(streak) < policy.quiet_runs:
        return False, len(streak)
    before = runs[: len(runs) - len(streak)]
    ordinary = [r.seen for r in before if not failed(r) and not r.backfill]
    silent_since = next((r.finished_at for r in reversed(before) if r.seen > 0),
                        streak[-1].started_at)
    normally_delivers = bool(ordinary) and statistics.median(ordinary) > 0
    if not normally_delivers:
        normally_delivers = expected_new(runs, silent_since, now) >= policy.min_expected
    return normally_delivers and now - silent_since >= policy.quiet_after, len(streak)


def assess(runs: Sequence[RunFacts], now: datetime, interval: timedelta,
           policy: HealthPolicy = HealthPolicy()) -> Assessment:
    """The health of a source from its finished runs (oldest first)."""
    runs = [r for r in runs if r.started_at >= now - policy.lookback]
    if not runs:
        return Assessment(State.UNKNOWN, "回看期内没有完成的抓取")
    window = runs[-policy.error_window_runs:]
    facts = dict(
        last_success_at=max((r.finished_at for r in runs if r.status == "ok"), default=None),
        items_last_day=sum(r.new for r in runs if r.started_at >= now - timedelta(days=1)),
        usual_per_day=usual_per_day(runs, now),
        error_rate=round(sum(r.errors for r in window) / max(sum(r.pages for r in window), 1), 3),
    )
    failures = _trailing(runs, failed)
    quiet, empties = _quiet(runs, now, policy)
    if len(failures) >= policy.failing_runs:
        return Assessment(State.FAILING, f"最近 {len(failures)} 次抓取均失败（无法取得页面）",
                          empty_runs=empties, **facts)
    if quiet:
        return Assessment(State.QUIET, f"最近 {empties} 次抓取均无任何内容，而此前通常有内容"
                          "（页面可能改版、被屏蔽或源已失效）", empty_runs=empties, **facts)
    if now - runs[-1].started_at > interval * policy.stale_intervals:
        return Assessment(State.STALE, f"已超过 {policy.stale_intervals:g} 个抓取周期未抓取",
                          empty_runs=empties, **facts)
    return Assessment(State.OK, "正常", empty_runs=empties, **facts)


def should_alert(alerted: bool, state: State) -> bool:
    """Alert once when a source enters a bad state."""
    return state in ALERT_STATES and not alerted


def should_clear(alerted: bool, state: State) -> bool:
    """Clear the alert once the source delivers normally again."""
    return alerted and state is State.OK


def run_facts(session: Session, source_id: int, since: datetime) -> list[RunFacts]:
    """The finished runs of a source since ``since``, oldest first."""
    first = session.scalar(select(func.min(CrawlRun.id)).where(
        CrawlRun.source_id == source_id, CrawlRun.status.in_(SUCCESS)))
    rows = session.scalars(select(CrawlRun).where(
        CrawlRun.source_id == source_id, CrawlRun.started_at >= since,
        CrawlRun.status.in_(FINISHED)).order_by(CrawlRun.started_at, CrawlRun.id))
    return [RunFacts(r.started_at, r.finished_at or r.started_at, r.status, r.items_new,
                     r.items_new + r.items_updated + r.items_unchanged, r.pages, r.errors,
                     backfill=r.id == first) for r in rows]


def _alert(session: Session, settings: Settings, source: Source, health: SourceHealth,
           now: datetime) -> None:
    key = f"source-health:{source.id}:{health.since:%Y%m%d%H%M%S}"
    label = STATE_LABELS[State(health.state)]
    notify.notify(session, settings, notify.Message(
        kind="source_health", title=f"信息源“{source.title}”{label}",
        body=f"{source.title}（{source.name}）：{health.reason}。最后成功抓取："
             f"{_local(health.last_success_at, settings)}。",
        link="/admin/ops/sources", key=key), now=now)
    health.alerted_at = now
    health.detail = {**(health.detail or {}), "alert_key": key}


def _local(moment: datetime | None, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if moment else "无"


def check_source(session: Session, settings: Settings, source: Source,
                 now: datetime | None = None,
                 policy: HealthPolicy = HealthPolicy()) -> SourceHealth:
    """Assess one source, store its state, raise or resolve its admin alert."""
    now = now or utcnow()
    result = assess(run_facts(session, source.id, now - policy.lookback), now,
                    timedelta(minutes=source.interval_minutes), policy)
    health = session.get(SourceHealth, source.id)
    if health is None:
        health = SourceHealth(source_id=source.id, state=State.UNKNOWN.value, since=now)
        session.add(health)
    if health.state != result.state.value:
        health.state, health.since = result.state.value, now
    health.checked_at, health.reason = now, result.reason
    health.last_success_at, health.error_rate = result.last_success_at, result.error_rate
    health.items_last_day, health.usual_per_day = result.items_last_day, result.usual_per_day
    health.detail = {**(health.detail or {}), "empty_runs": result.empty_runs}
    alerted = health.alerted_at is not None
    if should_alert(alerted, result.state):
        _alert(session, settings, source, health, now)
    elif should_clear(alerted, result.state):
        notify.resolve(session, (health.detail or {}).get("alert_key", ""), now)
        health.alerted_at = None
    session.flush()
    return health


def check_all(session: Session, settings: Settings, now: datetime | None = None,
              policy: HealthPolicy = HealthPolicy()) -> dict[str, str]:
    """Check every enabled source; return each one's state."""
    sources = session.scalars(select(Source).where(Source.enabled.is_(True)).order_by(Source.name))
    return {s.name: check_source(session, settings, s, now, policy).state for s in sources}
