"""``yuqing rule``: watch rules (监测方案) — list, edit, disable, enable, delete, test.

A rule is named by its name or its number (the ``id`` that ``rule list --json`` prints).
Every change is audited as the web page's are (with no acting user).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.index import (
    PREVIEW_DAYS,
    SearchIndexError,
    WatchRuleError,
    delete_rule,
    find_rule,
    get_index,
    list_rules,
    preview_rule,
    rule_query,
    rule_stats,
    set_rule_enabled,
    update_rule,
)
from tracker.models import WatchRule


@cli.group()
def rule() -> None:
    """Watch rules (监测方案) that the analysis job matches new mentions against."""


def _found(session: Session, key: str) -> WatchRule:
    found = find_rule(session, key)
    if found is None:
        raise click.ClickException(f"no watch rule named or numbered {key!r}")
    return found


def _change(ctx: Context, key: str, change: Callable[[Session, WatchRule], str]) -> None:
    """Apply ``change`` to the rule in one transaction and print what it says."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            message = change(session, _found(session, key))
    except WatchRuleError as exc:
        raise click.ClickException(exc.english) from None
    click.echo(message)


@rule.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON list")
@pass_context
def rule_list(ctx: Context, as_json: bool) -> None:
    """List rules: id, name, enabled, query, hits in the last 30 days, latest alert."""
    with session_scope(ctx.sessions) as session:
        stats = rule_stats(session)
        rows = []
        for item in list_rules(session):
            hit = stats.get(item.name)
            rows.append({"id": item.id, "name": item.name, "enabled": bool(item.enabled),
                         "query": rule_query(item).to_text(),
                         "description": item.description,
                         "hits_30d": hit.hits if hit else 0,
                         "last_alert_at": hit.last_alert_at.isoformat()
                         if hit and hit.last_alert_at else None})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("\t".join([str(row["id"]), row["name"],
                              "enabled" if row["enabled"] else "disabled", row["query"],
                              f"{row['hits_30d']} hits", row["last_alert_at"] or "-"]))


@rule.command("edit")
@click.argument("key", metavar="RULE")
@click.option("--name", help="a new name")
@click.option("--query", help="new words, in the search syntax (see `yuqing search --help`)")
@click.option("--description", help='a note ("" clears it)')
@pass_context
def rule_edit(ctx: Context, key: str, name: str | None, query: str | None,
              description: str | None) -> None:
    """Change a rule's name, words or note."""

    def change(session: Session, item: WatchRule) -> str:
        update_rule(session, item, name=item.name if name is None else name,
                    query_text=rule_query(item).to_text() if query is None else query,
                    description=item.description if description is None else description,
                    actor_id=None)
        return f"updated rule {item.name!r}: {rule_query(item).to_text()}"

    _change(ctx, key, change)


@rule.command("disable")
@click.argument("key", metavar="RULE")
@pass_context
def rule_disable(ctx: Context, key: str) -> None:
    """Stop matching new mentions against a rule (it is kept)."""
    _change(ctx, key, lambda session, item: (
        f"disabled rule {item.name!r}" if set_rule_enabled(session, item, False, actor_id=None)
        else f"rule {item.name!r} was already disabled"))


@rule.command("enable")
@click.argument("key", metavar="RULE")
@pass_context
def rule_enable(ctx: Context, key: str) -> None:
    """Match new mentions against a disabled rule again."""
    _change(ctx, key, lambda session, item: (
        f"enabled rule {item.name!r}" if set_rule_enabled(session, item, True, actor_id=None)
        else f"rule {item.name!r} was already enabled"))


@rule.command("delete")
@click.argument("key", metavar="RULE")
@click.confirmation_option(prompt="Delete this watch rule? (the audit trail keeps its words)")
@pass_context
def rule_delete(ctx: Context, key: str) -> None:
    """Delete a rule; hits recorded earlier stay on their mentions."""

    def change(session: Session, item: WatchRule) -> str:
        name = item.name
        delete_rule(session, item, actor_id=None)
        return f"deleted rule {name!r}"

    _change(ctx, key, change)


@rule.command("test")
@click.argument("key", metavar="[RULE]", required=False)
@click.option("--query", help="words to test instead of the rule's (nothing is saved)")
@click.option("--days", type=click.IntRange(1, 366), default=PREVIEW_DAYS, show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="print {query, total, days: [{day, count}], hits: [...]} as JSON")
@pass_context
def rule_test(ctx: Context, key: str | None, query: str | None, days: int,
              as_json: bool) -> None:
    """Run a rule's words (or --query) over the last days of the index: hits per day and
    the newest matches. Nothing is saved."""
    if key is None and query is None:
        raise click.UsageError("name a RULE or give --query")
    if query is None:
        with session_scope(ctx.sessions) as session:
            query = rule_query(_found(session, key)).to_text()
    index = get_index(ctx.settings)
    try:
        preview = preview_rule(index, query, timezone=ctx.settings.timezone, days=days)
    except WatchRuleError as exc:
        raise click.ClickException(exc.english) from None
    except SearchIndexError as exc:
        raise click.ClickException(f"the index cannot answer: {exc}") from None
    finally:
        index.close()
    _print_preview(ctx, preview, as_json)


def _print_preview(ctx: Context, preview, as_json: bool) -> None:
    hits = [{"id": h.doc.id, "title": h.doc.title, "source": h.doc.source, "url": h.doc.url,
             "published_at": h.doc.published_at.isoformat() if h.doc.published_at else None}
            for h in preview.hits]
    if as_json:
        click.echo(json.dumps({"query": preview.query.to_text(), "total": preview.total,
                               "filters_only": preview.filters_only,
                               "days": [{"day": d.isoformat(), "count": n}
                                        for d, n in preview.days],
                               "hits": hits}, ensure_ascii=False))
        return
    click.echo(f"{preview.total} hits in the last {len(preview.days)} days "
               f"for: {preview.query.to_text()}")
    if preview.filters_only:
        click.echo("warning: no words, only sources or kinds: the analysis job flags nothing "
                   "with such a rule", err=True)
    for day, count in preview.days:
        if count:
            click.echo(f"{day.isoformat()}\t{count}")
    for hit in hits:
        click.echo(f"{hit['published_at'] or '-'}\t[{hit['source']}]\t{hit['title']}\t{hit['url']}")
