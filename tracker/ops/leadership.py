"""Which of several ``yuqing scheduler`` processes runs the jobs, on PostgreSQL.

The leader holds a PostgreSQL session-level advisory lock (``pg_try_advisory_lock``) on a
connection of its own, open for the process's life. Any other scheduler process is a standby:
it asks for the lock every few seconds and becomes the leader when it gets it. A leader that
dies loses its connection, and PostgreSQL releases the lock with it (the connection's server
side TCP keepalives, set below, notice a vanished host in about half a minute; a killed
process's connection closes at once). Nothing here decides anything itself: PostgreSQL's lock
is the only arbiter. Advisory locks are per database, so each yuqing database has its own
leader.

SQLite has no such lock; there a second scheduler is refused (``ensure_alone``).
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

#: The advisory lock key of the scheduler leadership (any constant bigint; "yuqing" in ASCII).
LOCK_KEY = 0x797571696E67
#: Server-side keepalives on the lock connection: a leader whose host vanished without closing
#: its connection is noticed after about idle + interval × count seconds.
KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5,
              "tcp_keepalives_count": 3}


class LeadershipLost(RuntimeError):
    """The connection holding the leadership lock broke: another process may lead now."""


class Leadership:
    """The leadership lock on a dedicated connection (PostgreSQL only)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self.held = False

    @staticmethod
    def supported(engine: Engine) -> bool:
        """Whether this database can arbitrate between several scheduler processes."""
        return engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True while we hold it. Never waits."""
        if self.held:
            return True
        try:
            conn = self._connection()
            self.held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": LOCK_KEY}).scalar())
        except Exception as exc:  # the database is away: a standby keeps waiting
            log.warning("cannot ask for the scheduler leadership: %s", exc)
            self._drop()
            return False
        return self.held

    def check(self) -> None:
        """Raise LeadershipLost unless the lock's connection is alive and still holds it."""
        if not self.held or self._conn is None:
            raise LeadershipLost("this process does not hold the scheduler leadership")
        try:
            still = self._conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid() AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"),
                {"key": LOCK_KEY}).scalar()
        except Exception as exc:
            self._drop()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise LeadershipLost(f"the connection holding the scheduler leadership broke "
                                 f"({reason}); stopping, a standby takes over") from exc
        if not still:
            self._drop()
            raise LeadershipLost("the scheduler leadership lock is no longer held")

    def release(self) -> None:
        """Give the lock up at once, then close its connection for good (so no pooled copy
        keeps it; the server ends a closed session a moment later)."""
        if self.held and self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            except Exception:  # a broken connection: the server frees the lock with it
                log.debug("cannot unlock the scheduler leadership", exc_info=True)
        self._drop()

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            for name, value in KEEPALIVES.items():
                conn.execute(text(f"SET {name} = {int(value)}"))
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        self.held = False
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.invalidate()  # the DBAPI connection is closed, not returned to the pool
            conn.close()
        except Exception:  # already broken
            log.debug("closing the leadership connection failed", exc_info=True)
