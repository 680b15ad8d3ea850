"""``yuqing report year`` and ``yuqing report disclosure``: the yearly assessment of
departments and the 政府信息公开 annual tables."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.assessment import (
    COLUMNS,
    assess_year,
    disclosure_table,
    disclosure_workbook,
    remedy_table,
    render_pdf,
    year_workbook,
)
from tracker.cli.app import Context, pass_context
from tracker.cli.reports import metrics_line, report_command, write_file
from tracker.db import session_scope
from tracker.metrics import KINDS
from tracker.reports import ReportError

YEARS = click.IntRange(2000, 2099)
FILE = click.Path(dir_okay=False, path_type=Path)


@report_command.command("year")
@click.argument("year", type=YEARS)
@click.option("--kind", type=click.Choice(KINDS), help="only this kind of ledger entry")
@click.option("--json", "as_json", is_flag=True, help="print the assessment as JSON")
@click.option("--xlsx", type=FILE, help="also write the Excel workbook here")
@click.option("--pdf", type=FILE, help="also write the A4 PDF here")
@pass_context
def year_command(ctx: Context, year: int, kind: str | None, as_json: bool, xlsx: Path | None,
                 pdf: Path | None) -> None:
    """The yearly assessment (年度考核) of every lead department."""
    with session_scope(ctx.sessions) as session:
        result = assess_year(session, year, ctx.settings, kind=kind)
    if xlsx is not None:
        write_file(xlsx, year_workbook(result, ctx.settings.tz), as_json)
    if pdf is not None:
        try:
            write_file(pdf, render_pdf(result, ctx.settings.tz), as_json)
        except ReportError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    click.echo(f"{result.title}（类型 {kind or '全部'}）")
    for row in [result.total, *result.departments]:
        rank = f"第{row.rank}名 " if row.rank else ""
        click.echo(f"{metrics_line(rank + row.department, row.metrics)}\t"
                   f"三个月未答复 {row.unanswered_3m}\t答复未公开 {row.unpublished}")
    click.echo(result.ranking_note)


@report_command.command("disclosure")
@click.argument("year", type=YEARS)
@click.option("--json", "as_json", is_flag=True, help="print the tables as JSON")
@click.option("--xlsx", type=FILE, help="also write the Excel workbook here")
@pass_context
def disclosure_command(ctx: Context, year: int, as_json: bool, xlsx: Path | None) -> None:
    """The 政府信息公开工作年度报告 tables 三 and 四 of a year."""
    with session_scope(ctx.sessions) as session:
        table = disclosure_table(session, year, ctx.settings)
        remedies = remedy_table(session, year)
        if xlsx is not None:
            write_file(xlsx, disclosure_workbook(session, table, remedies, ctx.settings.tz),
                       as_json)
    if as_json:
        click.echo(json.dumps({**table.to_json(), "remedies": remedies.to_json()},
                              ensure_ascii=False))
        return
    click.echo("\t".join(["", *COLUMNS]))
    for row, counts in table.grid():
        click.echo("\t".join([row.label, *(str(n) for n in counts or [])]))
    for item in table.unmapped:
        click.echo(f"未能计入：台账 {item.id}「{item.title}」：{item.reason}")
