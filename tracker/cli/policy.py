"""``yuqing policy``: import policy documents and search them by question."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.questions import answer_lines
from tracker.db import session_scope
from tracker.index import SearchIndexError
from tracker.qa import (
    PolicyError,
    import_policies,
    reindex_policies,
    search_policies,
    validity_label,
)


@cli.group("policy")
def policy_group() -> None:
    """Policy documents (政策文件) of the policy Q&A base."""


@policy_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='print {"imported", "updated", "rejected", "errors"} as JSON')
@pass_context
def policy_import(ctx: Context, file: Path, as_json: bool) -> None:
    """Import policies from a CSV or JSONL FILE (id and text required; same id updates)."""
    if not file.is_file():
        raise click.ClickException(f"no such file: {file}")
    try:
        with session_scope(ctx.sessions, write=True) as session:
            report = import_policies(session, ctx.settings, file)
    except PolicyError as exc:
        raise click.ClickException(str(exc)) from None
    except SearchIndexError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"imported {report.imported}, updated {report.updated}, "
                   f"rejected {report.rejected}")
        for error in report.errors[:50]:
            click.echo(f"  {error}", err=True)
    if report.rejected and not (report.imported or report.updated):
        sys.exit(1)


@policy_group.command("search")
@click.argument("query", required=False)
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help='print {"hits": [...]} as JSON')
@click.option("--jsonl", is_flag=True,
              help='read one {"text": ...} per line on stdin, print one {"hits": [...]} each')
@pass_context
def policy_search(ctx: Context, query: str | None, top: int, as_json: bool,
                  jsonl: bool) -> None:
    """Find the policies that answer a question (QUERY, or stdin with --jsonl)."""
    try:
        if jsonl:
            if answer_lines(ctx, lambda session, text: [h.to_dict() for h in search_policies(
                    session, ctx.settings, text, top=top)]):
                sys.exit(1)
            return
        if not query or not query.strip():
            raise click.ClickException("give a QUERY (or --jsonl to read questions from stdin)")
        with session_scope(ctx.sessions) as session:
            hits = search_policies(session, ctx.settings, query, top=top)
    except SearchIndexError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return
    if not hits:
        click.echo("没有找到相关政策")
    for rank, hit in enumerate(hits, 1):
        number = f"（{hit.number}）" if hit.number else ""
        click.echo(f"{rank}. {hit.title}{number}  [{validity_label(hit.validity)}]  "
                   f"{hit.score:.2f}  {hit.id}")


@policy_group.command("reindex")
@click.option("--json", "as_json", is_flag=True, help='print {"indexed": N} as JSON')
@pass_context
def policy_reindex(ctx: Context, as_json: bool) -> None:
    """Rebuild the policy search index from the database."""
    try:
        with session_scope(ctx.sessions) as session:
            written = reindex_policies(session, ctx.settings)
    except (SearchIndexError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"indexed": written}) if as_json else f"indexed {written}")
