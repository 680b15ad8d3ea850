"""An import counts at once: ``yuqing import-messages`` makes the ledger entries of what it
imported before it ends, so ``yuqing metrics`` right after it counts every message (both
databases); when the ledger step fails, the messages stay and a second run finishes it."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import SHARED_DATA, create_pg_database, drop_pg_database
from tests.tracker.cli.test_cli import run

FJ4 = SHARED_DATA / "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv"
METRICS = ["metrics", "--from", "2000-01-01", "--to", "2030-12-31", "--json"]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request, tmp_path):
    """Environment for a migrated, empty database of each backend."""
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    url = None
    if request.param == "postgresql":
        url = create_pg_database("yuqing_import")
        env["YUQING_DATABASE_URL"] = url
    upgraded = run(["db", "upgrade"], env, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    yield env
    if url:
        drop_pg_database(url)


def test_metrics_count_a_real_export_right_after_its_import(db_env, tmp_path):
    imported = run(["import-messages", str(FJ4), "--source", "fj4", "--json"], db_env,
                   tmp_path, timeout=300)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == 1402
    metrics = run(METRICS, db_env, tmp_path)
    assert metrics.returncode == 0, metrics.stderr
    figures = json.loads(metrics.stdout)
    assert (figures["received"], figures["replied"], figures["reply_rate"]) == (1402, 1402, 1.0)
    assert figures["median_reply_hours"] > 0
    again = run(["import-messages", str(FJ4), "--source", "fj4"], db_env, tmp_path, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "0 imported" in again.stdout and "ledger: 0 message entries" in again.stdout
    assert json.loads(run(METRICS, db_env, tmp_path).stdout)["received"] == 1402


def in_process(args: list[str], env: dict[str, str]):
    """The real command in this process, so a test can break its ledger step."""
    from click.testing import CliRunner

    from tracker.cli import cli

    return CliRunner().invoke(cli, args, env=env)


def test_a_failed_ledger_step_keeps_the_messages_and_a_rerun_finishes_it(db_env, tmp_path,
                                                                          monkeypatch):
    with FJ4.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:31]
    path = tmp_path / "part.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)

    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT INTO ledger_entries", {}, Exception("disk I/O error"))

    monkeypatch.setattr("tracker.cli.collect.sync_message_cases", broken)
    failed = in_process(["import-messages", str(path), "--json"], db_env)
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["imported"] == 30
    assert "the messages were imported, but their ledger entries were not made" in failed.stderr
    assert "disk I/O error" in failed.stderr and "ledger sync" in failed.stderr
    assert json.loads(in_process(METRICS, db_env).stdout)["received"] == 0
    monkeypatch.undo()
    rerun = in_process(["import-messages", str(path)], db_env)
    assert rerun.exit_code == 0, rerun.output
    assert "0 imported" in rerun.stdout and "ledger: 30 message entries" in rerun.stdout
    assert json.loads(in_process(METRICS, db_env).stdout)["received"] == 30


def gbk_export(path, count: int = 40, untitled: str = "3692"):
    """A GBK export of real rows (those GBK can write) with one letter's title left blank."""
    with FJ4.open(encoding="utf-8", newline="") as handle:
        header, *rows = csv.reader(handle)
    kept = []
    for row in rows:
        try:
            ",".join(row).encode("gbk")
        except UnicodeEncodeError:
            continue
        kept.append(row)
        if len(kept) == count:
            break
    number = next(i for i, row in enumerate(kept, start=2) if row[0] == untitled)
    kept[number - 2][header.index("留言主题")] = ""
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([header, *kept])
    return path, number


UNTITLED = "我想请问一下，A5区鄱阳村D区安置房地下室近两万平方米"
WARNING = f"missing 留言主题; titled from 留言详情: '{UNTITLED}'"


def test_a_letter_without_a_title_is_imported_titled_and_counted(db_env, tmp_path):
    path, row = gbk_export(tmp_path / "gbk.csv")
    imported = run(["import-messages", str(path), "--source", "gbk", "--json"], db_env,
                   tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout) == {
        "imported": 40, "updated": 0, "rejected": 0, "errors": [],
        "warnings": [{"row": row, "reason": WARNING}]}
    figures = json.loads(run(METRICS, db_env, tmp_path).stdout)
    assert (figures["received"], figures["replied"]) == (40, 40)
    again = run(["import-messages", str(path), "--source", "gbk"], db_env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 imported" in again.stdout and "0 rejected" in again.stdout
    assert f"row {row}: warning: {WARNING}" in again.stdout
