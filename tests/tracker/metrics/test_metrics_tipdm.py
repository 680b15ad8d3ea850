"""Acceptance: metrics of the TipDM 附件4 messages, imported with `yuqing import-messages`,
equal an independent computation in plain Python over the CSV.

The independent side reads the CSV with the csv module and takes times as Asia/Shanghai
(a date-only 答复时间 means 00:00 of that day, as the importer reads it); percentiles are
linear interpolation between closest ranks (type 7), written out below; working days and
due days come straight from chinesecalendar, not from tracker.deadlines.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from tests.conftest import SHARED_DATA, create_pg_database, drop_pg_database

YUQING = str(Path(sys.executable).with_name("yuqing"))
CSV_FILE = SHARED_DATA / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv"
TZ = ZoneInfo("Asia/Shanghai")
SECOND = 1 / 3600  # "equal to the second", in hours
MESSAGE_WORKDAYS = 7  # the default message-board limit (docs/rules.md §2)

pytestmark = pytest.mark.skipif(not CSV_FILE.exists(), reason="shared data not present")


def parse_local(text: str) -> datetime:
    """``2019/4/24 16:03:40`` or ``2018/4/24`` as an aware Asia/Shanghai time."""
    text = text.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=TZ)
        except ValueError:
            continue
    raise ValueError(text)


def type7(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks, on a sorted copy."""
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def workdays_after(start: date, end: date) -> int:
    """Working days in (start, end], by chinesecalendar directly."""
    return sum(1 for i in range(1, (end - start).days + 1)
               if chinese_calendar.is_workday(start + timedelta(days=i)))


def due_day(received: date, limit: int) -> date:
    """The ``limit``-th working day after the day of receipt."""
    day, counted = received, 0
    while counted < limit:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


def independent(start: date, end: date) -> dict:
    """The figures of the CSV rows received from ``start`` to ``end`` (local days)."""
    with CSV_FILE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = [(parse_local(r["留言时间"]), parse_local(r["答复时间"]) if r["答复时间"].strip()
            else None) for r in rows]
    got = [(a, b) for a, b in got if start <= a.date() <= end]
    replied = [(a, b) for a, b in got if b is not None]
    hours = [(b - a).total_seconds() / 3600 for a, b in replied]
    days = [workdays_after(a.date(), b.date()) for a, b in replied]
    on_time = sum(1 for a, b in replied
                  if b <= datetime.combine(due_day(a.date(), MESSAGE_WORKDAYS),
                                           time(23, 59, 59), TZ))
    return {
        "received": len(got), "replied": len(replied),
        "median_reply_hours": type7(hours, 0.5), "p90_reply_hours": type7(hours, 0.9),
        "mean_reply_hours": sum(hours) / len(hours) if hours else None,
        "median_reply_workdays": type7(days, 0.5), "p90_reply_workdays": type7(days, 0.9),
        "on_time": on_time,
    }


def yuqing(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """Run the real command with only this environment (plus PATH and HOME)."""
    full = {"PATH": os.environ["PATH"], "HOME": str(cwd)} | env
    result = subprocess.run([YUQING, *args], env=full, cwd=cwd, capture_output=True, text=True,
                            timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def imported(request, tmp_path_factory):
    """A database of each backend holding the imported messages and their ledger entries."""
    home = tmp_path_factory.mktemp(f"tipdm_{request.param}")
    env = {"YUQING_DATA_DIR": str(home / "var")}
    url = None
    if request.param == "postgresql":
        url = create_pg_database("yuqing_tipdm")
        env["YUQING_DATABASE_URL"] = url
    try:
        yuqing(["db", "upgrade"], env, home)
        report = json.loads(yuqing(["import-messages", str(CSV_FILE), "--json"], env,
                                   home).stdout)
        assert report["imported"] == 1402 and report["rejected"] == 0, report
        yuqing(["ledger", "sync", "--json"], env, home)
        yield env, home
    finally:
        if url:
            drop_pg_database(url)


PERIODS = [(date(2011, 1, 1), date(2020, 12, 31)), (date(2019, 1, 1), date(2019, 6, 30)),
           (date(2018, 12, 1), date(2018, 12, 31))]


@pytest.mark.parametrize(("start", "end"), PERIODS, ids=["all", "2019H1", "2018-12"])
def test_metrics_json_equals_the_independent_computation(imported, start, end):
    env, home = imported
    out = yuqing(["metrics", "--from", start.isoformat(), "--to", end.isoformat(),
                  "--kind", "message", "--json"], env, home).stdout
    got = json.loads(out)
    want = independent(start, end)
    assert want["received"] > 0
    assert got["received"] == want["received"]
    assert got["replied"] == want["replied"]
    assert got["reply_rate"] == round(want["replied"] / want["received"], 4)
    for key in ("median_reply_hours", "p90_reply_hours", "mean_reply_hours"):
        assert got[key] == pytest.approx(want[key], abs=SECOND), key
    assert got["median_reply_workdays"] == want["median_reply_workdays"]
    assert got["p90_reply_workdays"] == pytest.approx(want["p90_reply_workdays"], abs=1e-9)
    assert got["on_time"] == want["on_time"]
    assert got["overdue_open"] == 0 and got["negative_reply_times"] == 0
    assert set(got["by_department"][0]) >= set(got) - {
        "by_department", "from", "to", "kind", "as_of", "percentile_method",
        "min_rank_sample", "ranking_note"}


def test_text_output_names_the_period_and_the_totals(imported):
    env, home = imported
    out = yuqing(["metrics", "--from", "2019-01-01", "--to", "2019-06-30"], env, home).stdout
    assert "2019-01-01 至 2019-06-30" in out
    assert f"受理 {independent(date(2019, 1, 1), date(2019, 6, 30))['received']}" in out
