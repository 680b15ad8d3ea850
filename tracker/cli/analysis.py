"""``yuqing analyze``, ``hot``, ``sentiment`` and ``classify``: the analysis from the shell."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.cli.app import Context, cli, pass_context
from tracker.cli.progress import Progress, progress_bar, wanted
from tracker.db import session_scope
from tracker.models import Mention
from tracker.settings import Settings

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
BATCH = 1000


def stdin_lines() -> list[str]:
    """Every line of standard input (UTF-8), line ends removed; a final newline adds none."""
    stream = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
    return stream.read().splitlines()


def batches(items: list[str], size: int = BATCH) -> Iterator[list[str]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@cli.command("sentiment")
@click.option("--json", "as_json", is_flag=True, help='print [{"score"}] for the lines')
def sentiment_command(as_json: bool) -> None:
    """Read one text per line on stdin; print its sentiment in [0, 1] (1 = positive)."""
    from analysis import sentiment  # models load only for the commands that use them

    scores = [s for batch in batches(stdin_lines()) for s in sentiment.score_many(batch)]
    if as_json:
        click.echo(json.dumps([{"score": round(s, 4)} for s in scores]))
        return
    for score in scores:
        click.echo(f"{score:.4f}")


@cli.command("classify")
@click.option("--json", "as_json", is_flag=True,
              help='print [{"category", "confidence"}] for the lines')
def classify_command(as_json: bool) -> None:
    """Read one message per line on stdin; print its predicted 一级分类."""
    from analysis import routing

    routes = [r for batch in batches(stdin_lines()) for r in routing.classify_many(batch)]
    if as_json:
        click.echo(json.dumps([{"category": r.best, "confidence": round(r.confidence, 4)}
                               for r in routes], ensure_ascii=False))
        return
    for route in routes:
        click.echo(route.best)


def analyze_demo(session: Session, settings: Settings, now: datetime | None = None,
                 progress: Progress | None = None) -> None:
    """Analyze what the demo crawl brought in (for ``yuqing demo``).

    Without quiet hours: they hold back the lower alerts of live matters at night, but the
    demo loads messages years old at whatever hour it is run, and after 22:00 its triage
    queue stayed empty (0 alerts where the afternoon gave dozens). The scheduler the demo
    then starts analyzes new mentions with the quiet hours as configured.
    """
    from tracker.events import analysis_config, run_analysis

    config = analysis_config(settings)
    config = replace(config, alerts=replace(config.alerts, quiet=None))
    run_analysis(session, config=config, commit=True, now=now, progress=progress)


@cli.command("analyze")
@click.option("--json", "as_json", is_flag=True, help="print the run's counts as JSON")
@pass_context
def analyze_command(ctx: Context, as_json: bool) -> None:
    """Analyze new mentions: scores, events, hotness and alerts (once; idempotent)."""
    from tracker.events import analysis_config, run_analysis

    session = ctx.sessions()
    try:
        with progress_bar("分析", enabled=wanted(as_json)) as progress:
            result = run_analysis(session, config=analysis_config(ctx.settings), commit=True,
                                  progress=progress)
    finally:
        session.close()
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    click.echo(f"分析 {result.analyzed} 条信息（重复/转载 {result.duplicates} 条），"
               f"新事件 {result.new_events} 个，更新事件 {result.updated_events} 个，"
               f"新预警 {result.alerts} 条，用时 {result.seconds} 秒")


def period(start: datetime | None, end: datetime | None, tz: ZoneInfo,
           window: timedelta, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC from local --from/--to; a bare --to date includes that whole day."""
    if end is None:
        stop = now
    else:
        stop = end.replace(tzinfo=tz)
        if end.time() == time(0):
            stop += timedelta(days=1)
    begin = start.replace(tzinfo=tz) if start is not None else stop - window
    if begin >= stop:
        raise click.BadParameter("--from must be before --to", param_hint="--from")
    return begin.astimezone(UTC), stop.astimezone(UTC)


def _data_span_hint(span, tz) -> str:
    """Where the collected mentions lie in time, so an empty period can be chosen again."""
    if not span or span[0] is None:
        return "（尚未采集到任何信息）"
    first, last = (moment.astimezone(tz).strftime("%Y-%m-%d") for moment in span)
    return f"（已采集信息的发布时间为 {first} 至 {last}，可用 --from/--to 指定时段）"


@cli.command("hot")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="how many events")
@click.option("--from", "start", type=click.DateTime(DATE_FORMATS),
              help="period start (local time; default: one hotness window before --to)")
@click.option("--to", "end", type=click.DateTime(DATE_FORMATS),
              help="period end (local; a bare date includes that day; default: now)")
@click.option("--json", "as_json", is_flag=True, help="print the events as JSON")
@pass_context
def hot_command(ctx: Context, top: int, start: datetime | None, end: datetime | None,
                as_json: bool) -> None:
    """Hot issues: events ranked by hotness over a period."""
    from tracker.events import HotConfig, rank
    from tracker.models import utcnow

    config = HotConfig()
    begin, stop = period(start, end, ctx.settings.tz, config.window, utcnow())
    with session_scope(ctx.sessions) as session:
        ranked = rank(session, begin, stop, top, config)
        rows = [h.as_json() for h in ranked]
        reasons = [h.rating.reason for h in ranked]
        span = None if rows else session.execute(
            select(func.min(Mention.published_at), func.max(Mention.published_at))).one()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo("该期间没有热点事件" + _data_span_hint(span, ctx.settings.tz))
    for number, (row, reason) in enumerate(zip(rows, reasons, strict=True), start=1):
        click.echo(f"{number}. [{row['level']}] {row['title']}（事件 #{row['id']}，"
                   f"{row['mention_count']} 条，热度 {row['hotness']}）")
        click.echo(f"   关键词：{'、'.join(row['keywords'])}")
        click.echo(f"   {reason}")
