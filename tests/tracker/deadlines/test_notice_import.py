"""Importing a notice stores the whole year (on SQLite and PostgreSQL): the year becomes known,
deadlines through it lose their warning, re-importing replaces, faulty text stores nothing,
and a year with only some entered days stays unknown."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.deadlines import (
    NoticeError,
    YearStatus,
    confirm_year,
    due_at,
    import_notice,
    load_calendar,
    parse_notice,
    set_override,
    year_overview,
)
from tracker.deadlines.calendar import chinese_calendar_knows, holidays_has_official
from tracker.models import AuditEvent
from tracker.models.ledger import HolidayOverride, HolidayYear

SH = ZoneInfo("Asia/Shanghai")
#: Test-made: no 2027 notice existed when this was written (the file says so).
SYNTHETIC_2027 = (Path(__file__).parent / "notices" / "synthetic-2027.txt").read_text("utf-8")
PACKAGES_KNOW_2027 = chinese_calendar_knows(2027) or holidays_has_official(2027)


def stored(session, year: int) -> dict[date, tuple[bool, str | None, int | None]]:
    rows = session.scalars(select(HolidayOverride).where(
        HolidayOverride.day.between(date(year - 1, 12, 1), date(year, 12, 31))))
    return {r.day: (r.workday, r.name, r.schedule_year) for r in rows}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_importing_the_2027_notice_makes_january_deadlines_plain(session):
    received = datetime(2027, 1, 29, 9, 0, tzinfo=SH)  # 7 working days over 春节 2027
    before = due_at("message", received, calendar=load_calendar(session))
    assert (before.unknown_years == (2027,)) is not PACKAGES_KNOW_2027
    assert before.explanation.startswith("⚠ 警告") is not PACKAGES_KNOW_2027
    result = import_notice(session, parse_notice(SYNTHETIC_2027))
    assert (result.year, result.stored, result.removed, result.replaced) == (2027, 33, 0, False)
    calendar = load_calendar(session)
    assert calendar.year_known(2027) and calendar.year_status(2027) == YearStatus.COMPLETE
    after = due_at("message", received, calendar=calendar)
    assert after.unknown_years == () and "警告" not in after.explanation
    # 01-31 (Sun) worked, 02-01..02-04, then 02-05..02-14 off, 02-15 and 02-16.
    assert after.due.date() == date(2027, 2, 16)
    assert "跳过春节假期 02-05 至 02-14" in after.explanation
    assert "01-31（周日）调休上班计入" in after.explanation
    new_year = due_at("message", datetime(2026, 12, 29, 10, 0, tzinfo=SH), calendar=calendar)
    assert "警告" not in new_year.explanation and new_year.due.date() == date(2027, 1, 8)
    assert "跳过元旦假期 2027-01-01 至 2027-01-03" in new_year.explanation
    days = stored(session, 2027)
    assert days[date(2027, 2, 5)] == (False, "春节", 2027)
    assert days[date(2027, 10, 9)] == (True, "国庆节", 2027)
    year = session.scalar(select(HolidayYear).where(HolidayYear.year == 2027))
    assert (year.complete, year.source, year.days) == (True, "notice", 33)
    audited = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type.in_(["holiday", "holiday_year"]))).all()
    assert audited.count("import") == 33 and audited.count("notice") == 1


def test_one_entered_day_does_not_make_the_year_known(session):
    set_override(session, date(2027, 10, 1), False, "国庆节")
    calendar = load_calendar(session)
    assert calendar.year_status(2027) == (
        YearStatus.COMPLETE if PACKAGES_KNOW_2027 else YearStatus.PARTIAL)
    if PACKAGES_KNOW_2027:
        return
    deadline = due_at("message", datetime(2027, 9, 30, 9, 0, tzinfo=SH), calendar=calendar)
    assert deadline.unknown_years == (2027,) and deadline.explanation.startswith("⚠ 警告")
    assert not calendar.is_workday(date(2027, 10, 1))  # the entered day applies
    info = next(i for i in year_overview(session, 2026) if i.year == 2027)
    assert (info.status_label, info.entered) == ("不完整", 1)


def test_reimporting_a_year_replaces_its_notice_days_and_keeps_hand_entered_ones(session):
    import_notice(session, parse_notice(SYNTHETIC_2027))
    set_override(session, date(2027, 12, 24), True, "单位加班")  # by hand, not in the notice
    # A corrected notice: 中秋节 moved a day, the 国庆节 make-up Saturday dropped.
    corrected = (SYNTHETIC_2027.replace("9月15日（周三）放假1天", "9月16日（周四）放假1天")
                 .replace("9月26日（周日）、10月9日（周六）上班", "9月26日（周日）上班"))
    result = import_notice(session, parse_notice(corrected))
    assert (result.stored, result.removed, result.replaced) == (32, 2, True)
    days = stored(session, 2027)
    assert date(2027, 9, 15) not in days and date(2027, 10, 9) not in days
    assert days[date(2027, 9, 16)] == (False, "中秋节", 2027)
    assert days[date(2027, 12, 24)] == (True, "单位加班", None)
    assert count(session, HolidayYear) == 1
    removed = session.scalars(select(AuditEvent.entity_id).where(
        AuditEvent.entity_type == "holiday", AuditEvent.action == "remove")).all()
    assert sorted(removed) == ["2027-09-15", "2027-10-09"]


@pytest.mark.parametrize("text", [
    "这不是放假通知，只是一段文字。",
    SYNTHETIC_2027.replace("1月31日（周日）", "1月31日（周六）"),  # a wrong weekday
])
def test_a_faulty_notice_stores_nothing(session, text):
    schedule = parse_notice(text)
    with pytest.raises(NoticeError) as raised:
        import_notice(session, schedule)
    assert raised.value.errors == schedule.errors and schedule.errors
    assert count(session, HolidayOverride) == 0 and count(session, HolidayYear) == 0
    assert count(session, AuditEvent) == 0


def test_the_wrong_weekday_is_named_for_the_admin():
    schedule = parse_notice(SYNTHETIC_2027.replace("1月31日（周日）", "1月31日（周六）"))
    assert schedule.errors == ("春节：1月31日标注为“周六”，实际是周日，请核对通知原文",)


def test_a_year_entered_by_hand_is_known_once_confirmed_complete(session):
    year = next(y for y in range(2028, 2100)
                if not chinese_calendar_knows(y) and not holidays_has_official(y))
    with pytest.raises(ValueError, match="还没有录入任何日期"):
        confirm_year(session, year)
    with pytest.raises(ValueError, match="无需确认"):
        confirm_year(session, 2026)
    set_override(session, date(year, 1, 1), False, "元旦")
    assert load_calendar(session).year_status(year) == YearStatus.PARTIAL
    confirm_year(session, year, actor_id=None)
    assert load_calendar(session).year_status(year) == YearStatus.COMPLETE
    info = next(i for i in year_overview(session, year) if i.year == year)
    assert info.status_label == "完整" and info.source == "管理员逐日录入并确认完整"
