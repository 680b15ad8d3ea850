"""Event figures in SQL, hotness through :mod:`analysis.hotness`, and the hot-issue ranking.

An event's members are its ``mention_analysis`` rows. Counts, engagement and the sentiment
mix are read back from SQL for the events a run touched (never for the whole corpus), and
the hotness of an event is rated as of its latest mention: for live data that is now, for
an imported history it is the moment the matter was last talked about.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from analysis import hotness
from analysis.types import EventStats, Hotness, Level
from tracker.accounts import department_for_category
from tracker.events.figures import NEGATIVE_BELOW, figures_of, is_negative
from tracker.models import Mention, Source, WatchRule
from tracker.models.events import EVENT_OPEN, Event, MentionAnalysis
from tracker.models.sources import SourceKind

# analysis.routing.DEFAULT_THRESHOLD: a route below it goes to a person (not imported here,
# so that ranking events does not load the routing model's libraries).
ROUTE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class HotConfig:
    """Windows of the hotness figures and the negative cut-off."""

    window: timedelta = timedelta(hours=24)
    baseline: timedelta = timedelta(days=7)
    negative_below: float = NEGATIVE_BELOW
    sensitive_support: float = 0.2
    hotness: hotness.HotnessConfig = field(default_factory=hotness.HotnessConfig)


@dataclass(frozen=True)
class Member:
    """One member of an event, as the hotness figures need it."""

    event_id: int
    mention_id: int
    at: datetime
    sentiment: float
    likes: int
    comments: int
    reposts: int
    weight: float
    sensitive: tuple[str, ...]
    watch: tuple[str, ...]
    author: str | None = None
    board: bool = False  # a message to the office's own board
    appeal: str | None = None  # the 诉求类型 its title declares (analysis.appeal)
    corrected: bool = False  # staff set the sentiment by hand: it alone decides

    def negative(self, negative_below: float) -> bool:
        """Whether it counts in the negative share: negative in tone or a declared complaint,
        report or plea for help, unless staff corrected its sentiment."""
        return is_negative(self.sentiment, self.appeal, self.corrected, negative_below)


@dataclass(frozen=True)
class HotEvent:
    """One line of ``yuqing hot``."""

    event: Event
    members: list[int]
    rating: Hotness

    def as_json(self) -> dict:
        """The ``yuqing hot --json`` shape of one event."""
        return {"id": self.event.id, "title": self.event.title,
                "keywords": list(self.event.keywords), "mention_count": len(self.members),
                "hotness": round(self.rating.score, 2), "level": self.rating.level.value,
                "member_ids": self.members}


def _time():
    return func.coalesce(Mention.published_at, Mention.fetched_at)


def in_period(start: datetime, end: datetime):
    """Mentions that appeared in [start, end) (publication time, else first-stored time)."""
    return or_(and_(Mention.published_at >= start, Mention.published_at < end),
               and_(Mention.published_at.is_(None), Mention.fetched_at >= start,
                    Mention.fetched_at < end))


def members_of(session: Session, event_ids: Iterable[int],
               since: datetime | None = None) -> dict[int, list[Member]]:
    """Members of the events (appeared at or after ``since``), oldest first."""
    ids = sorted(set(event_ids))
    out: dict[int, list[Member]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        query = (select(MentionAnalysis.event_id, Mention.id, Mention.published_at,
                        Mention.fetched_at, MentionAnalysis.sentiment, Mention.likes,
                        Mention.comments, Mention.reposts, Source.weight,
                        MentionAnalysis.sensitive_hits, MentionAnalysis.watch_hits,
                        Mention.author, Source.kind, MentionAnalysis.appeal,
                        MentionAnalysis.sentiment_corrected)
                 .join(Mention, Mention.id == MentionAnalysis.mention_id)
                 .join(Source, Source.id == Mention.source_id)
                 .where(MentionAnalysis.event_id.in_(ids[start:start + 500])))
        if since is not None:
            query = query.where(in_period(since, datetime.max.replace(tzinfo=since.tzinfo)))
        for row in session.execute(query):
            out[row[0]].append(Member(row[0], row[1], row[2] or row[3], row[4], row[5] or 0,
                                      row[6] or 0, row[7] or 0, row[8] or 1.0,
                                      tuple(row[9] or ()), tuple(row[10] or ()), row[11],
                                      row[12] == SourceKind.BOARD, row[13], bool(row[14])))
    for rows in out.values():
        rows.sort(key=lambda m: (m.at, m.mention_id))
    return out


def figures(members: Sequence[Member], start: datetime, end: datetime,
            baseline: timedelta | None, config: HotConfig,
            total: int | None = None) -> EventStats:
    """Hotness inputs for members that appeared in [start, end), against the ``baseline``
    before it (None: no baseline); ``total`` is the event's size when the reason should tell
    it apart from the window's."""
    inside = [m for m in members if start <= m.at < end]
    per_window = None
    if baseline:
        before = sum(1 for m in members if start - baseline <= m.at < start)
        per_window = before * (end - start) / baseline
    negative = sum(1 for m in inside if m.negative(config.negative_below))
    return EventStats(
        count_window=len(inside), count_baseline=per_window,
        negative_share=negative / len(inside) if inside else 0.0,
        likes=sum(m.likes for m in inside), comments=sum(m.comments for m in inside),
        reposts=sum(m.reposts for m in inside),
        source_weight=max((m.weight for m in inside), default=1.0),
        window_hours=max((end - start).total_seconds() / 3600, 1e-6),
        watch_rule_hits=_distinct(h for m in inside for h in m.watch),
        sensitive_hits=supported(inside, config.sensitive_support),
        count_total=total, authors=voices(inside))


def voices(members: Sequence[Member]) -> int:
    """Distinct people speaking: named authors once each, every unsigned mention on its own."""
    named = {m.author for m in members if m.author}
    return len(named) + sum(1 for m in members if not m.author)


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def supported(members: Sequence[Member], share: float) -> tuple[str, ...]:
    """Sensitive words the matter is about: in two members at least and in ``share`` of them
    (one post that once says 上访 does not make a sensitive matter of a noise complaint)."""
    counts = Counter(word for m in members for word in set(m.sensitive))
    need = max(2, math.ceil(share * len(members)))
    return tuple(sorted((w for w, n in counts.items() if n >= need),
                        key=lambda w: (-counts[w], w)))


def rate_now(members: Sequence[Member], at: datetime, config: HotConfig) -> Hotness:
    """The event's hotness in the window ending at ``at`` (just after its latest mention)."""
    end = at + timedelta(microseconds=1)
    stats = figures(members, end - config.window, end, config.baseline, config, len(members))
    return hotness.compute(stats, config.hotness)


def suggest_department(session: Session, event_ids: Sequence[int],
                       min_confidence: float = ROUTE_CONFIDENCE) -> dict[int, tuple]:
    """Per event: the 一级分类 with most confidence-weighted votes, its department, its share.

    Only confident routes vote; an event without one is left to a person (no suggestion).
    """
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    query = (select(MentionAnalysis.event_id, MentionAnalysis.category,
                    func.sum(MentionAnalysis.category_confidence))
             .where(MentionAnalysis.event_id.in_(event_ids),
                    MentionAnalysis.category.is_not(None),
                    MentionAnalysis.category_confidence >= min_confidence)
             .group_by(MentionAnalysis.event_id, MentionAnalysis.category))
    for event_id, category, weight in session.execute(query):
        votes[event_id][category] += float(weight or 0.0)
    out = {}
    departments = department_for_category(session) if votes else {}  # the admin's map
    for event_id, counter in votes.items():
        category, weight = max(counter.items(), key=lambda kv: (kv[1], kv[0]))
        share = weight / (sum(counter.values()) or 1.0)
        out[event_id] = (category, departments.get(category), round(share, 3))
    return out


#: Why an event outside the monitoring scope has no level.
OUT_OF_SCOPE = "未命中任何监测方案，不在监测范围内，不评级、不预警"


def has_watch_rules(session: Session) -> bool:
    """True when the office has an enabled watch rule (监测方案): monitoring is scoped."""
    return session.scalar(select(WatchRule.id).where(WatchRule.enabled.is_(True)).limit(1)) \
        is not None


def in_scope(members: Sequence[Member], scoped: bool) -> bool:
    """Whether an event is the office's matter.

    Crawls collect whole sections (a news site, a forum), most of it about other things. Once
    the office has watch rules, an event counts (levels, alerts, hot lists) when a member is
    a message on its own board or hit a rule; the rest stays collected and searchable. With
    no rule at all everything counts, as before any rule was written.
    """
    return not scoped or any(m.board or m.watch for m in members)


def refresh_events(session: Session, events: Sequence[Event], config: HotConfig,
                   now: datetime) -> None:
    """Recount the events from their members; rate them as of their latest mention."""
    if not events:
        return
    by_event = members_of(session, [e.id for e in events])
    departments = suggest_department(session, [e.id for e in events])
    scoped = has_watch_rules(session)
    for event in events:
        members = by_event.get(event.id, [])
        counted = figures_of(members, config.negative_below)  # what the pages show too
        event.mention_count, event.negative_count = counted.total, counted.negative
        event.likes, event.comments, event.reposts = (counted.likes, counted.comments,
                                                      counted.reposts)
        if members:
            event.first_seen_at, event.last_seen_at = members[0].at, members[-1].at
        rating = rate_now(members, min(now, event.last_seen_at), config)
        event.hotness, event.level, event.reason = rating.score, rating.level.value, rating.reason
        if not in_scope(members, scoped):
            event.hotness, event.level = 0.0, Level.NONE.value
            event.reason = f"{rating.reason}；{OUT_OF_SCOPE}"
        event.category, event.department, event.department_confidence = departments.get(
            event.id, (None, None, None))


def rank(session: Session, start: datetime, end: datetime, top: int,
         config: HotConfig) -> list[HotEvent]:
    """Events with mentions in [start, end), hottest first (ties: more mentions, lower id)."""
    ids = list(session.scalars(
        select(MentionAnalysis.event_id).join(Mention, Mention.id == MentionAnalysis.mention_id)
        .join(Event, Event.id == MentionAnalysis.event_id)
        .where(in_period(start, end), Event.status == EVENT_OPEN).distinct()))
    if not ids:
        return []
    # Growth means something against the time just before a short period, not a long one.
    baseline = config.baseline if end - start <= config.baseline else None
    by_event = members_of(session, ids, since=start - (baseline or timedelta(0)))
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(ids)))}
    scoped = has_watch_rules(session)
    out = []
    for event_id, members in by_event.items():
        if not in_scope(members, scoped):
            continue
        stats = figures(members, start, end, baseline, config)
        if stats.count_window:
            inside = [m.mention_id for m in members if start <= m.at < end]
            out.append(HotEvent(events[event_id], inside, hotness.compute(stats, config.hotness)))
    out.sort(key=lambda h: (-h.rating.score, -len(h.members), h.event.id))
    return out[:top]
