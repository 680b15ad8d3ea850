"""`yuqing report year` and `yuqing report disclosure` as a user runs them: real subprocesses."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tests.tracker.reports.factory import insert_sample
from tests.tracker.reports.test_reports_cli import yuqing
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope
from tracker.metrics import Period
from tracker.models import LedgerEntry
from tracker.settings import load_settings


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A SQLite database with entries in three months of 2025 and two disclosure entries."""
    home = tmp_path_factory.mktemp("year_cli")
    settings = load_settings({"YUQING_DATA_DIR": str(home / "var")})
    engine = make_engine(settings.database_url)
    (home / "var").mkdir()
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        for month, seed in ((2, 1), (6, 2), (11, 3)):
            insert_sample(session, Period.month(2025, month), 120, settings.tz, seed=seed)
        lower = Period.month(2025, 3).utc_bounds(settings.tz)[0]
        session.add_all([
            LedgerEntry(kind="disclosure", status="replied", title="申请公开", received_at=lower,
                        applicant_type="自然人", replied_at=lower.replace(day=10),
                        reply_type="partly"),
            LedgerEntry(kind="disclosure", status="handling", title="未填申请人类型",
                        received_at=lower)])
    engine.dispose()
    return home


def test_year_json_is_the_sum_of_the_months_and_files_are_written(home):
    out = json.loads(yuqing(home, "report", "year", "2025", "--json",
                            "--xlsx", str(home / "y.xlsx"), "--pdf", str(home / "y.pdf")).stdout)
    months = [json.loads(yuqing(home, "metrics", "--from", f"2025-{m:02d}-01", "--to",
                                f"2025-{m:02d}-{last}", "--json").stdout)
              for m, last in ((2, 28), (3, 31), (6, 30), (11, 30))]
    assert out["received"] == sum(m["received"] for m in months) == 362
    assert out["replied"] == sum(m["replied"] for m in months)
    assert out["year"] == 2025 and len(out["by_department"]) >= 10
    for key in ("department", "rank", "received", "reply_rate", "on_time_rate",
                "median_reply_hours", "p90_reply_hours", "satisfaction_rate", "overdue_open",
                "unanswered_3m", "unpublished"):
        assert all(key in d for d in out["by_department"]), key
    assert (home / "y.pdf").read_bytes().startswith(b"%PDF-")
    sheet = load_workbook(home / "y.xlsx")["年度考核"]
    assert sheet["A5"].value == out["by_department"][0]["department"]


def test_year_text_and_disclosure_tables(home):
    text = yuqing(home, "report", "year", "2025").stdout
    assert "2025年度" in text and "合计\t受理 362" in text
    data = json.loads(yuqing(home, "report", "disclosure", "2025", "--json").stdout)
    assert data["rows"]["partly"]["自然人"] == 1 and data["rows"]["new"]["总计"] == 1
    # The sample's disclosure entries carry no applicant type: listed, never dropped.
    assert "未填申请人类型" in [u["title"] for u in data["unmapped"]]
    assert {u["reason"] for u in data["unmapped"]} == {"申请人类型未填写或不在表格栏目中"}
    assert data["remedies"]["review"]["total"] == 0
    result = yuqing(home, "report", "disclosure", "2025", "--xlsx", str(home / "d.xlsx"))
    assert result.returncode == 0 and "未能计入" in result.stdout
    assert load_workbook(home / "d.xlsx")["表三 申请情况"]["A7"].value.startswith("一、本年新收")


@pytest.mark.parametrize(("args", "needle"), [
    (["report", "year", "1999"], "1999"),
    (["report", "year", "2025", "--kind", "tweet"], "tweet"),
    (["report", "disclosure", "twenty"], "twenty"),
    (["report", "--month", "2025-09"], "--format"),
])
def test_bad_arguments_are_one_line_errors(home, args, needle):
    result = yuqing(home, *args)
    assert result.returncode != 0 and needle in result.stderr
    assert "Traceback" not in result.stderr
