"""Deadline reminders and escalation (督办), decided by pure functions of an injected ``now``.

The steps of one ledger entry, in order: reminders before the deadline (24 h and 2 h by
default) and at the deadline go to the responsible person; once overdue the entry escalates
to the department head, then to the supervising leader, each after a number of working days.
A step is taken once (the caller records it and passes the taken codes back in ``done``).
When several reminders to the responsible person are due at once (the scheduler was down,
or quiet hours held them back) only the latest is sent; the earlier ones are recorded as
skipped so they never arrive late and out of order. Quiet hours (night, and rest days) hold
everything back except entries of level 重大 and 特别重大.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.vocabulary import Level, level_of

#: Answers "is this date a working day?" (weekends, holidays and 调休 make-up days).
IsWorkday = Callable[[date], bool]

#: Bound on any walk over the calendar, so a broken calendar can never loop forever.
MAX_DAYS = 400


class Audience(enum.StrEnum):
    """Who a step speaks to."""

    RESPONSIBLE = "responsible"
    DEPARTMENT_HEAD = "department_head"
    LEADER = "leader"


AUDIENCE_LABELS = {Audience.RESPONSIBLE: "责任人", Audience.DEPARTMENT_HEAD: "部门负责人",
                   Audience.LEADER: "督办领导"}


@dataclass(frozen=True)
class Step:
    """One reminder step: a stable code (the no-repeat key), its audience and its label."""

    code: str
    audience: Audience
    label: str


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind and escalate, and when to keep quiet; every value is configuration."""

    before: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
    head_after_working_days: int = 1
    leader_after_working_days: int = 3
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    quiet_on_rest_days: bool = True
    urgent_levels: frozenset[Level] = frozenset({Level.MAJOR, Level.CRITICAL})
    timezone: str = "Asia/Shanghai"

    @property
    def tz(self) -> ZoneInfo:
        """The zone quiet hours and working days are read in."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class EntryClock:
    """What reminders need to know about one ledger entry."""

    entry_id: int
    due_at: datetime
    level: str | None = None
    open: bool = True


@dataclass(frozen=True)
class Decision:
    """What to do for one entry now."""

    send: tuple[Step, ...] = ()
    skip: tuple[Step, ...] = ()
    deferred_until: datetime | None = None
    reason: str = ""


def _hours_label(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g}小时" if hours < 48 else f"{hours / 24:g}天"


def steps(policy: ReminderPolicy) -> tuple[Step, ...]:
    """The ordered steps of the policy."""
    before = tuple(
        Step(f"before:{int(d.total_seconds() // 60)}m", Audience.RESPONSIBLE,
             f"到期前{_hours_label(d)}提醒")
        for d in sorted(policy.before, reverse=True)
    )
    return before + (
        Step("due", Audience.RESPONSIBLE, "到期提醒"),
        Step("overdue:head", Audience.DEPARTMENT_HEAD, "超期督办（部门负责人）"),
        Step("overdue:leader", Audience.LEADER, "超期督办（分管领导）"),
    )


def add_working_days(start: datetime, count: int, is_workday: IsWorkday,
                     tz: ZoneInfo) -> datetime:
    """The same local time of day ``count`` working days after ``start``."""
    local = start.astimezone(tz)
    day, counted = local.date(), 0
    for _ in range(MAX_DAYS):
        if counted >= count:
            break
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tz)


def step_time(step: Step, due_at: datetime, policy: ReminderPolicy,
              is_workday: IsWorkday) -> datetime:
    """When ``step`` falls due for an entry due at ``due_at``."""
    if step.code.startswith("before:"):
        return due_at - timedelta(minutes=int(step.code[7:-1]))
    if step.code.startswith("overdue:"):
        days = (policy.head_after_working_days if step.code == "overdue:head"
                else policy.leader_after_working_days)
        # A deadline on a rest day counts from the next working day (民法典 Art. 203), so
        # lateness is always measured in whole working days.
        return add_working_days(roll_to_workday(due_at, is_workday, policy.tz), days,
                                is_workday, policy.tz)
    return due_at


def roll_to_workday(moment: datetime, is_workday: IsWorkday, tz: ZoneInfo) -> datetime:
    """The same local time on the first working day on or after ``moment``'s date."""
    local = moment.astimezone(tz)
    day = local.date()
    for _ in range(MAX_DAYS):
        if is_workday(day):
            break
        day += timedelta(days=1)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tz)


def is_quiet(now: datetime, policy: ReminderPolicy, is_workday: IsWorkday) -> bool:
    """True at night and (if the policy says so) on rest days, in local time."""
    local = now.astimezone(policy.tz)
    if policy.quiet_on_rest_days and not is_workday(local.date()):
        return True
    start, end, clock = policy.quiet_start, policy.quiet_end, local.time()
    if start == end:
        return False
    if start > end:
        return clock >= start or clock < end
    return start <= clock < end


def quiet_ends(now: datetime, policy: ReminderPolicy, is_workday: IsWorkday) -> datetime:
    """The first moment from ``now`` on that is not quiet."""
    candidate = now.astimezone(policy.tz)
    for _ in range(MAX_DAYS):
        if not is_quiet(candidate, policy, is_workday):
            return candidate
        day = candidate.date()
        if candidate.time() >= policy.quiet_end:
            day += timedelta(days=1)
        candidate = datetime.combine(day, policy.quiet_end, policy.tz)
    return candidate


def is_urgent(level: str | None, policy: ReminderPolicy) -> bool:
    """重大 and 特别重大 entries ignore quiet hours (``level`` as a code or a Chinese word)."""
    # Ledger entries store the code, alerts the analysis' Chinese word: both are urgent.
    found = level_of(level)
    return found is not None and found in policy.urgent_levels


def step_key(step: Step, due_at: datetime) -> str:
    """The no-repeat key of a step: per deadline, so an extended deadline reminds afresh."""
    return f"{step.code}@{due_at.astimezone(ZoneInfo('UTC')):%Y%m%d%H%M}"


def _pending(entry: EntryClock, now: datetime, done: Collection[str],
             policy: ReminderPolicy, is_workday: IsWorkday) -> tuple[list[Step], list[Step]]:
    """Steps whose time has come and that were not taken: (responsible, escalations)."""
    responsible: list[Step] = []
    escalations: list[Step] = []
    for step in steps(policy):
        if step_key(step, entry.due_at) in done:
            continue
        if step_time(step, entry.due_at, policy, is_workday) > now:
            continue
        (responsible if step.audience is Audience.RESPONSIBLE else escalations).append(step)
    return responsible, escalations


def _later_taken(step: Step, entry: EntryClock, done: Collection[str],
                 policy: ReminderPolicy) -> bool:
    """True when a later reminder to the responsible person was already taken."""
    order = [s for s in steps(policy) if s.audience is Audience.RESPONSIBLE]
    later = order[order.index(step) + 1:]
    return any(step_key(s, entry.due_at) in done for s in later)


def decide(entry: EntryClock, now: datetime, done: Collection[str],
           policy: ReminderPolicy, is_workday: IsWorkday) -> Decision:
    """What to send for ``entry`` at ``now``, given the step keys already taken."""
    if not entry.open:
        return Decision(reason="已办结，无需提醒")
    responsible, escalations = _pending(entry, now, done, policy, is_workday)
    latest = responsible[-1:]
    if latest and _later_taken(latest[0], entry, done, policy):
        latest = []
    skip = tuple(s for s in responsible if s not in latest)
    send = tuple(latest + escalations)
    if not send:
        return Decision(skip=skip, reason="暂无到点的提醒")
    if is_quiet(now, policy, is_workday) and not is_urgent(entry.level, policy):
        return Decision(skip=skip, deferred_until=quiet_ends(now, policy, is_workday),
                        reason="免打扰时段，顺延发送")
    return Decision(send=send, skip=skip, reason="到点提醒")


def remaining_text(due_at: datetime, now: datetime) -> str:
    """"还剩 3 小时" or "已超期 2 天 4 小时", for the message body."""
    seconds = int((due_at - now).total_seconds())
    span = abs(seconds)
    days, hours, minutes = span // 86400, span % 86400 // 3600, span % 3600 // 60
    parts = ([f"{days} 天"] if days else []) + ([f"{hours} 小时"] if hours else [])
    text = " ".join(parts) or f"{minutes} 分钟"
    return f"还剩 {text}" if seconds >= 0 else f"已超期 {text}"
