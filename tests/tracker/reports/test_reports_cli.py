"""`yuqing report` and `yuqing metrics` as a user runs them: real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.tracker.reports.factory import insert_sample
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope
from tracker.metrics import Period
from tracker.settings import load_settings

YUQING = str(Path(sys.executable).with_name("yuqing"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A SQLite database with 200 entries in September 2025."""
    home = tmp_path_factory.mktemp("report_cli")
    settings = load_settings({"YUQING_DATA_DIR": str(home / "var")})
    engine = make_engine(settings.database_url)
    (home / "var").mkdir()
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        insert_sample(session, Period.month(2025, 9), 200, settings.tz, seed=5)
    engine.dispose()
    return home


def yuqing(home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the command against the test database."""
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "YUQING_DATA_DIR": str(home / "var")}
    if os.environ.get("PYTHONPATH"):  # a worktree under test, not the installed checkout
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([YUQING, *args], env=env, cwd=home, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("fmt", "magic"), [("html", b"<!doctype html>"), ("xlsx", b"PK"),
                                            ("pdf", b"%PDF-")])
def test_report_writes_each_format(home, fmt, magic):
    out = home / "out" / f"2025-09.{fmt}"
    result = yuqing(home, "report", "--month", "2025-09", "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert out.read_bytes().startswith(magic)
    if fmt == "xlsx":
        assert load_workbook(out)["分类型"]["B2"].value + load_workbook(out)["分类型"]["B3"].value \
            + load_workbook(out)["分类型"]["B4"].value == 200


def test_metrics_json_and_text(home):
    result = yuqing(home, "metrics", "--from", "2025-09-01", "--to", "2025-09-30", "--json")
    data = json.loads(result.stdout)
    assert data["received"] == 200 and len(data["by_department"]) >= 12
    for key in ("received", "replied", "reply_rate", "median_reply_hours", "p90_reply_hours",
                "mean_reply_hours", "on_time_rate", "overdue_open"):
        assert key in data and all(key in d for d in data["by_department"])
    text = yuqing(home, "metrics", "--from", "2025-09-01", "--to", "2025-09-30").stdout
    assert "合计\t受理 200" in text and "第1名" in text


@pytest.mark.parametrize(("args", "needle"), [
    (["report", "--month", "2025-13", "--format", "pdf", "--out", "x.pdf"], "2025-13"),
    (["report", "--month", "2025-09", "--format", "docx", "--out", "x.docx"], "docx"),
    (["metrics", "--from", "2025-09-30", "--to", "2025-09-01"], "--to"),
    (["metrics", "--from", "2025-09-01", "--to", "2025-09-30", "--kind", "tweet"], "tweet"),
])
def test_bad_arguments_are_one_line_errors(home, args, needle):
    result = yuqing(home, *args)
    assert result.returncode != 0 and needle in result.stderr
    assert "Traceback" not in result.stderr
