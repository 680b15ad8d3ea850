"""Migrations: upgrade to head, no-op second run, downgrade to base, models match."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

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
