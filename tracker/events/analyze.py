"""The analysis job: score new mentions, cluster them into events, rate events, raise alerts.

Every mention not analyzed yet (board messages included: each crawled or imported message
is a mention too, its likes its engagement) is scored in batches: sentiment, keywords,
SimHash signature and 一级分类. Then the incremental :class:`EventClusterer` puts each one into
an event. The clusterer's state is not kept whole: only the events active around the new
mentions' times are rebuilt from SQL (their centroid is stored on the event row, their
members and signatures in ``mention_analysis``), so a run costs time in proportion to the
new mentions and the events they may join, not to the corpus. The events touched get fresh
counts, hotness and level, and :mod:`tracker.events.alerts` raises at most one alert per event and
level. Running the job again with nothing new changes nothing.

Mentions change after their analysis too: a crawl sees an edited text, or the likes of a
board message grow for days. Each run also re-scores the analyzed mentions whose row changed
since (``updated_at`` after ``analyzed_at``; a staff correction of the sentiment is kept),
leaves them in their events, and rates those events again, so a matter that heats up through
engagement alone still crosses its levels and raises its alerts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import appeal, dedup, keywords, routing, sentiment
from analysis.clustering import ClusterConfig, EventClusterer
from analysis.hotness import QuietHours
from analysis.types import Assignment, Item
from tracker.events.alerts import AlertPolicy, raise_alerts
from tracker.events.hot import HotConfig, refresh_events
from tracker.events.store import (
    absorb_event,
    absorbed_events,
    active_events,
    mark_for_reindex,
    restore_clusterer,
    retitle,
    save_events,
    to_signed,
)
from tracker.index import Query, contains_term, list_rules, rule_query
from tracker.models import Mention, utcnow
from tracker.models.events import AnalysisState, Event, MentionAnalysis
from tracker.models.sources import SourceKind
from tracker.settings import Settings

# Kinds of sensitive matter and the words that show them. A hit is a kind, not a word: a
# fraud case that says 跑路 and 非法集资 is one sensitive matter, not two.
SENSITIVE_KINDS = {
    "人身伤亡": ("死亡", "身亡", "坠楼", "跳楼", "自杀", "中毒", "坍塌"),
    "群体事件": ("围堵", "堵路", "集体上访", "上访"),
    "暴力执法": ("殴打", "暴力执法"),
    "贪腐": ("贪污", "受贿", "腐败"),
    "欠薪": ("欠薪", "讨薪"),
    "涉众金融": ("非法集资", "集资诈骗", "跑路"),
}
CURSOR_KEY = "cursor"
#: Changed mentions are looked for this long before the last change seen: a transaction that
#: stamped an earlier ``updated_at`` may commit after one that stamped a later one.
CHANGED_RECHECK = timedelta(minutes=10)
#: Mentions scored or clustered between two progress reports (when progress is reported).
STEP = 250


@dataclass(frozen=True)
class AnalysisConfig:
    """Batch size, clustering, hotness and alert policy of the job."""

    batch: int = 5000
    # Ids just below the cursor are looked at again: a transaction that took a lower id
    # may commit after one that took a higher id.
    recheck: int = 2000
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    hot: HotConfig = field(default_factory=HotConfig)
    alerts: AlertPolicy = field(default_factory=AlertPolicy)


def analysis_config(settings: Settings) -> AnalysisConfig:
    """The job's configuration under these settings (alert quiet hours in local time)."""
    return AnalysisConfig(alerts=AlertPolicy(quiet=QuietHours(timezone=settings.timezone)))


@dataclass
class AnalysisResult:
    """What one run did."""

    analyzed: int = 0
    reanalyzed: int = 0
    duplicates: int = 0
    new_events: int = 0
    updated_events: int = 0
    alerts: int = 0
    seconds: float = 0.0

    def add(self, other: AnalysisResult) -> None:
        """Add another batch's counts to these."""
        for name in ("analyzed", "reanalyzed", "duplicates", "new_events", "updated_events",
                     "alerts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, float | int]:
        """The ``yuqing analyze --json`` shape."""
        return asdict(self)


@dataclass(frozen=True)
class Scored:
    """A mention with its scores, ready for the clusterer."""

    mention: Mention
    item: Item
    sentiment: float
    keywords: list[str]
    simhash: int
    category: str
    category_confidence: float
    watch: list[str] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    appeal: str | None = None


def mention_time(mention: Mention) -> datetime:
    """When a mention appeared: its publication time, else when it was first stored."""
    return mention.published_at or mention.fetched_at


def read_cursor(session: Session) -> dict:
    """The job's cursor (last mention id seen, clusterer id counter), locked on PostgreSQL.

    Nothing is written here: on SQLite a write would hold the database's one write lock
    through the whole scoring of the batch and make crawls wait.
    """
    state = session.get(AnalysisState, CURSOR_KEY, with_for_update=True)
    return dict(state.value) if state is not None else {}


def save_cursor(session: Session, value: dict) -> None:
    """Store the cursor (created on the first run)."""
    state = session.get(AnalysisState, CURSOR_KEY)
    if state is None:
        session.add(AnalysisState(key=CURSOR_KEY, value=value))
    else:
        state.value = value


def pending_mentions(session: Session, after: int, limit: int) -> list[Mention]:
    """Mentions with an id above ``after`` and no analysis yet, oldest id first."""
    query = (select(Mention)
             .outerjoin(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
             .where(Mention.id > after, MentionAnalysis.mention_id.is_(None))
             .order_by(Mention.id).limit(limit))
    return list(session.scalars(query).unique())


def sensitive_words(text: str) -> list[str]:
    """The kinds of sensitive matter a text shows (SENSITIVE_KINDS)."""
    return [kind for kind, words in SENSITIVE_KINDS.items() if any(w in text for w in words)]


def watch_rules(session: Session) -> list[tuple[str, Query]]:
    """The enabled watch rules (监测方案) as (name, query)."""
    return [(rule.name, rule_query(rule)) for rule in list_rules(session, enabled_only=True)]


def rule_matches(query: Query, text: str, source: str, kind: str) -> bool:
    """Whether a mention's text, source and kind satisfy a watch rule."""
    if (query.sources and source not in query.sources) or (query.kinds and kind not in query.kinds):
        return False
    if not query.positive_terms():
        return False  # a rule of filters only would flag every mention of a source
    return (all(contains_term(text, w) for w in query.all_words)
            and all(any(contains_term(text, w) for w in g) for g in query.any_groups)
            and not any(contains_term(text, w) for w in query.none_words)
            and (not query.region_words
                 or any(contains_term(text, w) for w in query.region_words)))


def score(mentions: Sequence[Mention],
          rules: Sequence[tuple[str, Query]] = ()) -> list[Scored]:
    """Sentiment, keywords, signature, category and watch-rule hits of each mention."""
    texts = [f"{m.title}\n{m.text}" for m in mentions]
    scores = sentiment.score_many(texts)
    routes = routing.classify_many(texts)
    out = []
    for mention, text, value, route in zip(mentions, texts, scores, routes, strict=True):
        item = Item(id=str(mention.id), text=mention.text, title=mention.title or "",
                    published_at=mention_time(mention), likes=mention.likes or 0,
                    comments=mention.comments or 0, reposts=mention.reposts or 0,
                    source=mention.source.name if mention.source else "",
                    author=mention.author or "")
        words = [k.word for k in keywords.extract(text, top_k=8)]
        signature = dedup.simhash(f"{item.title} {item.text}")  # as the clusterer signs it
        hits = [name for name, query in rules
                 if rule_matches(query, text, item.source, mention.kind)]
        kind = appeal.appeal_of(mention.title) if mention.kind == SourceKind.BOARD else None
        out.append(Scored(mention, item, value, words, signature, route.best,
                          route.confidence, hits, sensitive_words(text), kind))
    return out


def score_in_steps(mentions: Sequence[Mention], rules: Sequence[tuple[str, Query]],
                   progress: Callable[[int], None] | None) -> list[Scored]:
    """:func:`score`, in slices of :data:`STEP` mentions when progress is reported (each
    mention is scored on its own, so the slices change no score)."""
    if progress is None:
        return score(mentions, rules)
    out: list[Scored] = []
    for start in range(0, len(mentions), STEP):
        out += score(mentions[start:start + STEP], rules)
        progress(len(out))
    return out


def cluster(clusterer: EventClusterer, scored: Sequence[Scored],
            progress: Callable[[int], None] | None = None) -> list[Assignment]:
    """Feed the items in time order; return one assignment per item, in input order."""
    order = sorted(range(len(scored)), key=lambda i: (scored[i].item.published_at,
                                                      scored[i].mention.id))
    assignments: list[Assignment | None] = [None] * len(scored)
    for done, index in enumerate(order, start=1):
        assignments[index] = clusterer.add(scored[index].item)
        if progress is not None and done % STEP == 0:
            progress(done)
    return [a for a in assignments if a is not None]


def store_results(session: Session, scored: Sequence[Scored], assignments: Sequence[Assignment],
                  final: Sequence[str], events: dict[str, Event], now: datetime) -> None:
    """One ``mention_analysis`` row per mention; the index must pick the mention up again."""
    for item, assignment, key in zip(scored, assignments, final, strict=True):
        session.add(MentionAnalysis(
            mention_id=item.mention.id, event_id=events[key].id,
            sentiment=round(item.sentiment, 4), keywords=item.keywords,
            simhash=to_signed(item.simhash),
            duplicate_of_id=int(assignment.duplicate_of) if assignment.duplicate_of else None,
            category=item.category, category_confidence=round(item.category_confidence, 4),
            watch_hits=item.watch, sensitive_hits=item.sensitive, appeal=item.appeal,
            analyzed_at=max(now, utcnow())))  # compared with updated_at (the real clock)
    mark_for_reindex(session, [s.mention.id for s in scored])


def _counts(result: AnalysisResult, assignments: Sequence[Assignment], keys: set[str],
            known: dict[str, Event]) -> None:
    result.duplicates = sum(1 for a in assignments if a.duplicate_of)
    result.new_events = len(keys - set(known))
    result.updated_events = len(keys & set(known))


def analyze_batch(session: Session, *, now: datetime | None = None,
                  config: AnalysisConfig | None = None,
                  progress: Callable[[int], None] | None = None) -> AnalysisResult:
    """Analyze at most one batch of new mentions; the caller commits.

    ``progress(done)``, when given, hears how far the batch is, in mentions: a mention
    counts half once scored and whole once clustered (the two long steps).
    """
    config, now, result = config or AnalysisConfig(), now or utcnow(), AnalysisResult()
    cursor = read_cursor(session)
    after = max(0, int(cursor.get("mention_id", 0)) - config.recheck)
    mentions = pending_mentions(session, after, config.batch)
    if not mentions:  # nothing new: still raise the alerts quiet hours deferred
        result.alerts = len(raise_alerts(session, [], config.alerts, now))
        return result
    half = None if progress is None else (lambda n: progress(n // 2))
    scored = score_in_steps(mentions, watch_rules(session), half)
    times = [s.item.published_at for s in scored]
    known = {e.cluster_key: e for e in active_events(session, min(times), max(times),
                                                    config.cluster.window)}
    clusterer = restore_clusterer(session, list(known.values()),
                                  int(cursor.get("counter", 0)), config.cluster)
    assignments = cluster(clusterer, scored, None if progress is None
                          else (lambda n: progress((len(scored) + n) // 2)))
    # Where each item ended up: an event it joined may since have been merged into another.
    final = [clusterer.event_of(s.item.id).id for s in scored]
    gone = absorbed_events(session, clusterer, known)
    keys = set(final) | set(gone.values())
    events = save_events(session, clusterer, keys, {k: v for k, v in known.items()
                                                    if k not in gone})
    for key, survivor in gone.items():
        absorb_event(session, known[key], events[survivor], actor_id=None, now=now, auto=True)
    store_results(session, scored, assignments, final, events, now)
    retitle(session, clusterer, {k: events[k] for k in keys})
    touched = [events[k] for k in sorted(keys)]
    refresh_events(session, touched, config.hot, now)
    result.alerts = len(raise_alerts(session, touched, config.alerts, now))
    save_cursor(session, {**cursor, "mention_id": max(int(cursor.get("mention_id", 0)),
                                                      max(m.id for m in mentions)),
                          "counter": clusterer.to_dict()["counter"]})
    result.analyzed = len(mentions)
    _counts(result, assignments, keys, known)
    return result


def changed_mentions(session: Session, since: datetime | None,
                     limit: int) -> list[tuple[Mention, MentionAnalysis]]:
    """Analyzed mentions whose row changed after their analysis, oldest change first
    (only those changed after ``since`` less :data:`CHANGED_RECHECK`, when given)."""
    query = (select(Mention, MentionAnalysis)
             .join(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
             .where(Mention.updated_at > MentionAnalysis.analyzed_at))
    if since is not None:
        query = query.where(Mention.updated_at > since - CHANGED_RECHECK)
    query = query.order_by(Mention.updated_at, Mention.id).limit(limit)
    return [(m, a) for m, a in session.execute(query)]


def reanalyze_batch(session: Session, *, now: datetime | None = None,
                    config: AnalysisConfig | None = None,
                    progress: Callable[[int], None] | None = None) -> AnalysisResult:
    """Re-score at most one batch of changed mentions and rate their events; the caller
    commits. Events keep their members: a changed mention is not clustered again.
    ``progress(scored)``, when given, hears how far the batch is."""
    config, now, result = config or AnalysisConfig(), now or utcnow(), AnalysisResult()
    cursor = read_cursor(session)
    since = cursor.get("changed_at")
    pairs = changed_mentions(session, datetime.fromisoformat(since) if since else None,
                             config.batch)
    if not pairs:
        return result
    scored = score_in_steps([m for m, _ in pairs], watch_rules(session), progress)
    stamp = max(now, utcnow())
    for item, (mention, analysis) in zip(scored, pairs, strict=True):
        if not analysis.sentiment_corrected:
            analysis.sentiment = round(item.sentiment, 4)
        analysis.keywords = item.keywords
        analysis.simhash = to_signed(item.simhash)
        analysis.category = item.category
        analysis.category_confidence = round(item.category_confidence, 4)
        analysis.watch_hits, analysis.sensitive_hits = item.watch, item.sensitive
        analysis.appeal = item.appeal
        analysis.analyzed_at = max(stamp, mention.updated_at)  # even a clock ahead of ours
    mark_for_reindex(session, [m.id for m, _ in pairs])
    session.flush()
    event_ids = sorted({a.event_id for _, a in pairs if a.event_id is not None})
    events = list(session.scalars(select(Event).where(Event.id.in_(event_ids)))) \
        if event_ids else []
    refresh_events(session, events, config.hot, now)
    result.alerts = len(raise_alerts(session, events, config.alerts, now))
    latest = max(m.updated_at for m, _ in pairs)
    save_cursor(session, {**cursor, "changed_at": latest.isoformat()})
    result.reanalyzed = len(pairs)
    result.updated_events = len(events)
    return result


def backlog(session: Session) -> int:
    """How many mentions wait for their analysis: new ones, and changed ones."""
    new = session.scalar(select(func.count()).select_from(Mention)
                         .outerjoin(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
                         .where(MentionAnalysis.mention_id.is_(None))) or 0
    changed = session.scalar(select(func.count()).select_from(Mention)
                             .join(MentionAnalysis, MentionAnalysis.mention_id == Mention.id)
                             .where(Mention.updated_at > MentionAnalysis.analyzed_at)) or 0
    return new + changed


def run_analysis(session: Session, *, now: datetime | None = None,
                 config: AnalysisConfig | None = None, commit: bool = False,
                 progress: Callable[[int, int | None], None] | None = None) -> AnalysisResult:
    """Analyze every new mention, then every changed one, batch after batch; commit after
    each batch if asked. ``progress(mentions done, backlog)``, when given, hears of each
    slice of a batch (the backlog is counted once, at the start)."""
    started = time.monotonic()
    from tracker.learning import activate  # (tracker.learning reads the ledger's routing)

    activate(session)  # the model versions in use (yuqing model use / retrain)
    total = AnalysisResult()
    size = backlog(session) if progress is not None else None
    for step, done in ((analyze_batch, "analyzed"), (reanalyze_batch, "reanalyzed")):
        while True:
            base = total.analyzed + total.reanalyzed
            within = None if progress is None else (
                lambda n, base=base: progress(base + n, max(size or 0, base + n)))
            batch = step(session, now=now, config=config, progress=within)
            if commit:
                session.commit()
            total.add(batch)
            if within is not None:
                within(batch.analyzed + batch.reanalyzed)
            if not getattr(batch, done):
                break
    total.seconds = round(time.monotonic() - started, 2)
    return total
