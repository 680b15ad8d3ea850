"""An export of old messages, as an office imports it: the answered ones are archived and
counted in the metrics of their month, the unanswered ones wait in 历史遗留 and never in the
overdue figures; ``yuqing ledger archive`` prints the counts and changes nothing more (real
subprocesses, both databases)."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import create_pg_database, drop_pg_database
from tests.tracker.cli.test_cli import run

HEADERS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
ROWS = [
    ["1", "A1", "小区路灯不亮", "2018-03-05 09:00:00", "路灯坏了半年", "已修复。",
     "2018-03-08 10:00:00"],
    ["2", "A2", "学校门口拥堵", "2018-03-12 08:00:00", "上下学时段拥堵", "", ""],
    ["3", "A3", "菜市场噪音", "2019-07-01 06:00:00", "凌晨卸货噪音大", "", ""],
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request, tmp_path):
    """Environment for a migrated, empty database of each backend."""
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    url = None
    if request.param == "postgresql":
        url = create_pg_database("yuqing_archive")
        env["YUQING_DATABASE_URL"] = url
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    yield env
    if url:
        drop_pg_database(url)


def metrics(env, tmp_path, start: str, end: str) -> dict:
    result = run(["metrics", "--from", start, "--to", end, "--kind", "message", "--json"],
                 env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_old_export_is_archived_or_parked_and_the_command_is_idempotent(db_env, tmp_path):
    export = tmp_path / "old.csv"
    with export.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *ROWS])
    imported = run(["import-messages", str(export), "--source", "old_box", "--json"], db_env,
                   tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == 3

    march = metrics(db_env, tmp_path, "2018-03-01", "2018-03-31")
    assert (march["received"], march["replied"], march["on_time"]) == (2, 1, 1)
    assert march["median_reply_hours"] == 73.0 and march["on_time_rate"] == 1.0
    assert (march["overdue_open"], march["legacy_open"], march["open"]) == (0, 1, 1)
    everything = metrics(db_env, tmp_path, "2011-01-01", "2026-12-31")
    assert (everything["overdue_open"], everything["legacy_open"]) == (0, 2)

    first = run(["ledger", "archive", "--json"], db_env, tmp_path)
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert (counts["archived"], counts["legacy"]) == (0, 0)  # classified when imported
    assert (counts["archived_total"], counts["legacy_total"]) == (1, 2)
    assert counts["horizons"] == {"old_box": 90}
    again = run(["ledger", "archive", "--horizon-days", "30"], db_env, tmp_path)
    assert again.returncode == 0 and "archived 0, to 历史遗留 0" in again.stdout

    text = run(["metrics", "--from", "2018-03-01", "--to", "2018-03-31"], db_env, tmp_path)
    assert "超期未办结 0（另有历史遗留 1，不计超期）" in text.stdout


def test_a_bad_horizon_is_one_line(db_env, tmp_path):
    result = run(["ledger", "archive", "--horizon-days", "0"], db_env, tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--horizon-days" in result.stderr
