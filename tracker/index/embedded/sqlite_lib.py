"""The SQLite library the embedded index runs on, and its C tokenizer.

``pysqlite3-binary`` (a dependency) bundles a current SQLite (3.51 when added) behind the
standard ``sqlite3`` API. Its FTS5 ingests the index's token streams about 1.5 times faster
than Debian's system SQLite 3.40 that the standard library links (bench/index.py), and it
has the JSON operators the bulk insert uses. Without the package (a platform with no wheel),
the standard library's module is used; it needs SQLite 3.38 or newer for ``->>``.

Only the index file is opened with this library; the application database stays on the
standard module (two SQLite libraries in one process must never open the same file, as
each keeps its own POSIX lock bookkeeping).

The FTS5 tokenizer ``yuqing`` (``tracker/index/embedded/fts5/yuqing_tokenizer.c``) is a SQLite
loadable extension built when the package is installed. :func:`load_tokenizer` loads it into
a connection; when it cannot (no compiler at install, or a SQLite library that does not load
extensions, like Debian's standard-library module), the index falls back to splitting text
in Python for FTS5's ``ascii`` tokenizer: the same tokens, about 60 µs more per document.
"""

from __future__ import annotations

import importlib.util
import logging
import os

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # pragma: no cover - depends on the platform
    import sqlite3

__all__ = ["TOKENIZER", "load_tokenizer", "sqlite3"]

log = logging.getLogger(__name__)
#: The name the extension registers its FTS5 tokenizer under.
TOKENIZER = "yuqing"
_EXTENSION = "tracker.index.embedded._fts5_yuqing"
_ENTRY_POINT = "sqlite3_yuqing_init"
#: Set to 0 to use the Python tokens even when the extension is there (tests use it).
NATIVE_ENV = "YUQING_INDEX_NATIVE_TOKENIZER"


def extension_path() -> str | None:
    """Where the built extension is, or None when it was not built."""
    spec = importlib.util.find_spec(_EXTENSION)
    return spec.origin if spec is not None and spec.origin else None


def load_tokenizer(db: sqlite3.Connection) -> bool:
    """Register the ``yuqing`` FTS5 tokenizer on ``db``; False when it is not available."""
    if os.environ.get(NATIVE_ENV, "1") == "0":
        return False
    path = extension_path()
    if path is None or not hasattr(db, "enable_load_extension"):
        log.info("the C tokenizer is not available (%s); splitting text in Python",
                 "not built" if path is None else "this SQLite cannot load extensions")
        return False
    try:
        db.enable_load_extension(True)
        try:
            db.execute("SELECT load_extension(?, ?)", (path, _ENTRY_POINT))
        finally:
            db.enable_load_extension(False)
    except sqlite3.Error as exc:
        log.warning("cannot load the C tokenizer from %s: %s", path, exc)
        return False
    return True
