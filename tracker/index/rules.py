"""Watch rules (监测方案): save a query as a rule, read rules back as queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.index.base import QuerySyntaxError
from tracker.index.query import Query, parse_query
from tracker.models.watch import WatchRule

MAX_NAME_CHARS = 128


class WatchRuleError(ValueError):
    """A watch rule cannot be saved as asked; the message is one line."""


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
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise WatchRuleError(f"方案名称必填，且不超过 {MAX_NAME_CHARS} 个字")
    try:
        query = parse_query(query_text)
    except QuerySyntaxError as exc:
        raise WatchRuleError(f"检索式有误：{exc}") from None
    if query.is_empty:
        raise WatchRuleError("检索式为空，无法保存为监测方案")
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
