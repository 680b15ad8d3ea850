"""The State Council's yearly holiday notice, parsed from its official wording.

Each notice is checked DAY BY DAY against ``chinese_calendar`` (built from the same notices):
every date of the year is a working day exactly when the parsed schedule plus weekends says
so. That proves the parser and the fixture texts in ``notices/`` at once. The 2019 notice is
real data from the shared gov.cn set (see its PROVENANCE.md); the others are the official
texts as published on gov.cn (notices/README.md).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from tests.conftest import SHARED_DATA
from tracker.deadlines import FESTIVALS, describe, parse_notice

NOTICES = Path(__file__).parent / "notices"
GOVCN_2019 = SHARED_DATA / "govcn_state_council_2019" / "documents.jsonl"

#: Days where chinese_calendar differs from the yearly notice because a later notice changed
#: the year: 国办发明电〔2019〕3号 (2019-03-22) made 劳动节 5月1日至4日 with 4月28日 and 5月5日
#: worked; 国办发明电〔2020〕1号 (January 2020) extended 春节 to 2月2日 (2月1日 no longer worked).
AMENDED = {
    2019: {date(2019, 4, 28), date(2019, 5, 2), date(2019, 5, 3), date(2019, 5, 5)},
    2020: {date(2020, 1, 31), date(2020, 2, 1)},
}
CC_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
            "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
            "Mid-autumn Festival": "中秋节"}


def notice_text(year: int) -> str:
    """The official notice of ``year``: 2019 from the shared gov.cn data, others fixtures."""
    if year != 2019:
        return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")
    with GOVCN_2019.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["title"] == "国务院办公厅关于2019年部分节假日安排的通知":
                return row["content"]
    raise AssertionError("the 2019 notice is missing from the shared gov.cn data")


def workday_by_notice(day: date, rest: set[date], work: set[date]) -> bool:
    """Working day under the parsed schedule: make-up days work, weekdays not off work."""
    return day in work or (day.weekday() < 5 and day not in rest)


@pytest.mark.parametrize("year", [2017, 2019, 2020, 2023, 2024, 2025, 2026])
def test_each_notice_matches_chinese_calendar_day_by_day(year):
    schedule = parse_notice(notice_text(year))
    assert schedule.ok, schedule.errors
    assert schedule.year == year and schedule.number.startswith("国办发明电〔")
    rest, work = set(schedule.rest_days()), set(schedule.work_days())
    differing = set()
    day = date(year, 1, 1)
    while day.year == year:
        if workday_by_notice(day, rest, work) != chinese_calendar.is_workday(day):
            differing.add(day)
        day += timedelta(days=1)
    assert differing == AMENDED.get(year, set())
    # Days of the notice outside its year (元旦 starting in December) agree too.
    for day in (d for d in rest | work if d.year != year):
        assert workday_by_notice(day, rest, work) == chinese_calendar.is_workday(day), day
    # Every weekday off is the festival chinese_calendar names.
    for festival in schedule.festivals:
        for day in festival.rest_days:
            _, name = chinese_calendar.get_holiday_detail(day)
            if day.weekday() < 5 and day not in AMENDED.get(year, set()):
                assert CC_NAMES[name] in festival.name.split("、"), (day, name, festival.name)


@pytest.mark.parametrize("year", [2017, 2019, 2020, 2023, 2024, 2025, 2026])
def test_each_notice_has_all_seven_festivals_and_the_stated_counts(year):
    schedule = parse_notice(notice_text(year))
    named = [part for f in schedule.festivals for part in f.name.split("、")]
    assert sorted(named) == sorted(FESTIVALS)
    for festival in schedule.festivals:
        if festival.stated_total is not None:
            assert festival.stated_total == len(festival.rest_days)


def festival(schedule, name):
    return next(f for f in schedule.festivals if f.name == name)


def test_the_2017_wording_buxiu_and_xingqi():
    schedule = parse_notice(notice_text(2017))
    new_year = festival(schedule, "元旦")  # 1月1日放假，1月2日（星期一）补休
    assert new_year.rest_days == (date(2017, 1, 1), date(2017, 1, 2))
    assert new_year.stated_total is None and new_year.work_days == ()
    spring = festival(schedule, "春节")
    assert spring.work_days == (date(2017, 1, 22), date(2017, 2, 4))
    labour = festival(schedule, "劳动节")  # 5月1日放假，与周末连休
    assert labour.rest_days == (date(2017, 5, 1),)
    assert labour.days_off == (date(2017, 4, 29), date(2017, 4, 30), date(2017, 5, 1))
    joint = festival(schedule, "中秋节、国庆节")
    assert joint.total == 8 and joint.work_days == (date(2017, 9, 30),)


def test_the_2024_wording_cross_year_weekend_and_the_eve_note():
    schedule = parse_notice(notice_text(2024))
    new_year = festival(schedule, "元旦")  # 1月1日放假，与周末连休: 2023-12-30..2024-01-01
    assert new_year.days_off == (date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1))
    spring = festival(schedule, "春节")
    assert spring.rest_days[0] == date(2024, 2, 10) and spring.total == 8
    assert spring.work_days == (date(2024, 2, 4), date(2024, 2, 18))  # 星期日
    assert date(2024, 2, 9) not in schedule.rest_days()  # 除夕 only "encouraged": a note
    assert any("除夕(2月9日)" in note for note in schedule.notes)


def test_the_2025_rules_spring_festival_and_labour_day_one_day_longer():
    schedule = parse_notice(notice_text(2025))
    spring = festival(schedule, "春节")  # 1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）
    assert spring.rest_days == tuple(date(2025, 1, 28) + timedelta(days=i) for i in range(8))
    assert spring.work_days == (date(2025, 1, 26), date(2025, 2, 8))  # 周日, 周六
    assert festival(schedule, "劳动节").total == 5
    assert festival(schedule, "元旦").rest_days == (date(2025, 1, 1),)  # 放假1天，不调休
    assert festival(schedule, "国庆节、中秋节").total == 8
    for day in spring.rest_days[1:4]:  # the 春节 days chinesecalendar names too
        assert chinese_calendar.get_holiday_detail(day) == (True, "Spring Festival")


def test_cross_year_ranges_of_2019_and_2023():
    new_year_2019 = festival(parse_notice(notice_text(2019)), "元旦")
    assert new_year_2019.rest_days == (date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1))
    assert new_year_2019.work_days == (date(2018, 12, 29),)  # 2018年12月29日（星期六）上班
    new_year_2023 = festival(parse_notice(notice_text(2023)), "元旦")
    assert new_year_2023.rest_days == (date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2))


def test_half_width_punctuation_and_one_line_pastes_read_the_same():
    official = parse_notice(notice_text(2026))
    ascii_text = unicodedata.normalize("NFKC", notice_text(2026)).replace("\n", " ")
    assert "（" not in ascii_text and "：" not in ascii_text
    assert parse_notice(ascii_text).festivals == official.festivals


def test_the_schedule_reads_back_for_confirmation():
    lines = describe(parse_notice(notice_text(2026)))
    assert lines[0] == "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
    assert "春节：放假 2月15日（周日）至2月23日（周一），共 9 天；" \
           "调休上班 2月14日（周六）、2月28日（周六）" in lines
    assert lines[-1] == "合计：放假 33 天（含连休的周末），调休上班 6 天"


def test_a_weekday_that_does_not_match_its_date_is_an_error():
    text = notice_text(2024).replace("2月4日（星期日）", "2月4日（星期六）")
    schedule = parse_notice(text)
    assert not schedule.ok
    assert schedule.errors == ("春节：2月4日标注为“星期六”，实际是周日，请核对通知原文",)
    text = notice_text(2025).replace("2月4日（农历正月初七、周二）", "2月4日（农历正月初七、周三）")
    assert parse_notice(text).errors == ("春节：2月4日标注为“周三”，实际是周二，请核对通知原文",)


def test_a_count_that_does_not_match_the_dates_is_an_error():
    schedule = parse_notice(notice_text(2024).replace("共8天", "共7天"))
    assert not schedule.ok and len(schedule.errors) == 1
    assert schedule.errors[0].startswith("春节：通知写明共7天，但列出的放假日期是8天")


def test_a_make_up_day_on_a_weekday_is_an_error():
    schedule = parse_notice(notice_text(2026).replace("5月9日（周六）", "5月8日"))
    assert schedule.errors == ("劳动节：调休上班日5月8日（周五）不是周末",)


def test_a_truncated_paste_misses_festivals():
    text = notice_text(2026)
    schedule = parse_notice(text[:text.index("五、端午节")])
    assert schedule.errors == ("缺少端午节、中秋节、国庆节的安排，请粘贴通知全文",)


@pytest.mark.parametrize(("text", "message"), [
    ("", "通知内容为空"),
    ("今天天气不错，明天开会。", "未找到通知年份"),
    ("现将2027年元旦、春节放假安排通知如下。元旦放三天假。", "未找到节日安排"),
    ("国务院办公厅关于2026年部分节假日安排的通知\n现将2027年元旦……", "年份不一致"),
])
def test_text_that_is_not_a_notice_gives_a_clear_chinese_error(text, message):
    schedule = parse_notice(text)
    assert not schedule.ok and not schedule.festivals
    assert any(message in error for error in schedule.errors), schedule.errors


def test_an_amending_notice_is_not_a_whole_year():
    # 国办发明电〔2019〕3号, the change of one festival: not importable as a year.
    text = ("国务院办公厅关于调整2019年劳动节假期安排的通知\n经国务院批准，现将调整2019年劳动节"
            "放假安排通知如下。\n一、2019年5月1日至4日放假调休，共4天。4月28日（星期日）、"
            "5月5日（星期日）上班。")
    schedule = parse_notice(text)
    assert not schedule.ok and "不是全年放假安排" in schedule.errors[0]
