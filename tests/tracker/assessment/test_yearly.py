"""The yearly assessment equals its months, on SQLite and PostgreSQL (``session`` fixture)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.tracker.ledger.factory import HOUSING, TRANSPORT, department_id, local
from tracker.assessment import assess, assess_year, year_period, year_workbook
from tracker.metrics import Period
from tracker.models import LedgerEntry

AS_OF = local("2026-02-01 00:00")
YEAR = 2025
ADDITIVE = ("received", "replied", "overdue_open", "on_time", "deadline_decided", "published",
            "satisfaction_rated", "satisfied", "closed", "legacy_open")


def type7(values, p):
    """The percentile definition, written out independently of tracker.metrics."""
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = int(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def generate(session, seed: int = 7, n: int = 400) -> list[LedgerEntry]:
    """A year of varied entries (plus a few either side of it) in three departments."""
    rnd = random.Random(seed)
    depts = [department_id(session, HOUSING), department_id(session, TRANSPORT), None]
    start = local("2024-12-20 00:00")
    entries = []
    for _ in range(n):
        received = start + timedelta(hours=rnd.uniform(0, 24 * 385))
        kind = rnd.choice(("message", "message", "opinion", "disclosure"))
        replied = received + timedelta(hours=rnd.expovariate(1 / 150)) \
            if rnd.random() < 0.75 else None
        if replied is not None and rnd.random() < 0.03:
            replied = received - timedelta(hours=2)  # a data error: counted, not timed
        status = "replied" if replied else rnd.choice(("handling", "handling", "legacy"))
        if kind != "message" and status == "legacy":
            status = "handling"
        if kind == "disclosure" and rnd.random() < 0.1:
            status = "withdrawn"
        entry = LedgerEntry(
            kind=kind, status=status, title="测试事项", received_at=received, replied_at=replied,
            due_at=received + timedelta(days=rnd.choice((2, 7, 20))) if rnd.random() < 0.9
            else None, lead_department_id=rnd.choice(depts),
            published_at=replied + timedelta(days=1) if replied and rnd.random() < 0.6 else None,
            satisfaction=rnd.choice((None, "满意", "基本满意", "不满意", "未评价")) if replied
            else None, paused_since=received if not replied and rnd.random() < 0.05 else None)
        session.add(entry)
        entries.append(entry)
    session.flush()
    return entries


def months(session, settings, **kw):
    return [assess(session, Period.month(YEAR, m), settings, as_of=AS_OF, **kw)
            for m in range(1, 13)]


def by_dept(assessment) -> dict:
    return {d.department_id: d for d in assessment.departments}


@pytest.mark.parametrize("kind", [None, "message"])
def test_the_year_equals_the_sum_of_its_months(session, settings, kind):
    entries = generate(session)
    year = assess_year(session, YEAR, settings, as_of=AS_OF, kind=kind)
    parts = months(session, settings, kind=kind)
    assert set(by_dept(year)) == {d for a in parts for d in by_dept(a)}
    for key in [*by_dept(year), "total"]:
        got = year.total if key == "total" else by_dept(year)[key]
        rows = [a.total if key == "total" else by_dept(a).get(key) for a in parts]
        rows = [r for r in rows if r is not None]
        for name in ADDITIVE:
            assert getattr(got.metrics, name) == sum(getattr(r.metrics, name) for r in rows), name
        assert got.unanswered_3m == sum(r.unanswered_3m for r in rows)
        assert got.unpublished == sum(r.unpublished for r in rows)
        m = got.metrics
        assert m.reply_rate == pytest.approx(m.replied / m.received)
        on_time = sum(r.metrics.on_time for r in rows)
        decided = sum(r.metrics.deadline_decided for r in rows)
        assert m.on_time_rate == (pytest.approx(on_time / decided) if decided else None)
        satisfied = sum(r.metrics.satisfied for r in rows)
        rated = sum(r.metrics.satisfaction_rated for r in rows)
        assert m.satisfaction_rate == (pytest.approx(satisfied / rated) if rated else None)
        # Percentiles over the year's own replies, never an average of the months'.
        lower, upper = year_period(YEAR).utc_bounds(settings.tz)
        hours = [(e.replied_at - e.received_at).total_seconds() / 3600 for e in entries
                 if lower <= e.received_at < upper and e.replied_at is not None
                 and e.received_at <= e.replied_at <= AS_OF and e.status != "withdrawn"
                 and (kind is None or e.kind == kind)
                 and (key == "total" or e.lead_department_id == key)]
        assert m.median_reply_hours == pytest.approx(type7(hours, 0.5), abs=1e-4)
        assert m.p90_reply_hours == pytest.approx(type7(hours, 0.9), abs=1e-4)
    assert year.total.metrics.received > 150 and year.total.unanswered_3m > 0
    assert year.total.unpublished > 0 and year.total.overdue_open > 0


def test_red_flags_count_only_the_year_and_follow_the_report_conditions(session, settings):
    housing = department_id(session, HOUSING)
    add = [  # (received, replied, published, status)
        ("2024-11-01 09:00", None, None, "handling"),     # the year before: not counted
        ("2025-03-01 09:00", None, None, "handling"),     # three months unanswered
        ("2025-03-02 09:00", None, None, "legacy"),       # 历史遗留: counted apart
        ("2025-12-20 09:00", None, None, "handling"),     # not yet three months at AS_OF
        ("2025-05-01 09:00", "2025-05-03 09:00", None, "replied"),    # unpublished
        ("2025-05-02 09:00", "2025-05-03 09:00", "2025-05-04 09:00", "published"),
        ("2025-05-05 09:00", "2025-05-06 09:00", None, "archived"),   # archived: history
    ]
    for received, replied, published, status in add:
        session.add(LedgerEntry(kind="message", status=status, title="t",
                                received_at=local(received), lead_department_id=housing,
                                replied_at=local(replied) if replied else None,
                                published_at=local(published) if published else None))
    session.flush()
    year = assess_year(session, YEAR, settings, as_of=AS_OF)
    (row,) = year.departments
    assert (row.unanswered_3m, row.unpublished) == (1, 1)
    assert row.metrics.received == 6


def test_a_responder_sees_one_department_and_the_workbook_has_its_row(session, settings):
    generate(session, n=60)
    housing = department_id(session, HOUSING)
    mine = assess_year(session, YEAR, settings, as_of=AS_OF, department_id=housing)
    assert [d.department for d in mine.departments] == [HOUSING]
    assert mine.total is mine.departments[0]
    data = year_workbook(mine, settings.tz)
    from io import BytesIO

    from openpyxl import load_workbook
    ws = load_workbook(BytesIO(data))["年度考核"]
    assert ws["A5"].value == HOUSING and ws["C5"].value == mine.total.metrics.received
    assert ws["A6"].value is None


def test_an_empty_year_is_an_empty_assessment(session, settings):
    year = assess_year(session, 2019, settings, as_of=AS_OF)
    assert year.departments == [] and year.total.metrics.received == 0
    assert year.to_json()["by_department"] == []


def test_the_year_shows_reply_quality_and_library_cases(session, settings):
    from tracker.models import LedgerResponse
    from tracker.models.cases import LibraryCase
    from tracker.quality import department_quality

    housing = department_id(session, HOUSING)
    replies = ("您好，关于小区噪音问题，我局已于3月5日到现场核查，责令施工单位夜间停工，"
               "如有疑问请致电12345。", "已转交相关部门。")
    entries = []
    for n, text in enumerate(replies):
        at = local(f"2025-03-0{n + 1} 09:00")
        entry = LedgerEntry(kind="message", status="replied", title="小区夜间施工噪音扰民",
                            summary="小区旁工地夜间施工噪音很大，什么时候能解决？",
                            received_at=at, replied_at=at + timedelta(days=2),
                            lead_department_id=housing)
        entry.responses.append(LedgerResponse(state="approved", content=text,
                                              department_id=housing, created_at=at,
                                              responded_at=at, approved_at=at))
        session.add(entry)
        entries.append(entry)
    session.flush()
    session.add(LibraryCase(entry_id=entries[0].id, state="published", title="噪音案例",
                            department_id=housing, year=YEAR))
    session.flush()
    year = assess_year(session, YEAR, settings, as_of=AS_OF)
    (row,) = year.departments
    lower, upper = year_period(YEAR).utc_bounds(settings.tz)
    (expected,) = department_quality(session, lower, upper)
    assert row.quality == expected.score and row.quality_replies == 2
    assert 0 <= row.quality <= 1 and row.cases == 1
    assert year.total.quality == pytest.approx(expected.score) and year.total.cases == 1
    data = year.to_json()
    assert data["by_department"][0]["cases"] == 1 and data["quality_replies"] == 2
