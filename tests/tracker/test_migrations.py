"""Migrations: upgrade to head, no-op second run, downgrade to base, models match."""

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, MetaData, Table, inspect, select, text

from tests.conftest import create_pg_database, drop_pg_database
from tracker import migrate
from tracker.db import make_engine
from tracker.models import Base, Role


@pytest.fixture
def fresh_engine(backend, tmp_path):
    """An empty database of the backend under test, dropped afterwards."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    url = create_pg_database("yuqing_mig")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_database(url)


def test_upgrade_twice_then_downgrade_to_base(fresh_engine):
    assert migrate.upgrade(fresh_engine) is True
    tables = set(inspect(fresh_engine).get_table_names())
    assert {"users", "roles", "departments", "sources", "audit_events"} <= tables
    assert migrate.upgrade(fresh_engine) is False
    assert migrate.current_heads(fresh_engine) == migrate.script_heads(fresh_engine)
    migrate.downgrade(fresh_engine, "base")
    left = set(inspect(fresh_engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    assert migrate.current_heads(fresh_engine) == set()


def test_migrated_schema_matches_the_models(migrated_engines, backend):
    with migrated_engines[backend].connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_roles_are_seeded(session):
    codes = set(session.scalars(select(Role.code)))
    assert codes == {"opinion_staff", "responder", "leader", "admin"}


def _insert(conn, table: str, **values) -> None:
    """Insert a row through the reflected table, filling other NOT NULL columns by type."""
    reflected = Table(table, MetaData(), autoload_with=conn)
    filler = {str: "", int: 0, float: 0.0, bool: False, datetime: datetime(2026, 5, 6)}
    for column in reflected.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            kind = column.type.python_type if not isinstance(column.type, JSON) else dict
            values[column.name] = {} if kind in (dict, list) else filler[kind]
    conn.execute(reflected.insert().values(**values))


def test_the_appeal_revision_fills_in_board_messages_analyzed_before_it(fresh_engine):
    migrate.upgrade(fresh_engine, "0013")
    rows = [(1, "board", "关于月亮岛路高压线的投诉"), (2, "board", "月亮岛路高压线的规划"),
            (3, "news", "市民投诉月亮岛路高压线")]
    with fresh_engine.begin() as conn:
        _insert(conn, "sources", id=1, name="s", kind="board")
        for mention_id, kind, title in rows:
            _insert(conn, "mentions", id=mention_id, uid=f"u{mention_id}", source_id=1,
                    kind=kind, title=title)
            _insert(conn, "mention_analysis", mention_id=mention_id, sentiment=0.9)
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        found = dict(conn.execute(text("SELECT mention_id, appeal FROM mention_analysis")).all())
    assert found == {1: "投诉", 2: None, 3: None}  # only board titles declare an appeal


def test_the_query_code_revision_gives_existing_entries_codes(fresh_engine):
    migrate.upgrade(fresh_engine, "0020")
    with fresh_engine.begin() as conn:
        for entry_id in (1, 2, 3):
            _insert(conn, "ledger_entries", id=entry_id, kind="message", status="accepted",
                    title=f"留言{entry_id}")
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        codes = dict(conn.execute(text("SELECT id, query_code FROM ledger_entries")).all())
    assert set(codes) == {1, 2, 3} and len(set(codes.values())) == 3
    assert all(len(code) == 12 and code.isdigit() for code in codes.values())
    migrate.downgrade(fresh_engine, "0020")
    with fresh_engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("ledger_entries")}
    assert "query_code" not in columns
