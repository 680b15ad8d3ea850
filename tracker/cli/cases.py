"""``yuqing cases propose``: score a month's finished entries for the 亮点工程 library now
(the scheduler does it on the 1st of each month for the month before)."""

from __future__ import annotations

import json
import re

import click

from tracker.cases import propose_month
from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope

MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")


@cli.group("cases")
def cases_group() -> None:
    """The 亮点工程 case library."""


@cases_group.command("propose")
@click.option("--month", required=True, help="YYYY-MM: entries finished in this month")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@pass_context
def propose_command(ctx: Context, month: str, as_json: bool) -> None:
    """Score the month's finished entries and store its proposals (replacing earlier ones)."""
    if not MONTH.fullmatch(month):
        raise click.BadParameter("expected YYYY-MM, e.g. 2025-10", param_hint="--month")
    with session_scope(ctx.sessions) as session:
        result = propose_month(session, month, ctx.settings.tz)
        summary = result.as_json()
        lines = [f"{p.rank}. [{p.entry_id}] {p.total:g} 分  {p.entry.title}"
                 for p in result.proposals]
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(f"{month}: {summary['candidates']} 件办结事项，评分 {summary['checked']} 件，"
               f"推荐 {len(lines)} 件")
    for line in lines:
        click.echo(line)
