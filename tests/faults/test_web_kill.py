"""The web server (``python -m web``, waitress) killed with SIGKILL while ledger writes are in
flight, then started again.

Each write is one request, one transaction: the action's status change, its response row and
its audit event are committed together or not at all, and a write the browser saw succeed
(303) is never lost. The database must open cleanly afterwards (SQLite: integrity check).
"""

from __future__ import annotations

import random
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from demo.seed import DEMO_ACCOUNTS, ensure_demo_accounts
from tests.conftest import REPO_ROOT
from tests.faults.conftest import kill_group, report, stop_group, yuqing_env
from tracker import migrate
from tracker.accounts.users import get_or_create_department
from tracker.db import make_engine, session_factory, session_scope
from tracker.ledger import Actor, open_opinion_entry, perform
from tracker.models import User, utcnow
from tracker.ops.processes import free_port, wait_for_http, web_command

ATTEMPTS, PER_ATTEMPT = 4, 6  # kills, and ledger writes in flight at each
STAFF = next(a for a in DEMO_ACCOUNTS if a.username == "staff")
TOKEN = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')
# Per entry: its status, its responses, the audit rows of the submit's status change.
STATE = text("""SELECT e.id, e.status,
    (SELECT count(*) FROM ledger_responses r WHERE r.entry_id = e.id) AS responses,
    (SELECT count(*) FROM audit_events a WHERE a.entity_type = 'ledger_entry'
        AND a.entity_id = CAST(e.id AS VARCHAR(64)) AND a.action = 'submit'
        AND a.field = 'status' AND a.new_value = 'review') AS audits
    FROM ledger_entries e ORDER BY e.id""")
WHOLE = {("review", 1, 1), ("handling", 0, 0)}  # fully changed, or not at all


def prepare(url: str, count: int) -> list[int]:
    """Migrate, create the demo accounts and ``count`` opinions being handled (签收 done)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    ids = []
    with session_scope(session_factory(engine), write=True) as session:
        ensure_demo_accounts(session)
        session.flush()
        user = session.query(User).filter_by(username=STAFF.username).one()
        staff = Actor(user.id, user.role_code, user.department_id)
        dept = get_or_create_department(session, "市住房和城乡建设局").id
        for n in range(count):
            entry = open_opinion_entry(
                session, title=f"网传小区停水 {n}", summary="居民反映停水", source="本地论坛",
                url=None, found_at=utcnow(), first_published_at=None, level="一般",
                mention_ids=[], actor_id=staff.id)
            perform(session, entry, "assess", staff)
            perform(session, entry, "assign", staff, data={"lead_department_id": dept})
            perform(session, entry, "accept", staff)
            ids.append(entry.id)
    engine.dispose()
    return ids


def start_web(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """The real web server on 127.0.0.1:port, in a process group of its own; once it serves."""
    with log.open("a") as out:
        proc = subprocess.Popen(web_command("127.0.0.1", port), cwd=REPO_ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/login", timeout=120, proc=proc)
    except RuntimeError:
        stop_group(proc)
        raise
    return proc


def sign_in(base: str) -> tuple[requests.Session, str]:
    """Sign in as the opinion staff through the real form; the session and a CSRF token."""
    client = requests.Session()
    token = TOKEN.search(client.get(f"{base}/login", timeout=30).text).group(1)
    response = client.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "username": STAFF.username, "password": STAFF.password, "csrf_token": token})
    assert response.status_code == 302, response.text[:500]
    return client, TOKEN.search(client.get(f"{base}/ledger/", timeout=30).text).group(1)


def submit(base: str, cookies, token: str, entry_id: int, outcome: dict) -> None:
    """POST the 提交审签 form of one entry; record 303 (done), another status, or the error."""
    client = requests.Session()
    client.cookies.update(cookies)
    try:
        response = client.post(f"{base}/ledger/{entry_id}/submit", timeout=30,
                               allow_redirects=False, data={
                                   "submit-channel": "发布权威信息",
                                   "submit-content": "已组织抢修，今晚恢复供水。",
                                   "submit-csrf_token": token})
        outcome[entry_id] = response.status_code
    except requests.RequestException as exc:
        outcome[entry_id] = type(exc).__name__


def attempt(env: dict[str, str], port: int, log: Path, entries: list[int],
            rng: random.Random) -> dict[int, object]:
    """Start the server, fire the writes at once, SIGKILL it after a small random delay."""
    proc = start_web(env, port, log)
    try:
        base = f"http://127.0.0.1:{port}"
        client, token = sign_in(base)
        outcome: dict[int, object] = {}
        threads = [threading.Thread(target=submit, args=(base, client.cookies, token, i,
                                                         outcome)) for i in entries]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.0, 0.25))
        kill_group(proc)
        for thread in threads:
            thread.join(timeout=60)
        return outcome
    finally:
        stop_group(proc)


def states(engine: Engine) -> dict[int, tuple]:
    """entry id → (status, responses, submit audit rows)."""
    with engine.connect() as conn:
        return {row.id: (row.status, row.responses, row.audits)
                for row in conn.execute(STATE)}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each backend (PostgreSQL: the private cluster)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'yuqing.db'}"
    return request.getfixturevalue("private_pg").create_database("yq_web")


@pytest.mark.slow
def test_web_server_killed_during_ledger_writes_leaves_each_entry_whole(database, tmp_path):
    """killed: the web server's process group (SIGKILL) 0–250 ms after six 提交审签 POSTs
    left a signed-in browser, four times over; checked: after a restart every entry is
    either fully submitted (status review, one response row, one audit event) or untouched,
    every write answered 303 is there, the restarted server signs in and writes, and the
    database opens cleanly (SQLite: PRAGMA integrity_check is ok)."""
    what = "the web server (SIGKILL to its process group) with ledger writes in flight"
    ids = prepare(database, ATTEMPTS * PER_ATTEMPT + 1)
    env = yuqing_env(tmp_path / "var", database)
    port, log, rng = free_port(), tmp_path / "web.log", random.Random(20251)
    started = time.monotonic()
    outcomes: dict[int, object] = {}
    for n in range(ATTEMPTS):
        outcomes |= attempt(env, port, log, ids[n * PER_ATTEMPT:(n + 1) * PER_ATTEMPT], rng)

    proc = start_web(env, port, log)  # the restart: it must sign in and write again
    try:
        base = f"http://127.0.0.1:{port}"
        client, token = sign_in(base)
        after: dict[int, object] = {}
        submit(base, client.cookies, token, ids[-1], after)
    finally:
        code = stop_group(proc)
    assert code is not None, f"killed: {what}; checked: the restarted server stops on SIGTERM"
    assert after[ids[-1]] == 303, f"killed: {what}; checked: the restarted server writes — " \
                                  f"{after}\n{log.read_text()[-2000:]}"

    engine = create_engine(database, poolclass=NullPool)
    found = states(engine)
    broken = {i: found[i] for i in ids if found[i] not in WHOLE}
    assert not broken, f"killed: {what}; checked: each entry fully changed or not at all — " \
                       f"half-written (status, responses, audit rows): {broken}"
    lost = [i for i, code in outcomes.items() if code == 303 and found[i][0] != "review"]
    assert not lost, f"killed: {what}; checked: writes answered 303 are kept — lost: {lost}"
    if database.startswith("sqlite"):
        with engine.connect() as conn:
            check = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            keys = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        assert check == ["ok"] and not keys, (
            f"killed: {what}; checked: the SQLite file is sound — {check}, {keys}")
    engine.dispose()
    done = sum(1 for i in ids[:-1] if found[i][0] == "review")
    answered = sum(1 for code in outcomes.values() if code == 303)
    cut = sum(1 for code in outcomes.values() if not isinstance(code, int))
    report(f"web SIGKILL during ledger writes ({database.split(':')[0].split('+')[0]})",
           kills=ATTEMPTS, writes=len(outcomes), answered_303=answered, cut_off=cut,
           committed=done, untouched=len(outcomes) - done, broken=0,
           seconds=round(time.monotonic() - started, 1))
