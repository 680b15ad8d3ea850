"""Progress of long commands: drawn on a terminal (a real pseudo-terminal), silent in
``--json`` mode and when stderr is not a terminal, and the work the same either way."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

YUQING = str(Path(sys.executable).with_name("yuqing"))
SAMPLE = SHARED_DATA / "tipdm2020c_fj2_sample" / "fujian2_sample_messages.csv"
ROWS, VALID = 495, 494  # data rows of the sample, one a repeated 留言编号
# "12/495 [00:01<00:03, 123.45行/s]": count of total, elapsed < time left, rate.
COUNT_RATE_ETA = r"(\d+)/{total} \[\d\d:\d\d<\d\d:\d\d, +[\d.]+(?:{unit}/s|s/{unit})\]"
BAR_MARKS = ("%|", "/s]", "it/s")


@dataclass
class Run:
    """A finished command: its exit code, stdout, and what its stderr showed."""

    code: int
    stdout: str
    stderr: str


def env_for(var: Path) -> dict[str, str]:
    """The environment of a run against the SQLite database in ``var``."""
    env = os.environ | {"YUQING_DATA_DIR": str(var), "YUQING_ENV": "test",
                        "YUQING_DATABASE_URL": f"sqlite:///{var / 'yuqing.db'}"}
    env.pop("YUQING_ELASTICSEARCH_URL", None)
    return env


def run_tty(args: list[str], env: dict[str, str], columns: int = 100) -> Run:
    """Run ``yuqing ARGS`` with stderr on a pseudo-terminal of ``columns`` (0: one that
    reports no size, as ``script`` makes) and stdout on a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40 if columns else 0,
                                                       columns, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen([YUQING, *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    stdout, _ = proc.communicate(timeout=600)
    reader.join(timeout=30)
    os.close(master)
    return Run(proc.returncode, stdout.decode("utf-8"),
               b"".join(chunks).decode("utf-8", errors="replace"))


def run_piped(args: list[str], env: dict[str, str]) -> Run:
    """Run ``yuqing ARGS`` with stdout and stderr on pipes (not a terminal)."""
    proc = subprocess.run([YUQING, *args], env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def counts(text: str, total: int, unit: str) -> list[int]:
    """Every count drawn with rate and time left against ``total``."""
    return [int(n) for n in re.findall(COUNT_RATE_ETA.format(total=total, unit=unit), text)]


def assert_no_progress(run: Run) -> None:
    """Neither stream carries a bar."""
    for mark in BAR_MARKS:
        assert mark not in run.stderr and mark not in run.stdout, (run.stderr, run.stdout)


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> dict[str, Run]:
    """Import the sample, analyze it and rebuild the index, each with a terminal."""
    var = tmp_path_factory.mktemp("tty")
    env = env_for(var)
    assert run_piped(["db", "upgrade"], env).code == 0
    runs = {"import": run_tty(["import-messages", str(SAMPLE), "--source", "fj2"], env),
            "analyze": run_tty(["analyze"], env, columns=0),
            "reindex": run_tty(["index", "reindex", "--yes"], env),
            "report": run_tty(["report", "--month", "2019-01", "--format", "html",
                               "--out", str(var / "report.html")], env)}
    runs["db"] = var / "yuqing.db"  # type: ignore[assignment]
    return runs


@pytest.fixture(scope="module")
def quiet(tmp_path_factory) -> dict[str, Run]:
    """The same work with --json on a terminal, or without a terminal at all."""
    var = tmp_path_factory.mktemp("quiet")
    env = env_for(var)
    assert run_piped(["db", "upgrade"], env).code == 0
    runs = {"import": run_tty(["import-messages", str(SAMPLE), "--source", "fj2", "--json"],
                              env),
            "analyze": run_piped(["analyze"], env),
            "reindex": run_tty(["index", "reindex", "--yes", "--json"], env),
            "report": run_piped(["report", "--month", "2019-01", "--format", "html",
                                 "--out", str(var / "report.html")], env)}
    runs["db"] = var / "yuqing.db"  # type: ignore[assignment]
    return runs


def test_import_draws_rows_rate_and_time_left_then_the_ledger(shown):
    run = shown["import"]
    assert run.code == 0, run.stderr
    assert "导入留言" in run.stderr and "建立台账" in run.stderr
    rows = counts(run.stderr, ROWS, "行")
    assert rows and rows[-1] == ROWS  # the final total
    assert counts(run.stderr, VALID, "条")[-1] == VALID  # every message got its entry
    # stdout is the report alone, not a bar
    assert "494 imported" in run.stdout and "%|" not in run.stdout


def test_analyze_draws_mentions_of_the_backlog_on_a_terminal_without_a_size(shown):
    run = shown["analyze"]
    assert run.code == 0, run.stderr
    done = counts(run.stderr, VALID, "条")
    assert "分析" in run.stderr and done[-1] == VALID
    assert done == sorted(done)  # it never goes back
    assert "分析 494 条信息" in run.stdout


def test_reindex_and_report_draw_their_counts(shown):
    assert shown["reindex"].code == 0, shown["reindex"].stderr
    assert "重建索引" in shown["reindex"].stderr
    assert counts(shown["reindex"].stderr, VALID, "条")[-1] == VALID
    assert shown["report"].code == 0, shown["report"].stderr
    assert "生成月报 2019-01" in shown["report"].stderr
    assert counts(shown["report"].stderr, 2, "步")[-1] == 2
    assert shown["report"].stdout.startswith("wrote ")


def test_json_on_a_terminal_draws_nothing_and_stdout_is_the_json(quiet):
    imported = quiet["import"]
    assert imported.code == 0 and imported.stderr.strip() == ""
    assert json.loads(imported.stdout)["imported"] == VALID
    reindex = quiet["reindex"]
    assert reindex.code == 0 and reindex.stderr.strip() == ""
    assert json.loads(reindex.stdout)["indexed"] == VALID


def test_without_a_terminal_nothing_is_drawn(quiet):
    for name in ("analyze", "report"):
        assert quiet[name].code == 0, quiet[name].stderr
        assert quiet[name].stderr == ""
        assert_no_progress(quiet[name])


def _analysis(db: Path) -> tuple[list[tuple], list[list[str]]]:
    """Each message's scores, and the events as sets of message numbers."""
    with sqlite3.connect(db) as conn:
        scores = conn.execute(
            "SELECT m.uid, a.sentiment, a.keywords, a.simhash, a.category, a.watch_hits, "
            "a.duplicate_of_id IS NULL FROM mention_analysis a JOIN mentions m "
            "ON m.id = a.mention_id ORDER BY m.uid").fetchall()
        events: dict[int, list[str]] = {}
        for uid, event in conn.execute("SELECT m.uid, a.event_id FROM mention_analysis a "
                                       "JOIN mentions m ON m.id = a.mention_id"):
            events.setdefault(event, []).append(uid)
    return scores, sorted(sorted(members) for members in events.values())


def test_progress_changes_nothing_in_the_analysis(shown, quiet):
    drawn, silent = _analysis(shown["db"]), _analysis(quiet["db"])
    assert len(drawn[0]) == VALID
    assert drawn == silent


@pytest.mark.slow
def test_demo_first_start_shows_each_source_then_each_step(tmp_path):
    from demo.site.data import DEFAULT_DATA_DIR, DemoData
    from demo.sources import DEMO_SOURCES
    from tracker.ops.processes import free_port

    env = env_for(tmp_path / "var")
    run = run_tty(["demo", "--no-serve", "--site-limit", "10", "--site-port",
                   str(free_port())], env)
    assert run.code == 0, run.stderr[-2000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])  # stdout: the summary alone
    lines = re.findall(r"采集 (demo_\w+): (\d+) 条，([\d.]+) 秒", run.stderr)
    assert sorted(name for name, _, _ in lines) == sorted(DEMO_SOURCES)
    found = {name: int(items) for name, items, _ in lines}
    policies = found.pop("demo_policy")  # the 政策文件 column fills the policy library
    assert sum(found.values()) == summary["mentions"]  # a first crawl
    assert policies == len(DemoData(DEFAULT_DATA_DIR).policies)  # every document, once
    sources = len(DEMO_SOURCES)  # the crawl bar: sources done, time left, items so far
    assert re.search(rf"{sources}/{sources} \[\d\d:\d\d<\d\d:\d\d, .*已采集 \d+ 条\]",
                     run.stderr)
    assert counts(run.stderr, summary["messages"], "条")  # 建立台账
    assert "分析" in run.stderr and "同步索引" in run.stderr
    assert counts(run.stderr, summary["mentions"], "条")[-1] == summary["mentions"]
