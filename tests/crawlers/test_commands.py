"""``yuqing demo --no-serve``, ``yuqing crawl`` and ``yuqing demo-site`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.crawlers.conftest import drop_crawl_db, make_crawl_db
from tracker.models import CrawlRun, Source
from tracker.ops.processes import free_port, wait_for_http

YUQING = str(Path(sys.executable).with_name("yuqing"))


def yuqing(args: list[str], env: dict[str, str], cwd: Path, timeout: int = 600):
    """Run ``yuqing ARGS`` in ``cwd`` (not the repository) with ``env``."""
    return subprocess.run([YUQING, *args], env=os.environ | env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_demo_no_serve_counts_real_rows_and_a_second_run_changes_none(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var"), "YUQING_ENV": "test"}
    env["YUQING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'yuqing.db'}"
    args = ["demo", "--no-serve", "--site-limit", "30", "--site-port", str(free_port())]
    first = yuqing(args, env, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    one = json.loads(first.stdout.strip().splitlines()[-1])
    assert one["mentions"] > one["messages"] > one["replied_messages"] > 0
    assert one["errors"] == 7  # the pages the demo web breaks on purpose, counted
    second = yuqing(args, env, tmp_path)
    two = json.loads(second.stdout.strip().splitlines()[-1])
    assert {k: v for k, v in two.items() if k != "seconds"} == {
        k: v for k, v in one.items() if k != "seconds"}
    assert (tmp_path / "var" / "logs" / "crawl-demo_board_b.log").is_file()


def test_crawl_command_runs_every_enabled_source_of_a_kind(demo_site, tmp_path):
    db = make_crawl_db("sqlite", tmp_path, demo_site.url)
    try:
        env = {"YUQING_DATABASE_URL": db.url, "YUQING_ENV": "test"}
        result = yuqing(["crawl", "rss"], env, tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        with db.session() as session:
            crawled = dict(session.execute(select(Source.name, func.count(CrawlRun.id)).join(
                CrawlRun, CrawlRun.source_id == Source.id).group_by(Source.name)).all())
        assert crawled == {"demo_rss_xmwb": 1, "demo_atom_xwlb": 1}
        unknown = yuqing(["crawl", "board", "-a", "source=nope"], env, tmp_path)
        assert unknown.returncode != 0 and "no source named 'nope'" in unknown.stderr
    finally:
        drop_crawl_db(db)


def test_demo_site_command_serves_until_stopped(tmp_path):
    port = free_port()
    proc = subprocess.Popen([YUQING, "demo-site", "--port", str(port), "--limit", "10"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/robots.txt", timeout=60, proc=proc)
    finally:
        proc.terminate()
        proc.wait(30)
    with pytest.raises(RuntimeError):  # the site stopped with the command
        wait_for_http(f"http://127.0.0.1:{port}/robots.txt", timeout=3)
