"""``yuqing deadline`` and ``yuqing ledger`` as a user runs them (real subprocesses)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.deadlines.calendar import chinese_calendar_knows, holidays_has_official

YUQING = str(Path(sys.executable).with_name("yuqing"))


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: int = 120):
    """Run ``yuqing ARGS`` with only ``env`` plus PATH."""
    full_env = {"PATH": os.environ["PATH"], "HOME": str(cwd)} | env
    if os.environ.get("PYTHONPATH"):  # a worktree under test, not the installed checkout
        full_env.setdefault("PYTHONPATH", os.environ["PYTHONPATH"])
    return subprocess.run([YUQING, *args], env=full_env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def env(tmp_path):
    """A SQLite data folder of its own."""
    return {"YUQING_DATA_DIR": str(tmp_path / "var")}


def test_deadline_json_without_a_database(env, tmp_path):
    result = run(["deadline", "--kind", "disclosure", "--received", "2025-09-26", "--json"],
                 env, tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"due", "explanation"}
    assert data["due"].startswith("2025-10-30")
    assert "调休上班计入" in data["explanation"]


@pytest.mark.parametrize(("kind", "received", "level", "due"), [
    ("opinion", "2025-09-30 22:00", "重大", "2025-10-01T03:00:00+08:00"),
    ("opinion", "2025-09-30 22:00", None, "2025-10-02T22:00:00+08:00"),
    ("message", "2025-01-24 09:00", None, "2025-02-10T23:59:59+08:00"),
])
def test_deadline_for_each_kind(env, tmp_path, kind, received, level, due):
    args = ["deadline", "--kind", kind, "--received", received, "--json"]
    result = run(args + (["--level", level] if level else []), env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due"] == due


def test_deadline_refuses_a_bad_time_in_one_line(env, tmp_path):
    result = run(["deadline", "--kind", "message", "--received", "yesterday"], env, tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--received" in result.stderr


def test_entered_days_apply_and_only_a_confirmed_year_loses_the_warning(env, tmp_path):
    year = next(y for y in range(2027, 2100)
                if not chinese_calendar_knows(y) and not holidays_has_official(y))
    args = ["deadline", "--kind", "message", "--received", f"{year}-09-30", "--json"]
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    before = json.loads(run(args, env, tmp_path).stdout)
    assert before["explanation"].startswith("⚠ 警告")
    for day in range(1, 8):
        set_day = run(["ledger", "holiday", "set", f"{year}-10-0{day}", "--off",
                       "--name", "国庆节"], env, tmp_path)
        assert set_day.returncode == 0, set_day.stderr
    partial = json.loads(run(args, env, tmp_path).stdout)
    # A week of entered days applies, but the rest of the year is still unknown.
    assert partial["explanation"].startswith("⚠ 警告") and "国庆节假期" in partial["explanation"]
    listed = run(["ledger", "holiday", "list", "--year", str(year)], env, tmp_path)
    assert f"{year}-10-01 放假 国庆节" in listed.stdout and f"{year} 年：不完整" in listed.stdout
    refused = run(["ledger", "holiday", "complete", str(year)], env, tmp_path)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    confirmed = run(["ledger", "holiday", "complete", str(year), "--yes"], env, tmp_path)
    assert confirmed.returncode == 0, confirmed.stderr
    after = json.loads(run(args, env, tmp_path).stdout)
    assert "警告" not in after["explanation"] and "国庆节假期" in after["explanation"]
    listed = run(["ledger", "holiday", "list", "--year", str(year)], env, tmp_path)
    assert f"{year} 年：完整（管理员逐日录入并确认完整）" in listed.stdout


def test_ledger_sync_and_export_on_an_empty_database(env, tmp_path):
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    synced = run(["ledger", "sync", "--json"], env, tmp_path)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["changed"] == 0
    out = tmp_path / "ledger.xlsx"
    exported = run(["ledger", "export", "--out", str(out)], env, tmp_path)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:4] == ["序号", "编号", "类型", "标题"]


NOTICES = Path(__file__).parents[1] / "deadlines" / "notices"


def test_holiday_import_asks_stores_the_year_and_replaces_on_reimport(env, tmp_path):
    notice = str(NOTICES / "synthetic-2027.txt")  # test-made, in the official wording
    args = ["deadline", "--kind", "message", "--received", "2027-01-29", "--json"]
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    # No terminal to answer 确认导入？ and no --yes: the schedule is shown, nothing stored.
    refused = run(["ledger", "holiday", "import", notice], env, tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "春节：放假 2月5日（周五）至2月12日（周五），共 8 天；" \
           "调休上班 1月31日（周日）、2月20日（周六）" in refused.stdout
    assert "合计：放假 28 天（含连休的周末），调休上班 5 天" in refused.stdout
    assert "--yes" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert "2027 年：完整" not in run(["ledger", "holiday", "list"], env, tmp_path).stdout
    stored = run(["ledger", "holiday", "import", notice, "--yes"], env, tmp_path)
    assert stored.returncode == 0, stored.stderr
    assert "已导入 2027 年放假安排：放假 28 天、调休上班 5 天；2027 年已标记为完整" in stored.stdout
    after = json.loads(run(args, env, tmp_path).stdout)
    assert "警告" not in after["explanation"] and after["due"].startswith("2027-02-16")
    again = run(["ledger", "holiday", "import", notice, "--yes", "--json"], env, tmp_path)
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)  # the schedule for checking went to stderr
    assert (data["year"], data["stored"], data["removed"], data["replaced"]) == (2027, 33, 0, True)
    assert data["festivals"][1]["work_days"] == ["2027-01-31", "2027-02-20"]
    listed = run(["ledger", "holiday", "list", "--year", "2027"], env, tmp_path)
    assert "2027 年：完整（管理员导入国务院放假通知）" in listed.stdout


def test_holiday_import_refuses_faulty_text_in_one_line(env, tmp_path):
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text((NOTICES / "2026.txt").read_text("utf-8").replace(
        "2月14日（周六）", "2月14日（周日）"), encoding="gb18030")
    result = run(["ledger", "holiday", "import", str(wrong), "--yes"], env, tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == ("Error: 通知无法导入（未导入任何内容）：春节：2月14日标注为"
                                     "“周日”，实际是周六，请核对通知原文")
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("会议纪要：明天上午九点开会。", encoding="utf-8")
    result = run(["ledger", "holiday", "import", str(garbage), "--yes"], env, tmp_path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "未找到通知年份" in result.stderr
    missing = run(["ledger", "holiday", "import", str(tmp_path / "none.txt")], env, tmp_path)
    assert missing.returncode == 1 and "无法读取通知文件" in missing.stderr
    listed = run(["ledger", "holiday", "list"], env, tmp_path)
    assert "放假 春节" not in listed.stdout
