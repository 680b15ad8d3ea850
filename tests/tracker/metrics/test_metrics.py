"""Metric definitions and edge cases, on SQLite and PostgreSQL (the ``session`` fixture)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.collection.importer import ensure_import_source, import_messages
from tracker.deadlines import WorkCalendar
from tracker.ledger import open_opinion_entry, perform
from tracker.ledger.sync import sync_message_cases
from tracker.metrics import Metrics, Period, compute_metrics, metrics_by, weighted_percentile
from tracker.models import LedgerEntry

MARCH = Period.month(2025, 3)
AS_OF = local("2025-06-01 00:00")


def type7(values, p):
    """The percentile definition, written out independently of tracker.metrics."""
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = int(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def add(session, received: str, replied: str | None = None, *, due: str | None = None,
        kind: str = "message", dept: int | None = None, **extra) -> LedgerEntry:
    """Insert one ledger entry with Shanghai times."""
    entry = LedgerEntry(kind=kind, status=extra.pop("status", "handling"), title="测试事项",
                        received_at=local(received), replied_at=local(replied) if replied else None,
                        due_at=local(due) if due else None, lead_department_id=dept, **extra)
    session.add(entry)
    session.flush()
    return entry


def metrics(session, settings, period=MARCH, **kw):
    """compute_metrics at a fixed ``as_of`` with the official calendar."""
    kw.setdefault("as_of", AS_OF)
    return compute_metrics(session, period, settings, work_calendar=WorkCalendar(), **kw)


def test_no_cases_gives_zero_counts_and_no_rates(session, settings):
    result = metrics(session, settings)
    assert result.total == Metrics()
    assert result.by_department == []
    data = result.to_json()
    assert data["received"] == 0 and data["reply_rate"] is None
    assert data["median_reply_hours"] is None and data["by_department"] == []


def test_all_unanswered_count_in_received_and_overdue_never_in_percentiles(session, settings):
    add(session, "2025-03-03 09:00", due="2025-03-12 23:59:59")
    add(session, "2025-03-04 09:00", due="2025-03-13 23:59:59")
    add(session, "2025-03-30 09:00", due="2025-06-30 23:59:59")  # not yet due at AS_OF
    m = metrics(session, settings).total
    assert (m.received, m.replied, m.open, m.overdue_open) == (3, 0, 3, 2)
    assert m.reply_rate == 0.0
    assert m.median_reply_hours is None and m.p90_reply_hours is None
    assert m.mean_reply_hours is None and m.median_reply_workdays is None
    assert m.deadline_decided == 2 and m.on_time_rate == 0.0


@pytest.mark.parametrize("n", [1, 2, 5, 10, 11, 37])
def test_percentiles_are_type7_on_both_databases(session, settings, n):
    rnd = random.Random(n)
    hours = [round(rnd.uniform(0.5, 500), 3) for _ in range(n)]
    start = local("2025-03-10 08:00")
    for h in hours:
        session.add(LedgerEntry(kind="opinion", status="responded", title="t", received_at=start,
                                replied_at=start + timedelta(hours=h)))
    session.flush()
    m = metrics(session, settings).total
    assert m.median_reply_hours == pytest.approx(type7(hours, 0.5), abs=1e-6)
    assert m.p90_reply_hours == pytest.approx(type7(hours, 0.9), abs=1e-6)
    assert m.mean_reply_hours == pytest.approx(sum(hours) / n, abs=1e-6)


def test_weighted_percentile_matches_the_expanded_list():
    pairs = [(3, 2), (0, 1), (7, 4), (1, 3)]
    expanded = [v for v, c in pairs for _ in range(c)]
    for p in (0.0, 0.1, 0.5, 0.9, 1.0):
        assert weighted_percentile(pairs, p) == pytest.approx(type7(expanded, p))
    assert weighted_percentile([], 0.5) is None


def test_an_entry_belongs_to_the_local_month_of_its_receipt(session, settings):
    add(session, "2025-03-01 00:10", "2025-03-01 02:10")   # 2025-02-28 16:10 UTC
    add(session, "2025-03-31 23:50", "2025-04-01 01:50")   # replied in April: still March
    add(session, "2025-04-01 00:05", "2025-04-01 01:05")   # April
    m = metrics(session, settings).total
    assert (m.received, m.replied, m.median_reply_hours) == (2, 2, pytest.approx(2.0))
    assert metrics(session, settings, Period.month(2025, 4)).total.received == 1


def test_as_of_decides_what_is_replied_and_overdue(session, settings):
    add(session, "2025-03-03 09:00", "2025-03-20 09:00", due="2025-03-12 23:59:59")
    early = metrics(session, settings, as_of=local("2025-03-15 00:00")).total
    assert (early.replied, early.overdue_open, early.on_time_rate) == (0, 1, 0.0)
    late = metrics(session, settings).total
    assert (late.replied, late.overdue_open, late.on_time, late.deadline_decided) == (1, 0, 0, 1)


def test_a_case_spanning_the_national_day_holiday(session, settings):
    """Received Tue 2025-09-30, answered Fri 2025-10-10: 10 days, but 2 working days
    (10-01..10-08 are off; Sun 09-28 and Sat 10-11 are 调休 working days)."""
    entry = add(session, "2025-09-30 10:00", "2025-10-10 10:00", due="2025-10-16 23:59:59")
    assert entry.due_at == local("2025-10-16 23:59:59")
    period = Period(date(2025, 9, 1), date(2025, 10, 31))
    m = metrics(session, settings, period, as_of=local("2025-11-01")).total
    assert m.median_reply_hours == pytest.approx(240.0)
    assert m.median_reply_workdays == 2
    assert m.on_time_rate == 1.0
    # Across the 调休 Saturday: Fri 10-10 to Mon 10-13 is 2 working days (11th and 13th).
    add(session, "2025-10-10 09:00", "2025-10-13 09:00")
    both = metrics(session, settings, period, as_of=local("2025-11-01")).total
    assert both.median_reply_workdays == 2 and both.mean_reply_workdays == 2


def test_the_receipt_day_setting_counts_it(session, settings):
    from dataclasses import replace

    add(session, "2025-03-03 09:00", "2025-03-04 09:00")  # Monday to Tuesday
    assert metrics(session, settings).total.median_reply_workdays == 1
    counting = replace(settings, receipt_day_counts=True)
    assert metrics(session, counting).total.median_reply_workdays == 2


def test_a_reply_before_receipt_is_rejected_at_import_and_reported(session, settings, tmp_path):
    export = tmp_path / "board.csv"
    export.write_text(
        "留言编号,留言用户,留言主题,留言时间,留言详情,答复意见,答复时间\n"
        "1,U1,路灯不亮,2025/3/3 9:00:00,路灯坏了,已修复,2025/3/4 9:00:00\n"
        "2,U2,时间倒流,2025/3/5 9:00:00,答复早于留言,已答复,2025/3/1 9:00:00\n",
        encoding="utf-8")
    source = ensure_import_source(session, "test_board")
    report = import_messages(session, source, export)
    assert report.imported == 1 and report.rejected == 1
    assert "2" in str(report.errors[0]) or report.errors[0]["row"] == 3
    sync_message_cases(session, ctx=context())
    m = metrics(session, settings).total
    assert (m.received, m.replied, m.negative_reply_times) == (1, 1, 0)
    assert m.median_reply_hours == pytest.approx(24.0)


def test_a_reply_recorded_before_receipt_stays_out_of_the_statistics(session, settings):
    add(session, "2025-03-05 09:00", "2025-03-04 09:00")  # entered by hand, wrongly
    add(session, "2025-03-05 09:00", "2025-03-05 21:00")
    m = metrics(session, settings).total
    assert (m.received, m.replied, m.negative_reply_times) == (2, 2, 1)
    assert m.median_reply_hours == pytest.approx(12.0) and m.mean_reply_hours == 12.0


def test_an_entry_reopened_after_closing(session, settings, demo_users):
    staff = actor(session, demo_users["opinion_staff"].username)
    resp = actor(session, demo_users["responder"].username)
    leader = actor(session, demo_users["leader"].username)
    ctx = context()
    entry = open_opinion_entry(session, title="停水", summary="停水三天", source=None, url=None,
                               found_at=local("2025-03-10 09:00"), first_published_at=None,
                               level="一般", actor_id=staff.id, ctx=ctx)
    housing = department_id(session, HOUSING)
    steps = [("assess", staff, {}, "2025-03-10 09:30"),
             ("assign", staff, {"lead_department_id": housing}, "2025-03-10 09:40"),
             ("accept", resp, {}, "2025-03-10 10:00"),
             ("submit", resp, {"channel": "发布权威信息", "content": "已抢修"}, "2025-03-10 11:00"),
             ("approve", leader, {}, "2025-03-10 15:00"),
             ("follow_up", staff, {"method": "电话回访", "satisfaction": "不满意",
                                   "outcome": "仍停水"}, "2025-03-11 10:00"),
             ("close", staff, {}, "2025-03-11 11:00")]
    for action, who, data, at in steps:
        perform(session, entry, action, who, data=data, ctx=ctx, now=local(at))
    closed = metrics(session, settings).total
    assert (closed.received, closed.replied, closed.closed) == (1, 1, 1)
    perform(session, entry, "reopen", staff, data={"reason": "仍停水"}, ctx=ctx,
            now=local("2025-03-12 09:00"))
    again = metrics(session, settings).total
    # Counted once; the reply given stays (its time unchanged); it is no longer closed.
    assert (again.received, again.replied, again.closed) == (1, 1, 0)
    assert again.median_reply_hours == pytest.approx(6.0)
    assert again.median_ack_hours == pytest.approx(1.0)
    assert again.satisfaction_rate == 0.0 and again.satisfaction_rated == 1


def test_first_acknowledgement_is_kept_apart_from_the_final_reply(session, settings):
    add(session, "2025-03-03 09:00", "2025-03-06 09:00", first_ack_at=local("2025-03-03 10:00"))
    add(session, "2025-03-03 09:00", None, first_ack_at=local("2025-03-03 12:00"))
    m = metrics(session, settings).total
    assert (m.acknowledged, m.replied) == (2, 1)
    assert m.median_ack_hours == pytest.approx(2.0) and m.mean_ack_hours == pytest.approx(2.0)
    assert m.median_reply_hours == pytest.approx(72.0)


def test_closed_without_reply_or_paused_is_not_overdue(session, settings):
    add(session, "2025-03-03 09:00", due="2025-03-12 23:59:59",
        closed_at=local("2025-03-05 09:00"), status="archived")
    add(session, "2025-03-03 09:00", due="2025-03-12 23:59:59",
        paused_since=local("2025-03-04 09:00"))
    add(session, "2025-03-03 09:00", due="2025-03-12 23:59:59")
    assert metrics(session, settings).total.overdue_open == 1


def test_withdrawn_disclosures_are_out_of_every_figure(session, settings):
    add(session, "2025-03-03 09:00", kind="disclosure", status="withdrawn",
        due="2025-03-31 23:59:59")
    assert metrics(session, settings).total.received == 0


def test_satisfaction_rate_counts_satisfied_and_basically_satisfied(session, settings):
    for value in ("满意", "基本满意", "不满意", "未评价", None):
        add(session, "2025-03-03 09:00", "2025-03-04 09:00", satisfaction=value)
    m = metrics(session, settings).total
    assert (m.satisfaction_rated, m.satisfied, m.satisfaction_rate) == (4, 2, 0.5)


def test_departments_under_the_minimum_sample_are_listed_but_not_ranked(session, settings):
    big, fast, small = (department_id(session, n) for n in ("市住建局", "市交通局", "市教育局"))
    for i in range(6):
        add(session, f"2025-03-0{i + 1} 09:00", f"2025-03-0{i + 2} 09:00", dept=big,
            due="2025-03-31 23:59:59")
        add(session, f"2025-03-0{i + 1} 09:00", f"2025-03-0{i + 1} 10:00", dept=fast,
            due="2025-03-31 23:59:59")
    for _ in range(4):
        add(session, "2025-03-03 09:00", "2025-03-03 09:30", dept=small)
    add(session, "2025-03-03 09:00")  # no department
    result = metrics(session, settings)
    ranks = {d.department: d.rank for d in result.by_department}
    assert ranks == {"市交通局": 1, "市住建局": 2, "市教育局": None, "未指定部门": None}
    assert [d.department for d in result.unranked] == ["市教育局"]
    assert "受理不足 5 件" in result.ranking_note and "市教育局" in result.ranking_note
    data = result.to_json()
    assert data["by_department"][0]["department"] == "市交通局"
    assert data["by_department"][0]["ranked"] is True
    keys = set(Metrics().as_dict())
    assert all(keys <= set(d) for d in data["by_department"])
    assert sum(d.received for d in result.by_department) == result.total.received == 17


def test_kind_filter_and_grouping_by_kind_and_month(session, settings):
    add(session, "2025-03-03 09:00", "2025-03-03 19:00", kind="opinion")
    add(session, "2025-03-03 09:00", "2025-03-04 09:00", kind="message")
    add(session, "2025-02-03 09:00", "2025-02-04 09:00", kind="message")
    only = metrics(session, settings, kind="opinion").total
    assert (only.received, only.median_reply_hours, only.median_reply_workdays) == (1, 10.0, None)
    total, kinds = metrics_by(session, MARCH, settings, "kind", as_of=AS_OF)
    assert total.received == 2 and kinds["message"].median_reply_hours == pytest.approx(24.0)
    span = Period(date(2025, 2, 1), date(2025, 3, 31))
    _, months = metrics_by(session, span, settings, "month", as_of=AS_OF)
    assert {k: v.received for k, v in months.items()} == {"2025-02": 1, "2025-03": 2}
    with pytest.raises(ValueError):
        metrics(session, settings, kind="tweet")


def test_periods():
    assert Period.parse_month("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.month(2025, 1).shifted_months(-1) == Period.month(2024, 12)
    assert Period.month(2025, 3).shifted_months(-12) == Period.month(2024, 3)
    lower, upper = Period.month(2025, 3).utc_bounds(local("2025-03-01").tzinfo)
    assert lower == datetime(2025, 2, 28, 16, tzinfo=UTC)
    assert upper == datetime(2025, 3, 31, 16, tzinfo=UTC)
