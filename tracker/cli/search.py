"""``yuqing search`` and ``yuqing index``: search the mention index and keep it in sync."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.progress import progress_bar, wanted
from tracker.db import session_scope
from tracker.index import (
    QuerySyntaxError,
    SearchIndexError,
    SearchRequest,
    SearchResult,
    SyncReport,
    get_index,
    mark_all_pending,
    parse_query,
    pending_count,
    run_sync,
)

SYNTAX_HELP = """\b
Query syntax (the same as watch rules / 监测方案):
  物业 噪音            all of these words (space = AND)
  +噪音                required (same as a bare word)
  -广告                none of these words
  (学校|医院)          any one of these words (also: 学校|医院)
  "A3区 物业"          a phrase with spaces or operator characters
  region:A3区|A4区     at least one region word
  source:demo_board_a  only these sources (| or , for several)
  kind:board           only these kinds (news, rss, forum, board)
A word matches anywhere in the title or text (物业 finds 物业费).
A query that starts with "-" goes after "--":  yuqing search -- "-广告 kind:board"
"""
_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_moment(value: str | None, tz, *, end: bool) -> datetime | None:
    """A local date or date-time; a bare ``--to`` date includes that whole day."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
        for fmt in _FORMATS:
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD or "
                                 "'YYYY-MM-DD HH:MM')")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if end and len(value.strip()) <= 10:
        moment += timedelta(days=1)
    return moment


def hit_json(result: SearchResult) -> dict:
    """The JSON shape of ``yuqing search --json``."""
    return {"total": result.total, "hits": [
        {"id": h.doc.id, "title": h.doc.title, "url": h.doc.url,
         "published_at": h.doc.published_at.isoformat() if h.doc.published_at else None,
         "source": h.doc.source, "sentiment": h.doc.sentiment} for h in result.hits]}


def _sync_quietly(ctx: Context, index) -> None:
    """Index what waits in SQL so the results include everything collected."""
    report = run_sync(ctx.sessions, index, max_attempts=2, backoff=0.5)
    if report.unavailable:
        click.echo(f"warning: {report.pending} mentions not indexed yet "
                   f"({report.unavailable})", err=True)


@cli.command("search", epilog=SYNTAX_HELP)
@click.argument("query")
@click.option("--from", "date_from", metavar="DATE", help="published on or after (local)")
@click.option("--to", "date_to", metavar="DATE", help="published up to (a date: that day included)")
@click.option("--sort", type=click.Choice(["time", "relevance"]), default="time",
              show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print {total, hits: [...]} as JSON")
@click.option("--no-sync", is_flag=True, help="do not index waiting mentions first")
@pass_context
def search_command(ctx: Context, query: str, date_from: str | None, date_to: str | None,
                   sort: str, limit: int, as_json: bool, no_sync: bool) -> None:
    """Search the mention index with the watch-rule syntax."""
    try:
        parsed = parse_query(query)
    except QuerySyntaxError as exc:
        raise click.ClickException(f"bad query: {exc}") from None
    tz = ctx.settings.tz
    request = SearchRequest(query=parsed, published_from=parse_moment(date_from, tz, end=False),
                            published_to=parse_moment(date_to, tz, end=True), sort=sort,
                            size=limit, timezone=ctx.settings.timezone)
    index = get_index(ctx.settings)
    try:
        if not no_sync:
            _sync_quietly(ctx, index)
        result = index.search(request)
    except SearchIndexError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        index.close()
    if as_json:
        click.echo(json.dumps(hit_json(result), ensure_ascii=False))
        return
    click.echo(f"{result.total} 条结果")
    for hit in result.hits:
        when = hit.doc.published_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") \
            if hit.doc.published_at else "-"
        mood = "" if hit.doc.sentiment is None else f"  情感 {hit.doc.sentiment:.2f}"
        click.echo(f"{when}  [{hit.doc.source}]  {hit.doc.title}{mood}  {hit.doc.url}")


@cli.group("index")
def index_group() -> None:
    """The mention index (embedded, or Elasticsearch when YUQING_ELASTICSEARCH_URL is set)."""


def _report(report: SyncReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"indexed {report.indexed}, rejected {len(report.rejected)}, "
                   f"still pending {report.pending} ({report.seconds:.1f} s)")
        for error in report.rejected[:20]:
            click.echo(f"  rejected {error.id}: {error.reason}", err=True)
    if report.unavailable:
        click.echo(f"error: {report.unavailable}; pending mentions will be retried", err=True)
        sys.exit(1)


@index_group.command("sync")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def index_sync(ctx: Context, batch: int, as_json: bool) -> None:
    """Index the mentions waiting in SQL (retries a down server with backoff)."""
    index = get_index(ctx.settings)
    try:
        with progress_bar("同步索引", enabled=wanted(as_json)) as progress:
            report = run_sync(ctx.sessions, index, batch_size=batch, progress=progress)
    finally:
        index.close()
    _report(report, as_json)


@index_group.command("reindex")
@click.confirmation_option(prompt="Delete the index and rebuild it from SQL?")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def index_reindex(ctx: Context, as_json: bool) -> None:
    """Drop the index and index every mention again."""
    index = get_index(ctx.settings)
    try:
        index.drop()
        with session_scope(ctx.sessions) as session:
            mark_all_pending(session)
        with progress_bar("重建索引", enabled=wanted(as_json)) as progress:
            report = run_sync(ctx.sessions, index, progress=progress)
    except SearchIndexError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        index.close()
    _report(report, as_json)


@index_group.command("status")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def index_status(ctx: Context, as_json: bool) -> None:
    """Backend, documents indexed, mentions waiting."""
    index = get_index(ctx.settings)
    cluster = None
    try:
        documents: int | None = index.count()
        error = None
        if hasattr(index, "describe"):  # Elasticsearch: monthly indices, aliases, lifecycle
            cluster = index.describe()
    except SearchIndexError as exc:
        documents, error = None, str(exc)
    finally:
        index.close()
    with session_scope(ctx.sessions) as session:
        pending = pending_count(session)
    status = {"backend": index.backend, "documents": documents, "pending": pending,
              "error": error}
    if cluster is not None:
        status["cluster"] = cluster
    click.echo(json.dumps(status, ensure_ascii=False) if as_json else
               " ".join(f"{k}={v}" for k, v in status.items()))
