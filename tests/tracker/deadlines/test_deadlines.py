"""Deadlines on the official working-day calendar: every kind, 春节 and 国庆 with 调休,
补正 restart, consultation pause, extension, unknown years and the explanation text."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.deadlines import (
    Override,
    Pause,
    SlaRule,
    Unit,
    WorkCalendar,
    YearStatus,
    due_at,
    is_due_soon,
    is_overdue,
    resolve_rule,
)
from tracker.deadlines.calendar import chinese_calendar_knows, holidays_has_official
from tracker.vocabulary import Kind

SH = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """A Shanghai time from ``YYYY-MM-DD[ HH:MM]``."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def due_day(deadline) -> str:
    return deadline.due.date().isoformat()


def test_disclosure_received_friday_before_national_day_is_due_2025_10_30():
    deadline = due_at("disclosure", local("2025-09-26 15:30"))
    assert due_day(deadline) == "2025-10-30"
    assert deadline.due == local("2025-10-30 23:59:59")
    text = deadline.explanation
    assert text.startswith("2025-09-26（周五）收到，次日起算 20 个工作日")
    assert "跳过国庆节、中秋节假期 10-01 至 10-08" in text
    assert "09-28（周日）、10-11（周六）调休上班计入" in text
    assert text.endswith("截止 2025-10-30（周四）")


@pytest.mark.parametrize(("kind", "received", "expected", "makeups"), [
    # 春节 2025: 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked.
    ("message", "2025-01-24", "2025-02-10", "01-26（周日）、02-08（周六）"),
    ("disclosure", "2025-01-24", "2025-02-27", "01-26（周日）、02-08（周六）"),
    # 春节 2026: 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked.
    ("disclosure", "2026-02-13", "2026-03-19", "02-14（周六）、02-28（周六）"),
    # 国庆 2026: 10-01..10-07 off, 09-20 (Sun) before the count, 10-10 (Sat) worked.
    ("message", "2026-09-30", "2026-10-15", "10-10（周六）"),
    ("message", "2025-09-26", "2025-10-13", "09-28（周日）、10-11（周六）"),
])
def test_working_day_deadlines_span_spring_festival_and_national_day(
        kind, received, expected, makeups):
    deadline = due_at(kind, local(received + " 09:00"))
    assert due_day(deadline) == expected
    assert makeups + "调休上班计入" in deadline.explanation
    assert "假期" in deadline.explanation


def test_the_receipt_day_counts_when_the_setting_says_so():
    counted = due_at("message", local("2025-09-26 09:00"), receipt_day_counts=True)
    assert due_day(counted) == "2025-10-11"
    assert "当日起算" in counted.explanation


def test_a_correction_restarts_the_twenty_days_from_the_corrected_application():
    deadline = due_at("disclosure", local("2025-09-26 10:00"),
                      corrected_at=local("2025-10-09 14:00"))
    assert due_day(deadline) == "2025-11-05"
    assert "10-09（周四）收到补正后的申请，次日起重新起算 20 个工作日" in deadline.explanation


def test_a_closed_consultation_pause_is_not_counted():
    pause = Pause(date(2025, 10, 13), date(2025, 10, 20), "征求第三方意见")
    deadline = due_at("disclosure", local("2025-09-26 10:00"), pauses=[pause])
    # 10-14..10-20 holds five working days; the due day moves five working days.
    assert due_day(deadline) == "2025-11-06"
    assert "征求第三方意见 10-13 至 10-20 期间 5 个工作日不计入" in deadline.explanation


def test_an_open_consultation_pause_stops_the_clock_and_says_how_much_is_left():
    deadline = due_at("disclosure", local("2025-09-26 10:00"), pauses=[Pause(date(2025, 10, 13))])
    assert deadline.due is None and deadline.paused
    assert deadline.counted_days == 7 and deadline.remaining_days == 13
    assert "期限暂停计算" in deadline.explanation and "11-03 前答复" in deadline.explanation
    assert not is_overdue(deadline.due, local("2026-01-01 00:00"))


def test_an_extension_adds_working_days_within_the_rule():
    deadline = due_at("disclosure", local("2025-09-26 10:00"), extension=20)
    assert due_day(deadline) == "2025-11-27"
    assert "经批准延长 20 个工作日，共 40 个工作日" in deadline.explanation
    message = due_at("message", local("2025-09-26 10:00"), extension=8)
    assert due_day(message) == "2025-10-23"
    with pytest.raises(ValueError):
        due_at("disclosure", local("2025-09-26 10:00"), extension=21)
    with pytest.raises(ValueError):
        due_at("message", local("2025-09-26 10:00"), extension=9)


def test_major_opinions_get_five_hours_and_a_24_hour_press_conference():
    deadline = due_at("opinion", local("2025-09-30 22:00"), level="重大")
    assert deadline.due == local("2025-10-01 03:00")
    assert deadline.milestones[0].label == "召开新闻发布会"
    assert deadline.milestones[0].due == local("2025-10-01 22:00")
    assert "5 小时内发布权威信息" in deadline.explanation
    assert "节假日不顺延" in deadline.explanation
    critical = due_at("opinion", local("2025-09-30 22:00"), level="critical")
    assert critical.due == deadline.due


@pytest.mark.parametrize("level", [None, "一般", "较大"])
def test_other_opinions_get_48_clock_hours_even_over_a_holiday(level):
    deadline = due_at("opinion", local("2025-09-30 10:00"), level=level)
    assert deadline.due == local("2025-10-02 10:00")
    assert not deadline.milestones


def test_the_opinion_clock_can_start_at_first_publication():
    rule = SlaRule(Kind.OPINION, 48, Unit.HOURS, clock_start="first_published")
    deadline = due_at("opinion", local("2025-09-30 10:00"), rule=rule,
                      first_published_at=local("2025-09-29 20:00"))
    assert deadline.due == local("2025-10-01 20:00")
    assert "首发" in deadline.explanation


def test_a_calendar_day_deadline_on_a_holiday_moves_to_the_next_working_day():
    rule = SlaRule(Kind.MESSAGE, 5, Unit.CALENDAR_DAYS)
    deadline = due_at("message", local("2025-09-28 10:00"), rule=rule)
    # 09-29 + 4 = 10-03, inside the National Day holiday: moved to 10-09.
    assert due_day(deadline) == "2025-10-09"
    assert "顺延至下一个工作日" in deadline.explanation


def test_a_deadline_in_a_year_no_source_knows_carries_a_loud_warning():
    year = next(y for y in range(2027, 2100)
                if not chinese_calendar_knows(y) and not holidays_has_official(y))
    deadline = due_at("disclosure", local(f"{year}-03-01 10:00"))
    assert deadline.unknown_years == (year,)
    assert deadline.explanation.startswith("⚠ 警告")
    assert f"{year} 年" in deadline.explanation
    known = due_at("disclosure", local("2026-03-02 10:00"))
    assert known.unknown_years == () and "警告" not in known.explanation


def test_entered_days_apply_but_only_a_complete_year_is_known_and_they_win_over_packages():
    year = next(y for y in range(2027, 2100)
                if not chinese_calendar_knows(y) and not holidays_has_official(y))
    overrides = [Override(date(year, 10, d), False, "国庆节") for d in range(1, 8)]
    saturday = next(date(year, 10, d) for d in range(8, 15) if date(year, 10, d).weekday() == 5)
    overrides.append(Override(saturday, True, "国庆节"))
    # Some days entered, the year not complete: still unknown, loud, but the days count.
    partial = WorkCalendar(overrides)
    assert partial.year_status(year) == YearStatus.PARTIAL and not partial.year_known(year)
    deadline = due_at("message", local(f"{year}-09-30 10:00"), calendar=partial)
    assert deadline.unknown_years == (year,) and deadline.explanation.startswith("⚠ 警告")
    assert "国庆节假期" in deadline.explanation and "调休上班计入" in deadline.explanation
    # The same days with the year complete: known, no warning, the same due day.
    calendar = WorkCalendar(overrides, complete_years=[year])
    assert calendar.year_status(year) == YearStatus.COMPLETE
    complete = due_at("message", local(f"{year}-09-30 10:00"), calendar=calendar)
    assert "警告" not in complete.explanation and complete.due == deadline.due
    assert "国庆节假期" in complete.explanation and "调休上班计入" in complete.explanation
    assert WorkCalendar().year_status(year) == YearStatus.UNKNOWN
    # An override also corrects a year the packages know.
    fixed = WorkCalendar([Override(date(2025, 10, 9), False, "临时放假")])
    assert due_day(due_at("message", local("2025-09-26"), calendar=fixed)) == "2025-10-14"


def test_both_calendar_packages_know_2025_and_2026_with_make_up_days():
    calendar = WorkCalendar()
    for year in (2025, 2026):
        assert chinese_calendar_knows(year) and holidays_has_official(year)
        assert calendar.year_known(year)
    assert calendar.is_workday(date(2025, 9, 28)) and calendar.is_workday(date(2026, 2, 28))
    assert not calendar.is_workday(date(2025, 10, 8)) and not calendar.is_workday(date(2026, 2, 23))


def test_naive_and_utc_inputs_mean_the_same_instant():
    naive = due_at("disclosure", datetime(2025, 9, 26, 15, 30))
    utc = due_at("disclosure", datetime(2025, 9, 26, 7, 30, tzinfo=UTC))
    assert naive.due == utc.due
    # 17:00 UTC on 09-25 is already 09-26 in Shanghai.
    late = due_at("disclosure", datetime(2025, 9, 25, 17, 0, tzinfo=UTC))
    assert due_day(late) == "2025-10-30"


def test_json_shape_is_due_and_explanation():
    data = due_at("disclosure", local("2025-09-26")).as_json()
    assert set(data) == {"due", "explanation"}
    assert data["due"] == "2025-10-30T23:59:59+08:00"


def test_the_most_specific_rule_wins_and_configured_rules_beat_defaults():
    board = SlaRule(Kind.MESSAGE, 3, Unit.WORKING_DAYS, board="mayor", extended_limit=10,
                    configured=True)
    category = SlaRule(Kind.MESSAGE, 5, Unit.WORKING_DAYS, board="mayor", category="城乡建设",
                       configured=True)
    rules = [board, category]
    assert resolve_rule("message", board="mayor", rules=rules) is board
    assert resolve_rule("message", board="mayor", category="城乡建设", rules=rules) is category
    assert resolve_rule("message", board="other", rules=rules).limit == 7
    assert resolve_rule("opinion", level="重大", rules=rules).limit == 5


def test_is_overdue_and_due_soon():
    due = local("2025-10-30 23:59:59")
    assert not is_overdue(due, due)
    assert is_overdue(due, due + timedelta(seconds=1))
    assert not is_overdue(due, due + timedelta(days=9), done_at=due - timedelta(days=1))
    assert is_overdue(due, due, done_at=due + timedelta(hours=1))
    assert not is_overdue(None, due)
    assert is_due_soon(due, due - timedelta(hours=5), timedelta(hours=24))
    assert not is_due_soon(due, due - timedelta(days=3), timedelta(hours=24))
    assert not is_due_soon(due, due - timedelta(hours=5), timedelta(hours=24), done_at=due)
