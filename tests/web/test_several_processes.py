"""Issue 22: several web processes behind one address on PostgreSQL keep no state of their
own. Two real web processes on one database: a sign-in made through one is honoured by the
other, a CSRF token issued by one is accepted by the other, a sign-out on one ends the
session on both, and failed sign-ins count across both. Then ``yuqing serve --workers 2``
(gunicorn, no secret configured: the master hands its own to both workers) keeps a session
over many fresh connections served by both workers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import create_pg_database, drop_pg_database
from tests.web.processes import YUQING, Browser, start_web, web_env
from tracker import migrate
from tracker.accounts import create_user
from tracker.db import make_engine, session_factory, session_scope
from tracker.ops import processes as runner
from tracker.vocabulary import RoleCode

PASSWORD = "staff-pass-123"


@pytest.fixture
def pg_url(tmp_path):
    url = create_pg_database("yuqing_web")
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        create_user(session, "staff", PASSWORD, RoleCode.OPINION_STAFF, "王舆情")
    engine.dispose()
    yield url
    drop_pg_database(url)


def signed_in(browser: Browser, base: str) -> bool:
    """Whether the ledger (staff only) opens, rather than sending us to sign in."""
    status, location, html = browser.request(f"{base}/ledger/")
    if status == 200:
        assert "台账" in html
        return True
    assert status == 302 and "/login" in location, (status, location)
    return False


@pytest.mark.slow
def test_two_web_processes_share_sessions_csrf_and_throttling(pg_url, tmp_path):
    env = web_env(tmp_path, pg_url, secret_key="one-secret-for-every-web-process",
                  login_max_failures="3", login_delay_seconds="300")
    one, a = start_web(env, tmp_path, name="web-a")
    two, b = start_web(env, tmp_path, name="web-b")
    try:
        visitor = Browser()
        assert not signed_in(visitor, a) and not signed_in(visitor, b)
        # The form (and its CSRF token) from A, posted to B.
        status, location = visitor.login(a, "staff", PASSWORD, post_to=b)
        assert status == 302 and "/login" not in location, (status, location)
        assert signed_in(visitor, a) and signed_in(visitor, b)
        # A sign-out form from B posted to A ends the session on both.
        status, _, _ = visitor.request(f"{a}/logout",
                                       {"csrf_token": visitor.token(f"{b}/ledger/")})
        assert status == 302
        assert not signed_in(visitor, b) and not signed_in(visitor, a)

        # A CSRF token signed by another secret is refused (the test above is not vacuous).
        forged = Browser()
        status, _, _ = forged.request(f"{a}/login", {"username": "staff", "password": PASSWORD,
                                                     "csrf_token": "IjAwMDAi.forged.token"})
        assert status == 400

        # Failed sign-ins count across the processes (3 allowed): one on A, one on B, and
        # the third, on A, reaches the limit A alone would not have reached; then even the
        # right password must wait, on B as on A.
        guesser = Browser()
        assert [guesser.login(base, "staff", "wrong-password")[0]
                for base in (a, b, a)] == [401, 401, 429]
        assert guesser.login(b, "staff", PASSWORD)[0] == 429
        assert guesser.login(a, "staff", PASSWORD)[0] == 429
        assert not signed_in(guesser, a)
    finally:
        runner.stop(one)
        runner.stop(two)


def descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            for child in children.read_text().split():
                found.append(int(child))
                todo.append(int(child))
    return found


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.slow
def test_gunicorn_workers_keep_the_session_without_a_configured_secret(pg_url, tmp_path):
    env = web_env(tmp_path, pg_url)  # test mode, no secret: each process would draw its own
    proc, base = start_web(env, tmp_path, workers=2, name="gunicorn")
    try:
        master = [pid for pid in descendants(proc.pid) if len(descendants(pid)) == 2]
        assert len(master) == 1, descendants(proc.pid)
        workers = descendants(master[0])
        assert len(workers) == 2
        before = {pid: cpu_ticks(pid) for pid in workers}
        visitor = Browser()
        status, location = visitor.login(base, "staff", PASSWORD)
        assert status == 302 and "/login" not in location
        # Every request on a new connection, whichever worker accepts it.
        assert all(signed_in(visitor, base) for _ in range(40))
        used = {pid: cpu_ticks(pid) - before[pid] for pid in workers}
        print(f"CPU ticks per worker while serving: {used}")
        assert all(ticks > 0 for ticks in used.values()), used
    finally:
        runner.stop(proc)
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Booting worker" in log


def test_several_web_processes_refuse_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'yuqing.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    done = subprocess.run([YUQING, "serve", "--workers", "2", "--port", "1"],
                          env=web_env(tmp_path, url), cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "need PostgreSQL" in done.stderr and "Traceback" not in done.stderr
