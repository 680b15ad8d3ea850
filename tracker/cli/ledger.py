"""``yuqing deadline`` and ``yuqing ledger``: due times that explain themselves, the ledger."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

import click
from sqlalchemy import select

from tracker.cli.app import Context, cli, pass_context
from tracker.db import DatabaseError, require_schema, session_scope
from tracker.deadlines import (
    DeadlineContext,
    NoticeError,
    NoticeSchedule,
    WorkCalendar,
    confirm_year,
    deadline_context,
    describe,
    due_at,
    import_notice,
    parse_notice,
    set_override,
    year_overview,
)
from tracker.ledger import (
    Actor,
    LedgerFilter,
    backfill_archive,
    sync_message_cases,
    write_xlsx,
)
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


@ledger.command("archive")
@click.option("--horizon-days", type=click.IntRange(min=1), metavar="N",
              help="for every board, instead of its archive_horizon_days (default 90)")
@click.option("--json", "as_json", is_flag=True,
              help='print {"archived", "legacy", "legacy_total", "archived_total", "horizons"}')
@pass_context
def ledger_archive(ctx: Context, horizon_days: int | None, as_json: bool) -> None:
    """Archive messages answered long before they entered the ledger; put unanswered ones
    older than the board's horizon on the 历史遗留 list (out of the overdue figures).

    Idempotent: entries classified or decided before are left alone.
    """
    with session_scope(ctx.sessions, write=True) as session:
        counts = backfill_archive(session, horizon=horizon_days, ctx=deadline_context(
            session, tz=ctx.settings.tz, receipt_day_counts=ctx.settings.receipt_day_counts))
    if as_json:
        click.echo(json.dumps(counts.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"archived {counts.archived}, to 历史遗留 {counts.legacy}; now "
                   f"{counts.archived_total} archived, {counts.legacy_total} in 历史遗留")


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
    """List the entered days and each year's status (完整 / 不完整 / 未知) and source."""
    with session_scope(ctx.sessions) as session:
        stmt = select(HolidayOverride).order_by(HolidayOverride.day)
        if year:
            stmt = stmt.where(HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        rows = list(session.scalars(stmt))
        years = year_overview(session, utcnow().astimezone(ctx.settings.tz).year)
    for row in rows:
        click.echo(f"{row.day} {'上班' if row.workday else '放假'} {row.name or ''}".rstrip())
    for info in years:
        if year is None or info.year == year:
            click.echo(f"{info.year} 年：{info.status_label}（{info.source}）")


def read_notice(path: str) -> str:
    """The notice file's text: UTF-8 (with or without BOM), else GB18030; ``-`` is stdin."""
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"无法读取通知文件 {path}：{exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise click.ClickException(f"通知文件 {path} 既不是 UTF-8 也不是 GB18030 编码")


def _confirmed(schedule: NoticeSchedule, yes: bool, from_stdin: bool, err: bool) -> bool:
    """Print the schedule and ask; refuse when no one can answer."""
    for line in describe(schedule):
        click.echo(line, err=err)
    for note in schedule.notes:
        click.echo(f"说明：{note}", err=err)
    if yes:
        return True
    if from_stdin or not sys.stdin.isatty():
        raise click.ClickException("无法确认：没有可交互的终端。核对上面的放假安排后，"
                                   "加 --yes 重新运行；未导入任何内容")
    return click.confirm("确认导入？", default=False, err=err)


@holiday.command("import")
@click.argument("file", metavar="FILE")
@click.option("--yes", is_flag=True, help="store without asking (after checking the schedule)")
@click.option("--json", "as_json", is_flag=True,
              help='print {"year", "festivals", "rest_days", "work_days", "stored", "removed"}')
@pass_context
def holiday_import(ctx: Context, file: str, yes: bool, as_json: bool) -> None:
    """Import a State Council holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

    FILE holds the notice's text as published (``-`` reads stdin, then --yes is needed). The
    schedule is printed for checking; storing it enters every day and marks the year complete.
    Re-importing a year replaces the days of its earlier import.
    """
    schedule = parse_notice(read_notice(file))
    if not schedule.ok:
        raise click.ClickException("通知无法导入（未导入任何内容）：" + "；".join(
            schedule.errors or ("未找到放假安排",)))
    if not _confirmed(schedule, yes, file == "-", as_json):
        raise click.ClickException("已取消，未导入任何内容")
    try:
        with session_scope(ctx.sessions, write=True) as session:
            result = import_notice(session, schedule)
    except NoticeError as exc:
        raise click.ClickException(f"通知无法导入：{exc}") from None
    if as_json:
        click.echo(json.dumps(schedule.as_json() | {
            "stored": result.stored, "removed": result.removed, "replaced": result.replaced},
            ensure_ascii=False))
        return
    again = (f"，替换了此前导入的 {result.year} 年通知（不再出现的 {result.removed} 天已移除）"
             if result.replaced else "")
    click.echo(f"已导入 {result.year} 年放假安排：放假 {len(schedule.rest_days())} 天、"
               f"调休上班 {len(schedule.work_days())} 天{again}；{result.year} 年已标记为完整。")


@holiday.command("complete")
@click.argument("year", type=int)
@click.option("--yes", is_flag=True, help="confirm without asking")
@pass_context
def holiday_complete(ctx: Context, year: int, yes: bool) -> None:
    """Confirm that the days entered by hand are the whole official schedule of YEAR."""
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("无法确认：没有可交互的终端；加 --yes 重新运行")
        if not click.confirm(f"确认 {year} 年的放假和调休日期已全部录入？", default=False):
            raise click.ClickException("已取消")
    try:
        with session_scope(ctx.sessions, write=True) as session:
            confirm_year(session, year)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{year} 年已标记为完整（逐日录入并确认）。")
