"""Time travel through reminders and escalation: weekends, 国庆 with its 调休 days, quiet
hours, urgent levels, extensions and no repeats. Pure functions with an injected ``now``."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from tracker.ledger.reminders import (
    Audience,
    EntryClock,
    ReminderPolicy,
    decide,
    is_quiet,
    quiet_ends,
    remaining_text,
    step_key,
    step_time,
    steps,
)

SH = ZoneInfo("Asia/Shanghai")
POLICY = ReminderPolicy()
is_workday = chinese_calendar.is_workday


def sh(text: str) -> datetime:
    """A Shanghai wall-clock time, e.g. "2025-11-17 10:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def travel(entry: EntryClock, start: datetime, end: datetime,
           tick: timedelta = timedelta(minutes=15), policy: ReminderPolicy = POLICY):
    """Run the reminder job every ``tick`` from start to end; return what was sent/skipped."""
    done: set[str] = set()
    sent: list[tuple[str, str]] = []
    skipped: list[str] = []
    now = start
    while now <= end:
        decision = decide(entry, now, done, policy, is_workday)
        for step in decision.skip:
            done.add(step_key(step, entry.due_at))
            skipped.append(step.code)
        for step in decision.send:
            done.add(step_key(step, entry.due_at))
            sent.append((now.astimezone(SH).strftime("%Y-%m-%d %a %H:%M"), step.code))
        now += tick
    return sent, skipped


def test_weekend_holds_the_24h_reminder_and_monday_sends_only_the_latest():
    entry = EntryClock(1, due_at=sh("2025-11-17 10:00"), level="general")
    sent, skipped = travel(entry, sh("2025-11-14 18:00"), sh("2025-11-21 18:00"))
    assert sent == [
        ("2025-11-17 Mon 08:00", "before:120m"),   # Sunday's 24 h reminder was held back
        ("2025-11-17 Mon 10:00", "due"),
        ("2025-11-18 Tue 10:00", "overdue:head"),  # one working day late
        ("2025-11-20 Thu 10:00", "overdue:leader"),  # three working days late
    ]
    assert skipped == ["before:1440m"]


def test_national_day_holiday_and_tiaoxiu_working_saturday():
    entry = EntryClock(2, due_at=sh("2025-09-30 16:00"), level="larger")
    sent, skipped = travel(entry, sh("2025-09-28 09:00"), sh("2025-10-13 09:00"))
    assert sent == [
        ("2025-09-29 Mon 16:00", "before:1440m"),
        ("2025-09-30 Tue 14:00", "before:120m"),
        ("2025-09-30 Tue 16:00", "due"),
        # 10-01 .. 10-08 are holidays: the first working day late is Thursday 10-09,
        ("2025-10-09 Thu 16:00", "overdue:head"),
        # and the third is Saturday 10-11, a 调休 make-up working day.
        ("2025-10-11 Sat 16:00", "overdue:leader"),
    ]
    assert skipped == []


def test_steps_falling_at_night_or_in_the_holiday_wait_for_the_working_morning():
    # Due late on the 调休 working Sunday 09-28: the due reminder falls at night, the
    # head's one working day later at night too, the leader's third working day is 10-09
    # (after the 国庆 holiday), again at night.
    entry = EntryClock(3, due_at=sh("2025-09-28 22:30"))
    sent, skipped = travel(entry, sh("2025-09-27 12:00"), sh("2025-10-11 12:00"))
    assert sent == [
        ("2025-09-28 Sun 08:00", "before:1440m"),  # 09-27 22:30 was a rest-day night
        ("2025-09-28 Sun 20:30", "before:120m"),
        ("2025-09-29 Mon 08:00", "due"),
        ("2025-09-30 Tue 08:00", "overdue:head"),
        ("2025-10-10 Fri 08:00", "overdue:leader"),
    ]
    assert skipped == []


def test_a_deadline_on_a_rest_day_counts_lateness_from_the_next_working_day():
    entry = EntryClock(10, due_at=sh("2025-11-16 15:00"))  # Sunday afternoon
    by_code = {s.code: s for s in steps(POLICY)}
    assert step_time(by_code["overdue:head"], entry.due_at, POLICY, is_workday) == sh(
        "2025-11-18 15:00")
    sent, _ = travel(entry, sh("2025-11-16 12:00"), sh("2025-11-21 18:00"))
    assert sent == [
        ("2025-11-17 Mon 08:00", "due"),
        ("2025-11-18 Tue 15:00", "overdue:head"),
        ("2025-11-20 Thu 15:00", "overdue:leader"),
    ]


@pytest.mark.parametrize("level", ["major", "critical", "重大", "特别重大"])
def test_major_levels_ignore_quiet_hours(level):
    entry = EntryClock(4, due_at=sh("2025-11-16 03:00"), level=level)  # Sunday, at night
    sent, skipped = travel(entry, sh("2025-11-14 12:00"), sh("2025-11-16 04:00"))
    assert sent == [
        ("2025-11-15 Sat 03:00", "before:1440m"),
        ("2025-11-16 Sun 01:00", "before:120m"),
        ("2025-11-16 Sun 03:00", "due"),
    ]
    assert skipped == []


def test_general_level_on_the_same_night_waits_until_the_next_working_day():
    entry = EntryClock(5, due_at=sh("2025-11-16 03:00"), level="general")
    sent, skipped = travel(entry, sh("2025-11-14 12:00"), sh("2025-11-17 12:00"))
    assert sent == [("2025-11-17 Mon 08:00", "due"), ]
    assert skipped == ["before:1440m", "before:120m"]


def test_no_repeats_when_the_job_runs_again_and_again():
    entry = EntryClock(6, due_at=sh("2025-11-19 15:00"))
    sent, _ = travel(entry, sh("2025-11-17 09:00"), sh("2025-11-28 09:00"),
                     tick=timedelta(minutes=5))
    codes = [code for _, code in sent]
    assert len(codes) == len(set(codes)) == 5
    done = {step_key(s, entry.due_at) for s in steps(POLICY)}
    later = sh("2025-12-30 10:00")
    assert decide(entry, later, done, POLICY, is_workday).send == ()


def test_an_extended_deadline_reminds_afresh_but_never_twice():
    old = EntryClock(7, due_at=sh("2025-11-18 10:00"))
    done = {step_key(s, old.due_at) for s in steps(POLICY)[:2]}  # 24 h and 2 h were sent
    extended = EntryClock(7, due_at=sh("2025-11-25 10:00"))
    sent, _ = travel(extended, sh("2025-11-18 09:00"), sh("2025-11-25 10:00"))
    assert [code for _, code in sent] == ["before:1440m", "before:120m", "due"]
    again = decide(old, sh("2025-11-18 09:00"), done, POLICY, is_workday)
    assert again.send == ()


def test_a_closed_entry_gets_nothing():
    entry = EntryClock(8, due_at=sh("2025-11-18 10:00"), open=False)
    sent, skipped = travel(entry, sh("2025-11-17 09:00"), sh("2025-11-30 09:00"))
    assert sent == [] and skipped == []


def test_a_late_registered_entry_gets_only_the_latest_reminder():
    entry = EntryClock(9, due_at=sh("2025-11-18 10:00"))
    decision = decide(entry, sh("2025-11-18 09:00"), set(), POLICY, is_workday)
    assert [s.code for s in decision.send] == ["before:120m"]
    assert [s.code for s in decision.skip] == ["before:1440m"]
    assert decision.send[0].audience is Audience.RESPONSIBLE


def test_quiet_hours_and_their_end():
    assert is_quiet(sh("2025-11-17 22:00"), POLICY, is_workday)
    assert is_quiet(sh("2025-11-17 07:59"), POLICY, is_workday)
    assert not is_quiet(sh("2025-11-17 08:00"), POLICY, is_workday)
    assert is_quiet(sh("2025-11-15 12:00"), POLICY, is_workday)  # Saturday
    assert not is_quiet(sh("2025-10-11 12:00"), POLICY, is_workday)  # 调休 Saturday
    assert quiet_ends(sh("2025-09-30 23:00"), POLICY, is_workday) == sh("2025-10-09 08:00")
    assert quiet_ends(sh("2025-11-17 12:00"), POLICY, is_workday) == sh("2025-11-17 12:00")
    nights_only = ReminderPolicy(quiet_on_rest_days=False)
    assert quiet_ends(sh("2025-11-15 23:00"), nights_only, is_workday) == sh("2025-11-16 08:00")


def test_step_times_and_texts():
    due = sh("2025-09-30 16:00")
    by_code = {s.code: s for s in steps(POLICY)}
    assert step_time(by_code["before:1440m"], due, POLICY, is_workday) == sh("2025-09-29 16:00")
    assert step_time(by_code["overdue:head"], due, POLICY, is_workday) == sh("2025-10-09 16:00")
    assert by_code["before:1440m"].label == "到期前24小时提醒"
    assert remaining_text(due, due - timedelta(hours=3)) == "还剩 3 小时"
    assert remaining_text(due, due + timedelta(days=2, hours=4)) == "已超期 2 天 4 小时"
