"""Engine and session factory; the caller owns the session and the transaction.

Writers on SQLite take turns here too: :func:`for_writing` (``BEGIN IMMEDIATE``),
:data:`WRITING_METHODS` (the web requests that write) and :func:`sqlite_writer` (the
process-wide turn of the scheduler's jobs, child processes and job store).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tracker.settings import Settings


class DatabaseError(RuntimeError):
    """The database cannot be reached or is not ready; the message is one line."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that SAVEPOINTs and
    # transactional DDL work (the pysqlite recipe in SQLAlchemy's SQLite dialect docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


#: Execution option of a connection whose transactions will write (see :func:`for_writing`).
WRITER_OPTION = "yuqing_writer"


def _sqlite_begin(conn) -> None:
    # A deferred transaction that reads and then writes fails at once ("database is locked")
    # when another process committed in between: SQLite cannot move its snapshot, and the
    # busy timeout does not apply. A writer takes the write lock up front instead and waits
    # its turn (busy_timeout) behind the scheduler, a crawl or another request.
    immediate = conn.get_execution_options().get(WRITER_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database, or None for other backends and in-memory ones."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


def ensure_storage(engine: Engine) -> None:
    """Create the folder of a SQLite file (only commands that write call this)."""
    path = sqlite_path(engine)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for the configured database."""
    return make_engine(settings.database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def for_writing(session: Session) -> Session:
    """Make the session's next transaction a writer's (``BEGIN IMMEDIATE`` on SQLite; no
    change elsewhere); call it before the session touches the database."""
    session.connection(execution_options={WRITER_OPTION: True})
    return session


#: Requests that change something: their transaction takes SQLite's write lock up front
#: (see :func:`for_writing`), so a crawl or the scheduler committing between the request's
#: first read and its first write makes it wait its turn instead of failing.
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# SQLite has one writer at a time, and a transaction that read before another connection
# committed cannot write at all. So on SQLite the scheduler's writers take turns: the crawl
# children (held for their whole run), the analysis, the jobs' own transactions, and the
# job store. One lock for the whole process; PostgreSQL needs none of this.
_sqlite_writer = threading.RLock()


class WriterBusy(RuntimeError):
    """Another writer holds the SQLite database right now; try again later."""


def is_sqlite(sessions: sessionmaker[Session]) -> bool:
    """Whether the sessions are bound to a SQLite database."""
    bind = sessions.kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


@contextmanager
def sqlite_writer(sessions: sessionmaker[Session], wait: bool = True) -> Iterator[None]:
    """Hold the SQLite writer turn (a no-op on other databases); WriterBusy if not waiting."""
    if not is_sqlite(sessions):
        yield
        return
    if not _sqlite_writer.acquire(timeout=-1 if wait else 0.2):
        raise WriterBusy("another writer holds the database")
    try:
        yield
    finally:
        _sqlite_writer.release()


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """Commit on success, roll back on error: for jobs and commands.

    ``write=True`` for work that reads and then writes while other processes may write too
    (see :func:`for_writing`).
    """
    session = factory()
    if write:
        for_writing(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Raise :class:`DatabaseError` with one line when the database is unreachable."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"cannot connect to database {describe_url(str(engine.url))}: {reason}"
        ) from None


def require_schema(engine: Engine) -> None:
    """Raise :class:`DatabaseError` unless migrations have been applied."""
    path = sqlite_path(engine)
    if path is not None and not path.exists():
        raise DatabaseError(
            f"no database at {path}; run `yuqing db upgrade` (or `yuqing demo`) first"
        )
    check_connection(engine)
    try:
        tables = set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot inspect database: {exc}") from None
    if "alembic_version" not in tables or "users" not in tables:
        raise DatabaseError(
            "the database has no yuqing schema yet; run `yuqing db upgrade` first"
        )
