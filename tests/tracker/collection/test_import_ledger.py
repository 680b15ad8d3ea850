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
