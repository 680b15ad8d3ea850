"""``yuqing deadline`` and ``yuqing ledger``: due times that explain themselves, the ledger."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path

import click
from sqlalchemy import select

from tracker.cli.app import Context, cli, pass_context
from tracker.db import DatabaseError, require_schema, session_scope
from tracker.deadlines import (
    SOURCE_LABELS,
    DeadlineContext,
    WorkCalendar,
    deadline_context,
    due_at,
    set_override,
)
from tracker.ledger import Actor, LedgerFilter, sync_message_cases, write_xlsx
from tracker.models import utcnow
from tracker.models.ledger import HolidayOverride
from tracker.vocabulary import LEVEL_LABELS, Kind, Level, parse_level


def parse_received(text: str, ctx: Context) -> datetime:
    """``2025-09-26``, ``2025-09-26 10:00`` or ISO with offset; naive means local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date or datetime (YYYY-MM-DD[ HH:MM])",
                                 param_hint="--received") from None
    return value if value.tzinfo else value.replace(tzinfo=ctx.settings.tz)


def _stored_context(ctx: Context) -> DeadlineContext:
    """Admin overrides and configured rules when a migrated database exists, else none."""
    settings = ctx.settings
    try:
        require_schema(ctx.engine)
        with session_scope(ctx.sessions) as session:
            return deadline_context(session, tz=settings.tz,
                                    receipt_day_counts=settings.receipt_day_counts)
    except DatabaseError:
        return DeadlineContext(WorkCalendar(), (), settings.tz, settings.receipt_day_counts)


@cli.command("deadline")
@click.option("--kind", required=True, type=click.Choice([k.value for k in Kind]))
@click.option("--received", required=True, metavar="DATETIME",
              help="received (or found) time; a date alone means 00:00 local time")
@click.option("--level", help="/".join(LEVEL_LABELS.values()) + " (or " + "/".join(Level) + ")")
@click.option("--board", help="message board (source name) for board-specific limits")
@click.option("--category", help="category (一级分类) for category-specific limits")
@click.option("--json", "as_json", is_flag=True, help='print {"due", "explanation"}')
@pass_context
def deadline_cmd(ctx: Context, kind: str, received: str, level: str | None, board: str | None,
                 category: str | None, as_json: bool) -> None:
    """Compute a due time and explain it (working days, holidays, 调休)."""
    when = parse_received(received, ctx)
    try:
        lvl = parse_level(level)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--level") from None
    stored = _stored_context(ctx)
    rule = stored.rule_for(kind, level=lvl, board=board, category=category)
    deadline = due_at(kind, when, level=lvl, rule=rule, calendar=stored.calendar, tz=stored.tz,
                      receipt_day_counts=stored.receipt_day_counts)
    if as_json:
        click.echo(json.dumps(deadline.as_json(), ensure_ascii=False))
        return
    click.echo(f"截止：{deadline.due.strftime('%Y-%m-%d %H:%M') if deadline.due else '暂停'}")
    click.echo(deadline.explanation)


@cli.group()
def ledger() -> None:
    """The response ledger."""


@ledger.command("sync")
@click.option("--json", "as_json", is_flag=True, help='print {"changed", "seconds"}')
@pass_context
def ledger_sync(ctx: Context, as_json: bool) -> None:
    """Create ledger entries for new board messages and record new replies."""
    started = time.monotonic()
    with session_scope(ctx.sessions, write=True) as session:
        changed = sync_message_cases(session, ctx=deadline_context(
            session, tz=ctx.settings.tz, receipt_day_counts=ctx.settings.receipt_day_counts))
    seconds = round(time.monotonic() - started, 2)
    if as_json:
        click.echo(json.dumps({"changed": changed, "seconds": seconds}))
    else:
        click.echo(f"ledger: {changed} message entries created or updated in {seconds}s")


@ledger.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice([k.value for k in Kind]))
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]))
@pass_context
def ledger_export(ctx: Context, out: Path, kind: str | None, date_from: datetime | None,
                  date_to: datetime | None) -> None:
    """Write the ledger (filtered by kind and received date) to an XLSX file."""
    filters = LedgerFilter(kind=kind, date_from=date_from.date() if date_from else None,
                           date_to=date_to.date() if date_to else None)
    started = time.monotonic()
    with session_scope(ctx.sessions) as session, out.open("wb") as handle:
        rows = write_xlsx(session, filters, Actor.system(), handle, now=utcnow(),
                          tz=ctx.settings.tz)
    click.echo(f"wrote {rows} rows to {out} in {time.monotonic() - started:.1f}s")


@ledger.group("holiday")
def holiday() -> None:
    """The admin-entered holiday calendar (for years the packages do not know)."""


@holiday.command("set")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--off", "workday", flag_value=False, help="a holiday (放假)")
@click.option("--work", "workday", flag_value=True, help="a 调休 working day (上班)")
@click.option("--name", help="festival name, e.g. 国庆节")
@pass_context
def holiday_set(ctx: Context, day: datetime, workday: bool | None, name: str | None) -> None:
    """Enter one day of the State Council schedule."""
    if workday is None:
        raise click.UsageError("say --off or --work")
    with session_scope(ctx.sessions, write=True) as session:
        set_override(session, day.date(), workday, name)
    click.echo(f"{day.date()} {'上班' if workday else '放假'} {name or ''}".rstrip())


@holiday.command("list")
@click.option("--year", type=int, help="only this year")
@pass_context
def holiday_list(ctx: Context, year: int | None) -> None:
    """List the entered days and which source each year's calendar comes from."""
    with session_scope(ctx.sessions) as session:
        stmt = select(HolidayOverride).order_by(HolidayOverride.day)
        if year:
            stmt = stmt.where(HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        rows = list(session.scalars(stmt))
        calendar = deadline_context(session, tz=ctx.settings.tz, receipt_day_counts=False)
    for row in rows:
        click.echo(f"{row.day} {'上班' if row.workday else '放假'} {row.name or ''}".rstrip())
    for y in sorted({year} if year else {utcnow().year, utcnow().year + 1}):
        click.echo(f"{y} 年：{SOURCE_LABELS[calendar.calendar.year_source(y)]}")
