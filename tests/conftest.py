"""Shared fixtures: databases (SQLite and PostgreSQL), the Flask app, a client, sign-in.

Every database test runs twice, once per backend. The schema is migrated once per backend
and test session; each test runs inside a transaction that is rolled back afterwards
(SQLAlchemy's "join an external transaction" recipe), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from demo.site.data import DEFAULT_DATA_DIR
from tracker import migrate
from tracker.db import make_engine
from tracker.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = DEFAULT_DATA_DIR
PG_ADMIN_URL = os.environ.get(
    "YUQING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def create_pg_database(prefix: str = "yuqing_test") -> str:
    """Create an empty PostgreSQL database and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by :func:`create_pg_database`."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One empty database per backend for the whole test session."""
    sqlite_file = tmp_path_factory.mktemp("db") / "yuqing.db"
    pg_url = create_pg_database()
    yield {"sqlite": f"sqlite:///{sqlite_file}", "postgresql": pg_url}
    drop_pg_database(pg_url)


@pytest.fixture(scope="session")
def migrated_engines(database_urls) -> Iterator[dict[str, Engine]]:
    """Engines on both backends, migrated to the newest schema once."""
    engines = {name: make_engine(url) for name, url in database_urls.items()}
    for engine in engines.values():
        migrate.upgrade(engine)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The database backend of this test run: sqlite or postgresql."""
    return request.param


@pytest.fixture
def connection(migrated_engines, backend):
    """A connection inside a transaction that is rolled back after the test."""
    engine = migrated_engines[backend]
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def sessions(connection) -> sessionmaker[Session]:
    """A session factory whose commits become savepoints in the test transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


@pytest.fixture
def session(sessions) -> Iterator[Session]:
    """A session for the test; everything it writes is rolled back."""
    with sessions() as s:
        yield s


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Test settings: a temporary data folder, short login slow-down."""
    return load_settings({
        "YUQING_ENV": "test", "YUQING_DATA_DIR": str(tmp_path / "var"),
        "YUQING_SECRET_KEY": "test-secret-key-0123456789", "YUQING_LOGIN_DELAY_SECONDS": "2",
    })


@pytest.fixture
def app(settings, migrated_engines, backend, sessions):
    """The Flask app bound to the rolled-back test transaction."""
    from web import create_app

    app = create_app(settings, engine=migrated_engines[backend], test_config={"TESTING": True})
    app.extensions["yuqing.sessions"] = sessions
    return app


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


def csrf_token(client, path: str = "/login") -> str:
    """Fetch ``path`` and pull the CSRF token out of its form."""
    import re

    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real form, CSRF token included."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, username: str, password: str):
        """Post the sign-in form."""
        token = csrf_token(self._client)
        return self._client.post("/login", data={"username": username, "password": password,
                                                 "csrf_token": token})

    def logout(self):
        """Post the sign-out form."""
        token = csrf_token(self._client, "/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client) -> AuthActions:
    """Sign-in helper for the test client."""
    return AuthActions(client)


@pytest.fixture
def demo_users(session):
    """The four demo accounts, created in the test transaction."""
    from demo.seed import ensure_demo_accounts

    accounts = ensure_demo_accounts(session)
    session.commit()
    return {a.role.value: a for a in accounts}
