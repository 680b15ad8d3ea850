"""Due times that explain themselves, and the pure checks shared by web, jobs and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from tracker.deadlines.calendar import WorkCalendar, default_calendar, weekday_name
from tracker.deadlines.counting import (
    Pause,
    Trace,
    add_calendar_days,
    add_working_days,
    first_counted_day,
    holiday_spans,
    makeup_days,
)
from tracker.deadlines.rules import (
    CLOCK_START_LABELS,
    CONSULTATION_DAYS,
    ClockStart,
    SlaRule,
    Unit,
    resolve_rule,
)
from tracker.vocabulary import LEVEL_LABELS, Kind, Level, parse_level

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Milestone:
    """A named due time (e.g. the 24-hour press conference)."""

    label: str
    due: datetime


@dataclass(frozen=True)
class Deadline:
    """A computed due time with its explanation in Chinese words.

    ``due`` is aware (in the display zone) or ``None`` while a consultation pause stops the
    clock. ``unknown_years`` lists years whose whole schedule no source knows (days an admin
    entered for such a year apply, but do not make it known); the explanation then
    starts with a warning.
    """

    due: datetime | None
    explanation: str
    rule: SlaRule
    milestones: tuple[Milestone, ...] = ()
    unknown_years: tuple[int, ...] = ()
    paused: bool = False
    counted_days: int | None = None
    remaining_days: int | None = None
    warnings: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, str | None]:
        """The stable JSON shape of ``yuqing deadline --json``."""
        return {"due": self.due.isoformat() if self.due else None,
                "explanation": self.explanation}


def fmt_day(value: date, ref: date | None = None) -> str:
    """``10-01`` within the reference year, else ``2026-01-04``."""
    return value.strftime("%m-%d") if ref and value.year == ref.year else value.isoformat()


def fmt_day_week(value: date, ref: date | None = None) -> str:
    """A day with its weekday: ``10-11（周六）``."""
    return f"{fmt_day(value, ref)}（{weekday_name(value)}）"


def fmt_time(value: datetime, ref: date | None = None) -> str:
    """A local time with its weekday: ``09-27（周六）10:00``."""
    return f"{fmt_day_week(value.date(), ref)}{value:%H:%M}"


def unknown_year_warning(years: Sequence[int]) -> str:
    """The loud warning for deadlines through years whose whole schedule no source knows."""
    listed = "、".join(f"{y} 年" for y in years)
    return (f"⚠ 警告：{listed}的法定节假日和调休安排不完整（chinesecalendar、holidays 均未收录，"
            f"管理员也未导入全年安排），以下期限按周末、推算的节日和已录入的日期计算，可能不准；"
            f"请管理员在「节假日日历」中导入 {listed}的国务院放假通知。")


def _local(value: datetime, tz: tzinfo) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _end_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=tz)


def _opinion_start(received: datetime, first_published: datetime | None,
                   rule: SlaRule) -> tuple[datetime, str]:
    if rule.clock_start == ClockStart.FIRST_PUBLISHED and first_published is not None:
        return first_published, "首发"
    if rule.clock_start == ClockStart.EARLIEST and first_published is not None:
        return (first_published, "首发") if first_published < received else (received, "发现")
    return received, "发现"


def _hours_deadline(received: datetime, rule: SlaRule, level: Level | None,
                    first_published: datetime | None, tz: tzinfo) -> Deadline:
    start, verb = _opinion_start(_local(received, tz),
                                 _local(first_published, tz) if first_published else None, rule)
    ref = start.date()
    due = start + timedelta(hours=rule.limit)
    level_text = f"{LEVEL_LABELS[level]}舆情" if level else "舆情（未定级）"
    head = f"{start:%Y-%m-%d %H:%M}（{weekday_name(start.date())}）{verb}，{level_text}："
    milestones: list[Milestone] = []
    if rule.second_limit_hours:
        press = start + timedelta(hours=rule.second_limit_hours)
        milestones.append(Milestone("召开新闻发布会", press))
        body = (f"{rule.limit} 小时内发布权威信息，截止 {fmt_time(due, ref)}；"
                f"{rule.second_limit_hours} 小时内召开新闻发布会，截止 {fmt_time(press, ref)}")
    else:
        body = f"{rule.limit} 小时内回应，截止 {fmt_time(due, ref)}"
    tail = f"；按自然小时计算，节假日不顺延；起算点为{CLOCK_START_LABELS[rule.clock_start]}"
    return Deadline(due, head + body + tail, rule, milestones=tuple(milestones))


@dataclass(frozen=True)
class ClockInputs:
    """What a day-counted deadline depends on besides the rule."""

    received: date
    corrected: date | None = None
    extension: int = 0
    pauses: tuple[Pause, ...] = ()
    receipt_day_counts: bool = False


def _start_phrase(inputs: ClockInputs, unit_word: str) -> str:
    received = inputs.received
    head = f"{received.isoformat()}（{weekday_name(received)}）收到"
    if inputs.corrected is not None:
        head += f"申请，{fmt_day_week(inputs.corrected, received)}收到补正后的申请，"
        head += "当日重新起算" if inputs.receipt_day_counts else "次日起重新起算"
        return head + unit_word
    return head + ("，当日起算" if inputs.receipt_day_counts else "，次日起算") + unit_word


def _count_phrase(rule: SlaRule, extension: int) -> str:
    unit = "个工作日" if rule.unit is Unit.WORKING_DAYS else "日"
    if extension:
        total = rule.limit + extension
        return f" {rule.limit} {unit}，经批准延长 {extension} {unit}，共 {total} {unit}"
    return f" {rule.limit} {unit}"


def _calendar_notes(trace: Trace, ref: date) -> list[str]:
    notes = []
    spans = holiday_spans(trace.days)
    if spans:
        text = "、".join(
            f"{'、'.join(names) or '节'}假期 {fmt_day(a, ref)} 至 {fmt_day(b, ref)}"
            if a != b else f"{'、'.join(names) or '节'}假期 {fmt_day(a, ref)}"
            for a, b, names in spans)
        notes.append("跳过" + text)
    makeups = makeup_days(trace.days, trace.counted)
    if makeups:
        notes.append("、".join(fmt_day_week(d.day, ref) for d in makeups) + "调休上班计入")
    return notes


def _pause_notes(pauses: Sequence[Pause], trace: Trace, ref: date,
                 calendar: WorkCalendar) -> list[str]:
    notes = []
    for pause in pauses:
        if pause.end is None:
            until, _ = add_working_days(calendar, pause.start + timedelta(days=1),
                                        CONSULTATION_DAYS)
            notes.append(f"{pause.reason}自 {fmt_day_week(pause.start, ref)}起，期限暂停计算"
                         f"（对方应在 {CONSULTATION_DAYS} 个工作日内"
                         f"即 {fmt_day(until, ref)} 前答复）")
            continue
        days = [d for d in trace.paused if pause.covers(d)]
        notes.append(f"{pause.reason} {fmt_day(pause.start, ref)} 至 {fmt_day(pause.end, ref)}"
                     f" 期间 {len(days)} 个工作日不计入")
    return notes


def _unknown_years(trace: Trace, calendar: WorkCalendar) -> tuple[int, ...]:
    years = sorted({d.day.year for d in trace.days})
    return tuple(y for y in years if not calendar.year_known(y))


def _days_deadline(rule: SlaRule, inputs: ClockInputs, calendar: WorkCalendar,
                   tz: tzinfo) -> Deadline:
    clock_day = inputs.corrected or inputs.received
    start = first_counted_day(clock_day, inputs.receipt_day_counts)
    total = rule.limit + inputs.extension
    ref = inputs.received
    notes: list[str] = []
    if rule.unit is Unit.WORKING_DAYS:
        due_day, trace = add_working_days(calendar, start, total, inputs.pauses)
    else:
        nominal, due_day, trace = add_calendar_days(calendar, start, total)
        if due_day != nominal:
            notes.append(f"第 {total} 日 {fmt_day_week(nominal, ref)}为休息日，顺延至下一个工作日")
    notes += _calendar_notes(trace, ref) + _pause_notes(inputs.pauses, trace, ref, calendar)
    text = _start_phrase(inputs, _count_phrase(rule, inputs.extension))
    if notes:
        text += "；" + "，".join(notes)
    counted = len(trace.counted)
    if due_day is None:
        text += f"；已用 {counted} 个工作日，剩余 {total - counted} 个工作日，对方答复后恢复计算"
    else:
        text += f"；截止 {due_day.isoformat()}（{weekday_name(due_day)}）"
    unknown = _unknown_years(trace, calendar)
    if unknown:
        text = unknown_year_warning(unknown) + text
    due = _end_of(due_day, tz) if due_day else None
    return Deadline(due, text, rule, unknown_years=unknown, paused=due_day is None,
                    counted_days=counted, remaining_days=total - counted)


def due_at(
    kind: Kind | str,
    received: datetime,
    *,
    level: Level | str | None = None,
    rule: SlaRule | None = None,
    calendar: WorkCalendar | None = None,
    tz: tzinfo = SHANGHAI,
    receipt_day_counts: bool = False,
    extension: int = 0,
    pauses: Sequence[Pause] = (),
    corrected_at: datetime | None = None,
    first_published_at: datetime | None = None,
) -> Deadline:
    """Compute the due time of an entry received (or found) at ``received``, and explain it.

    Naive datetimes are read in ``tz``. ``extension`` is in the rule's unit and must not
    exceed what the rule allows; ``pauses`` and ``corrected_at`` apply to day-counted rules.
    """
    kind = Kind(kind)
    lvl = level if isinstance(level, Level) or level is None else parse_level(level)
    rule = rule or resolve_rule(kind, level=lvl)
    if extension < 0 or extension > rule.max_extension:
        raise ValueError(f"extension {extension} exceeds the rule's {rule.max_extension}")
    if rule.unit is Unit.HOURS:
        return _hours_deadline(received, rule, lvl, first_published_at, tz)
    inputs = ClockInputs(
        received=_local(received, tz).date(),
        corrected=_local(corrected_at, tz).date() if corrected_at else None,
        extension=extension, pauses=tuple(pauses), receipt_day_counts=receipt_day_counts,
    )
    return _days_deadline(rule, inputs, calendar or default_calendar(), tz)


def is_overdue(due: datetime | None, now: datetime, done_at: datetime | None = None) -> bool:
    """True when the answer came after ``due``, or has not come and ``now`` is past it.

    ``due=None`` (a paused clock, or no deadline) is never overdue.
    """
    if due is None:
        return False
    if done_at is not None:
        return done_at > due
    return now > due


def is_due_soon(due: datetime | None, now: datetime, within: timedelta,
                done_at: datetime | None = None) -> bool:
    """True when an unanswered item falls due within ``within`` from ``now``."""
    if due is None or done_at is not None:
        return False
    return now <= due <= now + within
