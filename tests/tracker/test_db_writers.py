"""SQLite and several writing processes (web requests, the scheduler, crawls, imports).

A deferred transaction that reads, then writes after another connection committed, fails at
once with "database is locked" (its snapshot is stale; the busy timeout does not apply).
Work that writes therefore begins as a writer (``BEGIN IMMEDIATE``) and waits its turn.
"""

import threading
import time

import pytest
from sqlalchemy import event, text

from demo.seed import ensure_demo_accounts
from tests.conftest import csrf_token
from tracker import migrate
from tracker.db import WriterBusy, make_engine, session_factory, session_scope, sqlite_writer


def _race(tmp_path, write: bool) -> tuple[list[str], int]:
    """A reads; B writes and commits meanwhile; A writes. Returns (errors, final value)."""
    url = f"sqlite:///{tmp_path}/race-{write}.db"
    first, second = make_engine(url), make_engine(url)
    with first.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (0)"))
    errors: list[str] = []

    def other() -> None:
        try:
            with session_scope(session_factory(second), write=True) as b:
                b.execute(text("UPDATE t SET x = x + 1"))
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            errors.append(f"B: {exc}")

    thread = threading.Thread(target=other)
    try:
        with session_scope(session_factory(first), write=write) as a:
            a.execute(text("SELECT x FROM t")).all()
            thread.start()
            time.sleep(0.3)  # B commits now unless A holds the write lock
            a.execute(text("UPDATE t SET x = x + 10"))
    except Exception as exc:  # noqa: BLE001 - reported in the assertion
        errors.append(f"A: {exc}")
    thread.join(timeout=15)
    with first.connect() as conn:
        value = conn.execute(text("SELECT x FROM t")).scalar()
    first.dispose()
    second.dispose()
    return errors, value


def test_a_reader_that_writes_late_fails_without_the_writer_mode(tmp_path):
    errors, value = _race(tmp_path, write=False)
    assert len(errors) == 1 and errors[0].startswith("A:") and "locked" in errors[0]
    assert value == 1


def test_a_writer_waits_its_turn_and_both_writes_land(tmp_path):
    errors, value = _race(tmp_path, write=True)
    assert errors == [] and value == 11


@pytest.fixture
def file_app(tmp_path, settings):
    """The app on its own SQLite file (not the rolled-back test connection), with the SQL
    statements it sends."""
    from web import create_app

    engine = make_engine(f"sqlite:///{tmp_path}/app.db")
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        ensure_demo_accounts(session)
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: sent.append(statement))
    yield create_app(settings, engine=engine, test_config={"TESTING": True}), sent
    engine.dispose()


def test_requests_that_change_something_begin_as_writers(file_app):
    app, sent = file_app
    client = app.test_client()
    token = csrf_token(client)
    sent.clear()
    response = client.post("/login", data={"username": "staff", "password": "staff-demo-123",
                                           "csrf_token": token})
    assert response.status_code == 302
    assert [s for s in sent if s.startswith("BEGIN")][0] == "BEGIN IMMEDIATE"
    sent.clear()
    assert client.get("/staff").status_code == 200
    begins = [s for s in sent if s.startswith("BEGIN")]
    assert begins and set(begins) == {"BEGIN"}  # pages that only read stay deferred


def test_the_writer_turn_is_one_lock_for_the_process_and_only_on_sqlite(tmp_path):
    lite = session_factory(make_engine(f"sqlite:///{tmp_path}/turn.db"))
    other = session_factory(make_engine(f"sqlite:///{tmp_path}/other.db"))
    pg = session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    outcome: list[str] = []

    def writer(sessions) -> None:
        try:
            with sqlite_writer(sessions, wait=False):
                outcome.append("entered")
        except WriterBusy:
            outcome.append("busy")

    def in_thread(sessions) -> None:
        thread = threading.Thread(target=writer, args=(sessions,))
        thread.start()
        thread.join(timeout=15)

    with sqlite_writer(lite), sqlite_writer(lite):  # the holder may take it again
        in_thread(other)  # any SQLite database: the turn is the process's
        in_thread(pg)  # PostgreSQL takes no turn (and connects to nothing here)
    in_thread(other)
    assert outcome == ["busy", "entered", "entered"]
