"""PostgreSQL restarted while ``yuqing import-messages`` writes a real message-board export.

The import is one transaction, so a server restart in the middle can only make it fail as a
whole; it must say so in one line (no traceback), leave nothing half-written, and a second
run of the same command must store every valid row exactly once.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import SHARED_DATA
from tests.faults.conftest import YUQING, incomplete_messages, report, wait_until, yuqing_env
from tracker.collection.importer import map_headers, read_rows, row_to_item
from tracker.collection.ingest import Rejected

# PostgreSQL restarts under every other test's feet: run alone (make test runs these last).
pytestmark = pytest.mark.serial

# 附件3 of TipDM 2020 C: 4,326 messages with likes (see its PROVENANCE.md); the biggest
# export the importer reads whole, about two seconds of writing.
EXPORT = SHARED_DATA / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv"
# A lock on message_cases taken by another session: the import has begun writing rows.
WRITING = text("""SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE c.relname = 'message_cases' AND l.mode = 'RowExclusiveLock'
    AND l.pid <> pg_backend_pid()""")


def valid_ids() -> set[str]:
    """The distinct 留言编号 of the rows the importer accepts (its own row rules)."""
    ids, columns = set(), None
    for _number, row in read_rows(EXPORT):
        if not any(str(c or "").strip() for c in row):
            continue
        if columns is None:
            columns = map_headers(row, {})
            continue
        try:
            item, _warnings = row_to_item({name: row[i] if i < len(row) else None
                                for name, i in columns.items()})
        except Rejected:
            continue
        ids.add(item.external_id)
    return ids


def run_import(env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    """``yuqing import-messages EXPORT --json`` to the end."""
    return subprocess.run([YUQING, "import-messages", str(EXPORT), "--source", "fj3", "--json"],
                          env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def writing(engine) -> bool:
    """Whether the import holds a write lock on message_cases right now."""
    try:
        with engine.connect() as conn:
            return bool(conn.execute(WRITING).scalar())
    except Exception:  # the server may be on its way down or up
        return False


def case_counts(engine) -> tuple[int, int]:
    """(stored cases, distinct 留言编号 among them)."""
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT count(*), count(DISTINCT external_id) FROM message_cases")).one())


def assert_clean_outcome(result: subprocess.CompletedProcess, what: str) -> None:
    """Exit 0, or non-zero with exactly one line on stderr and no traceback anywhere."""
    assert "Traceback" not in result.stdout + result.stderr, (
        f"killed: {what}; checked: no traceback — got:\n{result.stderr[-3000:]}")
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "database" in lines[0], (
            f"killed: {what}; checked: a one-line message naming the database — got "
            f"{result.stderr!r}")


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_import_during_a_postgres_restart_fails_whole_or_resumes_and_reruns_cleanly(
        private_pg, tmp_path, mode):
    """killed: the PostgreSQL server (``pg_ctl restart -m MODE``: fast ends the sessions,
    immediate is a crash) while ``yuqing import-messages`` writes 附件3 (4,326 messages);
    checked: exit 0 or one clear line without traceback; no half-written message (each case
    whole, with its mention, none twice); a second run stores every valid 留言编号 once."""
    what = f"PostgreSQL restart -m {mode} during yuqing import-messages"
    expected = valid_ids()
    url = private_pg.create_database("yq_import")
    env = yuqing_env(tmp_path / "var", url)
    upgrade = subprocess.run([YUQING, "db", "upgrade"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = create_engine(url, poolclass=NullPool)
    started = time.monotonic()
    proc = subprocess.Popen([YUQING, "import-messages", str(EXPORT), "--source", "fj3",
                             "--json"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        wait_until("the import's first rows", lambda: writing(engine), 120, proc=proc)
        private_pg.restart(mode)
        stdout, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    first = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert_clean_outcome(first, what)
    stored, distinct = case_counts(engine)
    problems = incomplete_messages(engine)
    assert not problems, f"killed: {what}; checked: every stored message whole — {problems}"
    assert stored == (len(expected) if first.returncode == 0 else 0), (
        f"killed: {what}; checked: all or nothing stored by the interrupted import — "
        f"exit {first.returncode}, {stored} stored of {len(expected)}")

    second = run_import(env)
    assert second.returncode == 0, (
        f"killed: {what}; checked: the rerun ends well — {second.stderr[-2000:]}")
    rerun = json.loads(second.stdout)
    stored, distinct = case_counts(engine)
    assert stored == distinct == len(expected), (
        f"killed: {what}; checked: the rerun completes the set without duplicates — "
        f"{stored} stored, {distinct} distinct, {len(expected)} valid ids in the file")
    problems = incomplete_messages(engine)
    assert not problems, f"killed: {what}; checked: every message whole after the rerun — " \
                         f"{problems}"
    with engine.connect() as conn:
        unledgered = conn.execute(text(
            "SELECT count(*) FROM message_cases m WHERE NOT EXISTS (SELECT 1 FROM "
            "ledger_entries e WHERE e.message_case_id = m.id)")).scalar()
    assert unledgered == 0, (
        f"killed: {what}; checked: the rerun leaves every message in the ledger (counted by "
        f"the metrics) — {unledgered} without an entry")
    engine.dispose()
    first_line = (first.stderr.strip().splitlines() or ["-"])[0][:90]
    report(f"import + pg restart -m {mode}", first_exit=first.returncode,
           message=repr(first_line), rerun_imported=rerun["imported"],
           after_rerun=f"{stored}/{len(expected)}",
           seconds=round(time.monotonic() - started, 1))
