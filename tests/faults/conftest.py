"""Fixtures of the fault tests: a private PostgreSQL cluster to restart, child-process helpers.

The machine's PostgreSQL (port 5432) is shared with other tests and engineers, so it is
never restarted here: ``private_pg`` starts a cluster of its own in a temporary folder on a
free port (``initdb`` refuses root, so as root the server runs as the ``postgres`` user), and
always stops and removes it at the end of the session, failed tests included.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tracker.ops.processes import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
YUQING = str(Path(sys.executable).with_name("yuqing"))
SECRET = "fault-test-secret-key-0123456789"


class PrivatePostgres:
    """A PostgreSQL cluster of this test session, on 127.0.0.1 and a port of its own."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.data, self.log = root / "data", root / "server.log"

    def _run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*as_postgres, *argv], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, check=True)

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args)

    def init(self) -> None:
        """Create the cluster (trust authentication, superuser ``postgres``)."""
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "--auth=trust", "-U",
                  "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._pg_ctl("-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends sessions cleanly, ``immediate`` like a crash."""
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again (``pg_ctl restart``); returns once it accepts connections."""
        self._pg_ctl("-m", mode, "-w", "-t", "60", "restart")

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` in this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str) -> str:
        """A new empty database; its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT",
                              poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url(name)

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except (subprocess.SubprocessError, OSError):
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL 15 cluster for the tests that restart or stop the server."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL 15 server binaries in {PG_BIN}")
    # Not under pytest's tmp folder: that one is private to root and the server runs as
    # postgres. The folder is also the server's socket folder, so its path stays short.
    cluster = PrivatePostgres(Path(tempfile.mkdtemp(prefix="yq-faults-pg-")), free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def yuqing_env(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The whole environment of a ``yuqing`` or ``python -m web`` child process."""
    env = {"PATH": os.environ["PATH"], "HOME": str(data_dir.parent), "LANG": "C.UTF-8",
           "YUQING_DATA_DIR": str(data_dir), "YUQING_SECRET_KEY": SECRET,
           "YUQING_ENV": "test"}
    if database_url:
        env["YUQING_DATABASE_URL"] = database_url
    if os.environ.get("PYTHONPATH"):  # a worktree under test, not the installed checkout
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env | extra


def wait_until(what: str, check: Callable[[], Any], timeout: float, interval: float = 0.05,
               proc: subprocess.Popen | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds or
    when ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the process ended ({proc.returncode}) while waiting for {what}")
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group of ``proc`` (started with ``start_new_session=True``)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def stop_group(proc: subprocess.Popen, timeout: float = 30) -> int | None:
    """SIGTERM the process group of ``proc``; SIGKILL it if it has not ended in time."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return None
    except ProcessLookupError:
        return proc.wait(timeout=timeout)


def report(name: str, **facts: Any) -> None:
    """Print the test's one-line summary (shown with ``-s`` or ``-rA``)."""
    print(f"[fault] {name}: " + ", ".join(f"{k}={v}" for k, v in facts.items()))


#: Message rows that are not whole: a case without its fields or its mention, a board
#: mention without its case. Each query returns the ids of the offending rows.
INCOMPLETE = {
    "case without its fields": """SELECT id FROM message_cases WHERE external_id = ''
        OR title = '' OR submitted_at IS NULL OR fingerprint = '' OR body IS NULL""",
    "case without its mention": """SELECT c.id FROM message_cases c WHERE NOT EXISTS
        (SELECT 1 FROM mentions m WHERE m.message_case_id = c.id)""",
    "board mention without its case": """SELECT id FROM mentions
        WHERE kind = 'board' AND message_case_id IS NULL""",
    "case stored twice": """SELECT min(id) FROM message_cases
        GROUP BY source_id, external_id HAVING count(*) > 1""",
}


def incomplete_messages(engine) -> dict[str, list[int]]:
    """What :data:`INCOMPLETE` finds (empty when every stored message is whole)."""
    with engine.connect() as conn:
        found = {name: list(conn.execute(text(sql)).scalars())[:10]
                 for name, sql in INCOMPLETE.items()}
    return {name: ids for name, ids in found.items() if ids}
