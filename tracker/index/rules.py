"""Watch rules (监测方案): save a query as a rule, read rules back as queries, and manage
them (edit, enable/disable, delete, each audited; a preview of what a query finds in the
last 30 days before it is saved; what each rule actually hit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from tracker.index.base import Hit, MentionIndex, QuerySyntaxError, SearchRequest
from tracker.index.query import Query, parse_query
from tracker.models import Alert, Mention, MentionAnalysis, WatchRule, audit, utcnow

MAX_NAME_CHARS = 128
MAX_DESCRIPTION_CHARS = 500
PREVIEW_DAYS = 30


class WatchRuleError(ValueError):
    """A watch rule cannot be saved as asked: ``str()`` is the page's Chinese line,
    ``english`` the CLI's."""

    def __init__(self, message: str, english: str | None = None) -> None:
        super().__init__(message)
        self.english = english or message


def rule_query(rule: WatchRule) -> Query:
    """The query a stored rule stands for."""
    return Query(all_words=tuple(rule.all_words or ()),
                 any_groups=tuple(tuple(g) for g in rule.any_groups or ()),
                 none_words=tuple(rule.none_words or ()),
                 region_words=tuple(rule.region_words or ()),
                 sources=tuple(rule.sources or ()), kinds=tuple(rule.kinds or ()))


def apply_query(rule: WatchRule, query: Query) -> WatchRule:
    """Copy the word lists and filters of ``query`` onto ``rule``."""
    rule.all_words = list(query.all_words)
    rule.any_groups = [list(g) for g in query.any_groups]
    rule.none_words = list(query.none_words)
    rule.region_words = list(query.region_words)
    rule.sources = list(query.sources)
    rule.kinds = list(query.kinds)
    return rule


def save_rule(session: Session, name: str, query_text: str, *, user_id: int | None = None,
              description: str | None = None) -> WatchRule:
    """Create a rule, or replace the words of the rule with this name; the caller commits."""
    name, query = _clean_name(name), check_query(query_text)
    rule = session.scalar(select(WatchRule).where(WatchRule.name == name))
    if rule is None:
        rule = WatchRule(name=name, created_by_id=user_id)
        session.add(rule)
    if description is not None:
        rule.description = description
    apply_query(rule, query)
    session.flush()
    return rule


def list_rules(session: Session, *, enabled_only: bool = False) -> list[WatchRule]:
    """Rules by name."""
    stmt = select(WatchRule).order_by(WatchRule.name)
    if enabled_only:
        stmt = stmt.where(WatchRule.enabled.is_(True))
    return list(session.scalars(stmt))


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise WatchRuleError(f"方案名称必填，且不超过 {MAX_NAME_CHARS} 个字",
                             f"a rule needs a name of at most {MAX_NAME_CHARS} characters")
    return name


def check_query(query_text: str | None) -> Query:
    """The parsed query of a rule; raises WatchRuleError (in Chinese) when it cannot be one."""
    try:
        query = parse_query(query_text or "")
    except QuerySyntaxError as exc:
        raise WatchRuleError(f"检索式有误：{exc}", f"bad query: {exc}") from None
    if query.is_empty:
        raise WatchRuleError("检索式为空，无法保存为监测方案", "the query is empty")
    return query


def _name_taken(session: Session, name: str, rule_id: int | None) -> bool:
    other = session.scalar(select(WatchRule.id).where(WatchRule.name == name))
    return other is not None and other != rule_id


def _snapshot(rule: WatchRule) -> dict[str, object]:
    return {"name": rule.name, "query": rule_query(rule).to_text(),
            "description": rule.description or "", "enabled": bool(rule.enabled)}


def create_rule(session: Session, name: str, query_text: str, *, actor_id: int | None,
                description: str | None = None) -> WatchRule:
    """A new rule (a name already taken is refused); audited; the caller commits."""
    name, query = _clean_name(name), check_query(query_text)
    if _name_taken(session, name, None):
        raise WatchRuleError(f"已有名为「{name}」的监测方案，请换一个名称",
                             f"a rule named {name!r} already exists")
    rule = apply_query(WatchRule(name=name, created_by_id=actor_id,
                                 description=_clean_description(description)), query)
    session.add(rule)
    session.flush()
    audit.record(session, entity_type="watch_rule", entity_id=rule.id, action="create",
                 actor_id=actor_id, detail=_snapshot(rule))
    return rule


def _clean_description(description: str | None) -> str | None:
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise WatchRuleError(f"说明不超过 {MAX_DESCRIPTION_CHARS} 个字",
                             f"the description may have {MAX_DESCRIPTION_CHARS} characters")
    return text or None


def update_rule(session: Session, rule: WatchRule, *, name: str, query_text: str,
                description: str | None, actor_id: int | None) -> WatchRule:
    """Change a rule's name, words and description; each changed field is audited.

    Hits the analysis job recorded earlier keep the old name; new mentions are matched
    with the new words from the next analysis run on.
    """
    name, query = _clean_name(name), check_query(query_text)
    if _name_taken(session, name, rule.id):
        raise WatchRuleError(f"已有名为「{name}」的监测方案，请换一个名称",
                             f"a rule named {name!r} already exists")
    before = _snapshot(rule)
    rule.name, rule.description = name, _clean_description(description)
    apply_query(rule, query)
    after = _snapshot(rule)
    changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changes:
        session.flush()
        audit.record(session, entity_type="watch_rule", entity_id=rule.id, action="edit",
                     actor_id=actor_id, changes=changes)
    return rule


def set_rule_enabled(session: Session, rule: WatchRule, enabled: bool, *,
                     actor_id: int | None) -> bool:
    """Enable or disable a rule; False when it already was so (nothing recorded)."""
    if bool(rule.enabled) == enabled:
        return False
    rule.enabled = enabled
    session.flush()
    audit.record(session, entity_type="watch_rule", entity_id=rule.id,
                 action="enable" if enabled else "disable", actor_id=actor_id,
                 changes={"enabled": (not enabled, enabled)})
    return True


def delete_rule(session: Session, rule: WatchRule, *, actor_id: int | None) -> None:
    """Delete a rule; the audit trail keeps its name and words. Recorded hits stay."""
    audit.record(session, entity_type="watch_rule", entity_id=rule.id, action="delete",
                 actor_id=actor_id, detail=_snapshot(rule))
    session.delete(rule)
    session.flush()


def find_rule(session: Session, key: str | int) -> WatchRule | None:
    """A rule by id (an int or digits) or by its exact name."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        rule = session.get(WatchRule, int(key))
        if rule is not None or isinstance(key, int):
            return rule
    return session.scalar(select(WatchRule).where(WatchRule.name == " ".join(str(key).split())))


@dataclass
class RuleStats:
    """What a rule hit in the window: mentions the analysis job flagged, the latest alert."""

    hits: int = 0
    last_alert_at: datetime | None = None


def rule_stats(session: Session, *, now: datetime | None = None,
               days: int = PREVIEW_DAYS) -> dict[str, RuleStats]:
    """Per rule name: mentions of the last ``days`` days the analysis job flagged, and the
    newest alert raised in that window on an event holding one of those mentions."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    moment = func.coalesce(Mention.published_at, Mention.fetched_at)
    rows = session.execute(
        select(MentionAnalysis.watch_hits, MentionAnalysis.event_id)
        .join(Mention, Mention.id == MentionAnalysis.mention_id)
        .where(moment >= since, moment <= now, MentionAnalysis.watch_hits.is_not(None),
               cast(MentionAnalysis.watch_hits, String) != "[]")).all()
    stats: dict[str, RuleStats] = {}
    events: dict[int, set[str]] = {}
    for names, event_id in rows:
        for name in names or ():
            stats.setdefault(name, RuleStats()).hits += 1
            if event_id is not None:
                events.setdefault(event_id, set()).add(name)
    ids = sorted(events)
    for start in range(0, len(ids), 500):
        for event_id, last in session.execute(
                select(Alert.event_id, func.max(Alert.created_at))
                .where(Alert.event_id.in_(ids[start:start + 500]),
                       Alert.created_at.between(since, now))
                .group_by(Alert.event_id)):
            for name in events[event_id]:
                item = stats[name]
                if item.last_alert_at is None or last > item.last_alert_at:
                    item.last_alert_at = last
    return stats


@dataclass
class RulePreview:
    """What a query finds in the last days: total, count per local day, newest matches."""

    query: Query
    total: int
    days: list[tuple[date, int]] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    filters_only: bool = False  # no words: the analysis job would flag nothing with it


def preview_rule(index: MentionIndex, query_text: str, *, timezone: str,
                 now: datetime | None = None, days: int = PREVIEW_DAYS,
                 top: int = 10) -> RulePreview:
    """Run a rule's query over the last ``days`` days of the index (nothing is saved).

    Raises WatchRuleError for a bad query and SearchIndexError when the index cannot answer.
    """
    query = check_query(query_text)
    tz = ZoneInfo(timezone)
    now = now or utcnow()
    first = now.astimezone(tz).date() - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tz)
    result = index.search(SearchRequest(
        query=query, published_from=start, published_to=now + timedelta(seconds=1),
        size=top, aggs=frozenset({"histogram"}), interval="day", timezone=timezone))
    per_day = {bucket.key.date(): bucket.count for bucket in result.aggs.histogram}
    return RulePreview(query=query, total=result.total,
                       days=[(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
                             for i in range(days)],
                       hits=result.hits, filters_only=not query.positive_terms())
