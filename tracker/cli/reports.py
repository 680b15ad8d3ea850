"""``yuqing metrics`` and ``yuqing report``: reply-time figures and the monthly report
(the yearly reports: :mod:`tracker.cli.yearly`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.progress import progress_bar, wanted
from tracker.db import session_scope
from tracker.metrics import KINDS, Metrics, MetricsResult, Period, compute_metrics
from tracker.reports import FORMATS, hours, pct, render_report

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


def metrics_line(name: str, m: Metrics) -> str:
    """One group's metrics on one line, in words."""
    return (f"{name}\t受理 {m.received}\t答复 {m.replied}（{pct(m.reply_rate)}）\t"
            f"中位数 {hours(m.median_reply_hours)}\tP90 {hours(m.p90_reply_hours)}\t"
            f"平均 {hours(m.mean_reply_hours)}\t按期 {pct(m.on_time_rate)}\t"
            f"超期未办结 {m.overdue_open}"
            + (f"（另有历史遗留 {m.legacy_open}，不计超期）" if m.legacy_open else ""))


def describe(result: MetricsResult) -> list[str]:
    """The human-readable form of ``yuqing metrics``."""
    lines = [f"期间 {result.period.label}（按受理时间），类型 {result.kind or '全部'}",
             metrics_line("合计", result.total)]
    for dept in result.by_department:
        rank = f"第{dept.rank}名 " if dept.rank else "不排名 "
        lines.append(metrics_line(f"{rank}{dept.department}", dept))
    lines.append(result.ranking_note)
    return lines


@cli.command("metrics")
@click.option("--from", "start", required=True, type=click.DateTime(DATE_FORMATS),
              help="first day of receipt (YYYY-MM-DD, local time)")
@click.option("--to", "end", required=True, type=click.DateTime(DATE_FORMATS),
              help="last day of receipt, included")
@click.option("--kind", type=click.Choice(KINDS), help="only this kind of ledger entry")
@click.option("--json", "as_json", is_flag=True, help="print the metrics JSON")
@pass_context
def metrics_command(ctx: Context, start, end, kind: str | None, as_json: bool) -> None:
    """Reply-time metrics of the entries received in a period."""
    if end.date() < start.date():
        raise click.BadParameter("--to is before --from", param_hint="--to")
    period = Period(start.date(), end.date())
    with session_scope(ctx.sessions) as session:
        result = compute_metrics(session, period, ctx.settings, kind=kind)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    for line in describe(result):
        click.echo(line)


def _month(_ctx, _param, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter(f"{value!r} is not a month like 2024-03")
    return value


@cli.group("report", invoke_without_command=True)
@click.option("--month", callback=_month, help="the month, YYYY-MM")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the report")
@click.pass_context
def report_command(click_ctx: click.Context, month: str | None, fmt: str | None,
                   out: Path | None) -> None:
    """Write the monthly report (HTML, Excel or A4 PDF); `report year` and `report disclosure`
    give the year."""
    if click_ctx.invoked_subcommand is not None:
        return
    for name, value in (("--month", month), ("--format", fmt), ("--out", out)):
        if value is None:
            raise click.UsageError(f"Missing option '{name}'.", ctx=click_ctx)
    _monthly(click_ctx.ensure_object(Context), month, fmt, out)


def _monthly(ctx: Context, month: str, fmt: str, out: Path) -> None:
    from tracker.reports import ReportError

    with (session_scope(ctx.sessions) as session,
          progress_bar(f"生成月报 {month}", unit="步", enabled=wanted()) as progress):
        try:
            data = render_report(session, month, fmt, ctx.settings, progress=progress)
        except ReportError as exc:
            raise click.ClickException(str(exc)) from None
    write_file(out, data)


def write_file(out: Path, data: bytes, err: bool = False) -> None:
    """Write ``data`` to ``out`` (making its folder) and say so (on stderr with ``err``, to
    keep stdout for JSON)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    click.echo(f"wrote {out} ({len(data)} bytes)", err=err)
