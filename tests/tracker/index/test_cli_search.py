"""``yuqing search`` and ``yuqing index`` from the shell (a fresh SQLite database each)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from tests.tracker.index.test_sync import board_items, ingest
from tracker.cli import cli
from tracker.db import make_engine, session_factory


@pytest.fixture
def env(tmp_path, sqlite_template):
    """Environment of a yuqing install with 40 real board messages collected, none indexed."""
    db = tmp_path / "yuqing.db"
    shutil.copy(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    ingest(session_factory(engine), board_items(40))
    engine.dispose()
    return {"YUQING_DATA_DIR": str(tmp_path / "var"), "YUQING_DATABASE_URL": f"sqlite:///{db}",
            "YUQING_ELASTICSEARCH_URL": "", "YUQING_ENV": "test"}


def run(env, *args):
    """Invoke ``yuqing`` with ``args``."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_search_prints_the_json_of_the_design(env):
    result = run(env, "search", "小区", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] > 0 and len(data["hits"]) == min(data["total"], 20)
    hit = data["hits"][0]
    assert set(hit) == {"id", "title", "url", "published_at", "source", "sentiment"}
    assert hit["source"] == "demo_board_a" and hit["published_at"].endswith("+00:00")
    newest_first = [h["published_at"] for h in data["hits"]]
    assert newest_first == sorted(newest_first, reverse=True)


def test_dates_filter_and_a_bare_to_date_includes_its_day(env):
    everything = json.loads(run(env, "search", "--json", "--limit", "1000", "--",
                                "-不存在").output)  # "--": the query starts with "-"
    day = everything["hits"][0]["published_at"][:10]
    one_day = json.loads(run(env, "search", "--from", day, "--to", day, "--json",
                             "--limit", "1000", "--", "-不存在").output)
    assert 0 < one_day["total"] < everything["total"] == 40


def test_bad_syntax_is_one_clear_line_and_a_failure(env):
    result = run(env, "search", "(物业|噪音", "--json")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: bad query: 括号没有配对：缺少“)”"]


def test_index_sync_and_status(env):
    assert json.loads(run(env, "index", "status", "--json").output)["pending"] == 40
    report = json.loads(run(env, "index", "sync", "--json").output)
    assert (report["indexed"], report["pending"]) == (40, 0)
    status = json.loads(run(env, "index", "status", "--json").output)
    assert status == {"backend": "embedded", "documents": 40, "pending": 0, "error": None}
    rebuilt = json.loads(run(env, "index", "reindex", "--yes", "--json").output)
    assert rebuilt["indexed"] == 40


def test_search_with_the_search_server_down_fails_cleanly(env):
    env = {**env, "YUQING_ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    result = run(env, "search", "物业", "--no-sync")
    assert result.exit_code == 1 and "unavailable" in result.output
    sync = run(env, "index", "sync")
    assert sync.exit_code == 1 and "retried" in sync.output
