"""``yuqing qa``: the Q&A base — bring answered messages in, and find similar questions."""

from __future__ import annotations

import json
import sys

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.questions import answer_lines
from tracker.db import session_scope
from tracker.index import SearchIndexError
from tracker.qa import similar_questions, sync_qa


@cli.group("qa")
def qa_group() -> None:
    """The Q&A base (问答库): answered questions, deduplicated, found by question."""


@qa_group.command("similar")
@click.argument("query", required=False)
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help='print {"hits": [...]} as JSON')
@click.option("--jsonl", is_flag=True,
              help='read one {"text": ...} per line on stdin, print one {"hits": [...]} each')
@pass_context
def qa_similar(ctx: Context, query: str | None, top: int, as_json: bool, jsonl: bool) -> None:
    """Find answered questions like QUERY (or each stdin line with --jsonl)."""
    if jsonl:
        if answer_lines(ctx, lambda session, text: [h.as_json() for h in similar_questions(
                session, ctx.settings, text, top=top)]):
            sys.exit(1)
        return
    if not query or not query.strip():
        raise click.UsageError("give a QUERY (or --jsonl to read questions from stdin)")
    with session_scope(ctx.sessions) as session:
        hits = similar_questions(session, ctx.settings, query, top=top)
        if as_json:
            click.echo(json.dumps({"hits": [h.as_json() for h in hits]}, ensure_ascii=False))
            return
    if not hits:
        click.echo("没有找到相似的已答问题")
    for rank, hit in enumerate(hits, 1):
        title = hit.question.partition("\n")[0]
        click.echo(f"{rank}. {title}  [{hit.department or '—'}]  {hit.score:.2f}  #{hit.id}")


@qa_group.command("sync")
@click.option("--json", "as_json", is_flag=True, help="print the counts as JSON")
@pass_context
def qa_sync(ctx: Context, as_json: bool) -> None:
    """Bring answered board messages into the Q&A base and update the qa search index."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            report = sync_qa(session, ctx.settings)
    except SearchIndexError as exc:
        raise click.ClickException(f"search index: {exc}") from None
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(f"new entries {report.entries}, askings {report.variants} "
                   f"({report.merged} joined an existing question), indexed {report.indexed}, "
                   f"removed {report.removed}")
