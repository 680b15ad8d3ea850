"""The SQLite library the embedded index runs on.

``pysqlite3-binary`` (a dependency) bundles a current SQLite (3.51 when added) behind the
standard ``sqlite3`` API. Its FTS5 ingests the index's token streams about 1.5 times faster
than Debian's system SQLite 3.40 that the standard library links (bench/index.py), and it
has the JSON operators the bulk insert uses. Without the package (a platform with no wheel),
the standard library's module is used; it needs SQLite 3.38 or newer for ``->>``.

Only the index file is opened with this library; the application database stays on the
standard module (two SQLite libraries in one process must never open the same file, as
each keeps its own POSIX lock bookkeeping).
"""

from __future__ import annotations

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # pragma: no cover - depends on the platform
    import sqlite3

__all__ = ["sqlite3"]
