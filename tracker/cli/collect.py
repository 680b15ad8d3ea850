"""``yuqing crawl`` and ``yuqing import-messages``.

Crawls are child processes (``python -m scrapy crawl``): the tracker never imports Scrapy.
An import makes the ledger entries of what it imported before it ends, so the metrics count
the messages at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.progress import progress_bar, wanted
from tracker.collection import (
    STANDARD_HEADERS,
    ImportFileError,
    ensure_import_source,
    import_messages,
    normalize_line,
)
from tracker.db import require_schema, session_scope
from tracker.deadlines import deadline_context
from tracker.ledger import sync_message_cases
from tracker.models import Source
from tracker.ops import crawl_command, run_crawls, run_foreground

SPIDERS = ("board", "news", "rss", "forum")


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """``源列名=标准列名`` pairs as a dict; refuse targets that are not standard headers."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        source_name, sep, target = pair.partition("=")
        source_name, target = normalize_line(source_name), normalize_line(target)
        if not sep or not source_name or not target:
            raise click.BadParameter(f"{pair!r} is not 源列名=标准列名", param_hint="--map")
        if target == "一级标签":
            target = "一级分类"
        if target not in STANDARD_HEADERS:
            raise click.BadParameter(
                f"{target!r} is not a standard header ({', '.join(STANDARD_HEADERS)})",
                param_hint="--map")
        mapping[source_name] = target
    return mapping


@cli.command("import-messages")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", "source_name", default="import", show_default=True,
              help="board source the messages belong to (created when missing)")
@click.option("--map", "maps", multiple=True, metavar="源列名=标准列名",
              help="read a differently named column as a standard one (repeatable)")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_context
def import_messages_cmd(ctx: Context, file: Path, source_name: str, maps: tuple[str, ...],
                        as_json: bool) -> None:
    """Import a message-board export (CSV or XLSX) idempotently."""
    mapping = parse_mapping(maps)
    show = wanted(as_json)
    try:
        with (session_scope(ctx.sessions, write=True) as session,
              progress_bar("导入留言", unit="行", enabled=show) as progress):
            source = ensure_import_source(session, source_name)
            report = import_messages(session, source, file, mapping, progress=progress)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    except OperationalError as exc:  # e.g. SQLite busy with another writer: nothing was stored
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise click.ClickException(f"the database refused the import ({reason}); "
                                   "nothing was imported, try again") from None
    # The messages are committed above; the ledger is a second transaction, so a failure
    # here loses nothing and the next run (or `yuqing ledger sync`) makes the missing entries.
    ledger, failure = _sync_ledger(ctx, show)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report, file, source_name, ledger)
    if failure:
        raise click.ClickException(
            f"the messages were imported, but their ledger entries were not made ({failure}); "
            "they are not counted yet: run the same import again or `yuqing ledger sync`")


def _sync_ledger(ctx: Context, show: bool = False) -> tuple[int | None, str | None]:
    """Make the ledger entries of every message still without one; (changed, failure)."""
    try:
        with (session_scope(ctx.sessions, write=True) as session,
              progress_bar("建立台账", enabled=show) as progress):
            changed = sync_message_cases(session, ctx=deadline_context(
                session, tz=ctx.settings.tz, receipt_day_counts=ctx.settings.receipt_day_counts),
                progress=progress)
    except Exception as exc:  # whatever broke, the import itself is kept and must say so
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return None, f"{type(exc).__name__}: {reason[0] if reason else ''}".rstrip(": ")
    return changed, None


def _print_report(report, file: Path, source_name: str, ledger: int | None) -> None:
    click.echo(f"{file.name} → {source_name}: {report.imported} imported, {report.updated} "
               f"updated, {report.unchanged} unchanged, {report.rejected} rejected")
    for error in report.errors[:50]:
        click.echo(f"  row {error['row']}: {error['reason']}")
    if report.rejected > 50:
        click.echo(f"  … and {report.rejected - 50} more (use --json for all)")
    if report.warnings:
        click.echo(f"{len(report.warnings)} warning(s), the rows were imported:")
    for warning in report.warnings[:50]:
        click.echo(f"  row {warning['row']}: warning: {warning['reason']}")
    if len(report.warnings) > 50:
        click.echo(f"  … and {len(report.warnings) - 50} more (use --json for all)")
    if ledger is not None:
        click.echo(f"ledger: {ledger} message entries created or updated")


class CrawlGroup(click.Group):
    """``yuqing crawl SPIDER`` as before, plus ``yuqing crawl worker|enqueue``: a first
    argument that is not a subcommand is the spider of the default ``run``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Route ``crawl board ...`` to ``crawl run board ...``."""
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=CrawlGroup)
def crawl() -> None:
    """Crawl with SPIDER (``yuqing crawl SPIDER``), or run a crawl worker on the shared
    frontier (``yuqing crawl worker``) and start crawl rounds (``yuqing crawl enqueue``)."""


@crawl.command("run", context_settings={"ignore_unknown_options": False})
@click.argument("spider", type=click.Choice(SPIDERS))
@click.option("-a", "args", multiple=True, metavar="NAME=VALUE",
              help="spider argument, e.g. -a source=demo_board_a")
@click.option("--loglevel", default="INFO", show_default=True)
@pass_context
def crawl_run(ctx: Context, spider: str, args: tuple[str, ...], loglevel: str) -> None:
    """Crawl with SPIDER; without -a source=NAME, every enabled source of that kind in turn."""
    require_schema(ctx.engine)
    named = [a.split("=", 1)[1] for a in args if a.startswith("source=")]
    if named:
        sys.exit(run_foreground(crawl_command(spider, named[0], args, loglevel)))
    with session_scope(ctx.sessions) as session:
        names = list(session.scalars(select(Source.name).where(
            Source.kind == spider, Source.enabled.is_(True)).order_by(Source.name)))
    if not names:
        raise click.ClickException(f"no enabled {spider} sources; add one or seed the demo")
    results = run_crawls([(spider, name) for name in names], extra=args, loglevel=loglevel,
                         parallel=1)
    failed = [name for name, code in results.items() if code != 0]
    if failed:
        raise click.ClickException(f"crawl failed for: {', '.join(failed)}")
