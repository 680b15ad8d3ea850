"""The embedded mention index: SQLite FTS5 in its own file (``<data dir>/index.db``).

Why this layout (measured on the real texts of the shared datasets, see docs/search.md): FTS5's
``trigram`` tokenizer cannot match two-character terms, and jieba words miss substrings
(物业 inside 物业费). Here every Chinese character is a token and a term is an FTS5 phrase of
its characters, so every occurrence is found, BM25 still ranks, and because there are only a
few thousand distinct characters FTS5 ingests about three times faster than with bigrams. The
FTS rowid is the order key (see :mod:`tracker.index.embedded.sql`). The FTS table is
contentless; ``docs`` (narrow, for filters and facets) and ``bodies`` (the text) keep the rest.
Both are keyed by the write sequence, with a unique index on the order key: a bulk load of
mentions from any time then appends to their B-trees, and only the narrow indexes on the
order key and the id take random inserts. (With ``docs`` keyed by the order key, each batch
of 10,000 rewrote most of its pages: 10,114 against 12,062 docs/s at 1,000,000.)
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker.index.base import (
    BulkResult,
    ChangesPage,
    IndexOutdated,
    IndexUnavailable,
    ItemError,
    MentionDoc,
    MentionIndex,
    SearchIndexError,
    SearchRequest,
    SearchResult,
    check_update,
    order_key,
    split_valid,
)
from tracker.index.embedded.rows import (
    INSERTS,
    SELECT_DOCS,
    chunks,
    epoch,
    payloads,
    row_to_doc,
)
from tracker.index.embedded.search import run_search
from tracker.index.embedded.sql import tag_string
from tracker.index.embedded.sqlite_lib import TOKENIZER, load_tokenizer, sqlite3
from tracker.index.text import token_string

log = logging.getLogger(__name__)
#: 2: bodies keyed by write sequence; 3: the C tokenizer (the stored value names the FTS5
#: tokenizer too: an index built with one cannot be read with the other); 4: docs keyed by
#: write sequence as well.
TOKENIZER_VERSION = "4"
_WRITE_CHUNK = 1000
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    key INTEGER NOT NULL UNIQUE, id TEXT NOT NULL UNIQUE, seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL, source TEXT NOT NULL, sentiment REAL, event_id TEXT, department TEXT,
    fetched_at INTEGER, likes INTEGER NOT NULL, comments INTEGER NOT NULL,
    reposts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (
    seq INTEGER PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, url TEXT NOT NULL,
    author TEXT, published_at INTEGER, keywords TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keywords (
    key INTEGER NOT NULL, keyword TEXT NOT NULL, PRIMARY KEY (key, keyword)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tags, content='', tokenize='{{tokenizer}}');
INSERT OR IGNORE INTO meta VALUES ('tokenizer', '{TOKENIZER_VERSION}:{{tokenizer}}'),
    ('seq', '0');
"""
#: No checkpoint at commit: a bulk load spent a quarter of its time copying the WAL into
#: the file while the writer waited. ``_checkpoint_soon`` does it on another thread after
#: each write; the last connection to close checkpoints what is left.
_PRAGMAS = ("page_size=16384", "journal_mode=WAL", "synchronous=NORMAL", "cache_size=-131072",
            "temp_store=MEMORY", "wal_autocheckpoint=0")



class EmbeddedIndex(MentionIndex):
    """Mention index in one SQLite file; one connection per thread, WAL for readers."""

    backend = "embedded"

    def __init__(self, path: str | Path, timezone: str = "Asia/Shanghai",
                 busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timezone = timezone
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._checkpointer: ThreadPoolExecutor | None = None
        self._checkpoint: Future | None = None
        #: Whether the C tokenizer is loaded; decided by the first connection.
        self.native: bool | None = None

    # -- connections ---------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.path, timeout=self.busy_timeout,
                                     isolation_level=None, check_same_thread=False)
                native = load_tokenizer(db)
                if self.native is None:
                    self.native = native
                elif native != self.native:  # pragma: no cover - the library went away
                    raise sqlite3.Error("the C tokenizer loads in some threads only")
                for pragma in _PRAGMAS:
                    db.execute(f"PRAGMA {pragma}")
                db.executescript(_SCHEMA.format(tokenizer=self.tokenizer))
                if db.execute("SELECT 1 FROM fts_config WHERE k = 'automerge'").fetchone() \
                        is None:  # merge 16 segments at a time, not 4: +27% bulk ingest
                    db.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 16)")
            except sqlite3.Error as exc:
                raise SearchIndexError(f"cannot open the index at {self.path}: {exc}") from None
            try:
                self._check_version(db)
            except IndexOutdated:
                db.close()
                raise
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _fts_text(self, text: str) -> str:
        """What the FTS5 table is given for a title or text: the C tokenizer reads it as it
        is; FTS5's ``ascii`` tokenizer needs it split in Python first."""
        return text if self.native else token_string(text)

    @property
    def tokenizer(self) -> str:
        """The FTS5 tokenizer of this index: ``yuqing`` (C) or ``ascii`` (Python tokens)."""
        return TOKENIZER if self.native else "ascii"

    def _check_version(self, db: sqlite3.Connection) -> None:
        (version,) = db.execute("SELECT value FROM meta WHERE name = 'tokenizer'").fetchone()
        if version != f"{TOKENIZER_VERSION}:{self.tokenizer}":
            raise IndexOutdated(f"the index at {self.path} was built by another version; "
                                "run `yuqing index reindex` (the next sync rebuilds it)")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(f"the index is busy: {exc}") from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._checkpoint_soon()

    def _checkpoint_soon(self) -> None:
        """Copy the WAL into the index file on a thread of its own (see ``_PRAGMAS``)."""
        with self._lock:
            if self._checkpoint is not None and not self._checkpoint.running() \
                    and not self._checkpoint.done():
                return  # one is already queued behind the running one
            if self._checkpointer is None:
                self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="index-wal")
            self._checkpoint = self._checkpointer.submit(self._run_checkpoint)

    def _run_checkpoint(self) -> None:
        try:
            self._db().execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # the next commit tries again; SQLite keeps the WAL
            log.warning("index checkpoint failed: %s", exc)

    def ensure(self) -> None:
        """Create the file and tables when missing."""
        self._db()

    def drop(self) -> None:
        """Close the connections and delete the index file."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Close every connection this index opened."""
        if self._checkpointer is not None:
            self._checkpointer.shutdown(wait=True)
            self._checkpointer, self._checkpoint = None, None
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- writes --------------------------------------------------------------------------

    def _existing(self, db: sqlite3.Connection, ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for part in chunks(ids):
            marks = ",".join("?" * len(part))
            sql = SELECT_DOCS + f"WHERE d.id IN ({marks})"
            for row in db.execute(sql, part):
                found[row[1]] = row
        return found

    def _remove(self, db: sqlite3.Connection, rows: Iterable[tuple]) -> int:
        """Delete documents given their :data:`~tracker.index.embedded.rows.DOC_COLUMNS` rows."""
        rows = list(rows)
        db.executemany(
            "INSERT INTO fts(fts, rowid, title, body, tags) VALUES ('delete', ?, ?, ?, ?)",
            [(r[0], self._fts_text(r[11]), self._fts_text(r[12]),
              tag_string(r[3], r[2], r[5], r[6]))
             for r in rows])
        keys = [(r[0],) for r in rows]
        for table in ("docs", "keywords"):
            db.executemany(f"DELETE FROM {table} WHERE key = ?", keys)
        db.executemany("DELETE FROM bodies WHERE seq = ?", [(r[17],) for r in rows])
        return len(rows)

    def _free_keys(self, db: sqlite3.Connection, docs: list[MentionDoc]) -> list[int]:
        wanted = [order_key(d.published_at, d.id) for d in docs]
        taken: set[int] = set()
        for part in chunks(sorted(set(wanted))):
            marks = ",".join("?" * len(part))
            taken.update(k for (k,) in db.execute(
                f"SELECT key FROM docs WHERE key IN ({marks})", part))
        keys = []
        for key in wanted:
            while key in taken:  # a 24-bit hash collision within one second: take the next
                key += 1
                if key not in taken and db.execute("SELECT 1 FROM docs WHERE key = ?",
                                                   (key,)).fetchone():
                    taken.add(key)
            taken.add(key)
            keys.append(key)
        return keys

    def _insert(self, db: sqlite3.Connection, docs: list[MentionDoc]) -> None:
        seq = int(db.execute("SELECT value FROM meta WHERE name = 'seq'").fetchone()[0])
        keyed = sorted(zip(self._free_keys(db, docs), docs, strict=True), key=lambda p: p[0])
        # Ascending rowids let FTS5 keep one pending segment for the whole batch. This thread
        # prepares the chunks and queues them for a writer thread (a batch bounds the queue;
        # with the C tokenizer the writer is the slower one). Each table gets one
        # statement per chunk over a JSON array: SQLite releases the GIL for a statement's
        # whole run, so both cores work (row-by-row executemany re-took the GIL per row and
        # ran at about one core: 7,000 against 16,000 docs/s for the FTS table alone).
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending = []
            for start in range(0, len(keyed), _WRITE_CHUNK):
                batch = payloads(keyed[start:start + _WRITE_CHUNK], seq + start,
                                 self._fts_text)
                pending.append(writer.submit(self._write_rows, db, batch))
            for done in pending:
                done.result()
        db.execute("UPDATE meta SET value = ? WHERE name = 'seq'", (str(seq + len(keyed)),))

    @staticmethod
    def _write_rows(db: sqlite3.Connection, payloads: tuple[str, str, str, str]) -> None:
        for sql, payload in zip(INSERTS, payloads, strict=True):
            db.execute(sql, (payload,))

    def upsert(self, docs: Iterable[MentionDoc]) -> BulkResult:
        """Write whole documents in one transaction; invalid ones are reported per item."""
        valid, errors = split_valid(docs)
        if valid:
            with self._write() as db:
                self._remove(db, self._existing(db, [d.id for d in valid]).values())
                self._insert(db, valid)
        return BulkResult(written=[d.id for d in valid], errors=errors)

    def update(self, changes: Mapping[str, Mapping[str, Any]]) -> BulkResult:
        """Change analysis fields of existing documents (their cursor position stays)."""
        result = BulkResult()
        checked: dict[str, dict[str, Any]] = {}
        for doc_id, values in changes.items():
            try:
                checked[doc_id] = check_update(doc_id, values)
            except ValueError as exc:
                result.errors.append(ItemError(doc_id, str(exc), 400))
        if not checked:
            return result
        with self._write() as db:
            rows = self._existing(db, list(checked))
            for doc_id, values in checked.items():
                row = rows.get(doc_id)
                if row is None:
                    result.errors.append(ItemError(doc_id, "document not found", 404))
                    continue
                self._apply(db, row, values)
                result.written.append(doc_id)
        return result

    def _apply(self, db: sqlite3.Connection, row: tuple, values: dict[str, Any]) -> None:
        key, old = row[0], row_to_doc(row)
        new = MentionDoc(**{**old.__dict__, **values})
        old_tags = tag_string(old.source, old.kind, old.event_id, old.department)
        new_tags = tag_string(new.source, new.kind, new.event_id, new.department)
        if old_tags != new_tags:
            title, body = self._fts_text(old.title), self._fts_text(old.text)
            db.execute("INSERT INTO fts(fts, rowid, title, body, tags) "
                       "VALUES ('delete', ?, ?, ?, ?)", (key, title, body, old_tags))
            db.execute("INSERT INTO fts(rowid, title, body, tags) VALUES (?, ?, ?, ?)",
                       (key, title, body, new_tags))
        db.execute("UPDATE docs SET sentiment = ?, event_id = ?, department = ?, likes = ?, "
                   "comments = ?, reposts = ? WHERE key = ?",
                   (new.sentiment, new.event_id, new.department, new.likes, new.comments,
                    new.reposts, key))
        if "keywords" in values:
            db.execute("UPDATE bodies SET keywords = ? WHERE seq = ?",
                       (json.dumps(new.keywords, ensure_ascii=False), row[17]))
            db.execute("DELETE FROM keywords WHERE key = ?", (key,))
            db.executemany("INSERT OR IGNORE INTO keywords VALUES (?, ?)",
                           [(key, w) for w in new.keywords])

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        ids = list(dict.fromkeys(ids))
        with self._write() as db:
            return self._remove(db, self._existing(db, ids).values())

    def delete_older_than(self, cutoff: datetime) -> int:
        """Remove documents fetched before ``cutoff``."""
        db = self._db()
        ids = [i for (i,) in db.execute("SELECT id FROM docs WHERE fetched_at < ?",
                                         (epoch(cutoff),))]
        removed = 0
        for part in chunks(ids, 5000):
            removed += self.delete(part)
        return removed

    def optimize(self) -> None:
        """Merge the FTS segments into one (worth it after a large bulk load)."""
        with self._write() as db:
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")

    # -- reads ---------------------------------------------------------------------------

    def get(self, doc_id: str) -> MentionDoc | None:
        """The document with ``doc_id``, or None."""
        row = self._existing(self._db(), [doc_id]).get(doc_id)
        return row_to_doc(row) if row else None

    def load(self, keys: list[int]) -> dict[int, MentionDoc]:
        """Documents by order key."""
        out: dict[int, MentionDoc] = {}
        for part in chunks(keys):
            marks = ",".join("?" * len(part))
            sql = SELECT_DOCS + f"WHERE d.key IN ({marks})"
            for row in self._db().execute(sql, part):
                out[row[0]] = row_to_doc(row)
        return out

    def changes_since(self, cursor: str | None, limit: int = 500) -> ChangesPage:
        """Documents upserted after ``cursor``, in write order."""
        try:
            after = int(cursor) if cursor else 0
        except ValueError:
            raise SearchIndexError(f"bad cursor {cursor!r}") from None
        sql = SELECT_DOCS + "WHERE d.seq > ? ORDER BY d.seq LIMIT ?"
        rows = self._db().execute(sql, (after, limit)).fetchall()
        last = rows[-1][-1] if rows else after
        return ChangesPage([row_to_doc(r) for r in rows], str(last))

    def count(self) -> int:
        """How many documents the index holds."""
        return self._db().execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search (see :mod:`tracker.index.embedded.search`)."""
        try:
            return run_search(self, self._db(), request.checked())
        except sqlite3.OperationalError as exc:  # locked by a long write, disk trouble
            raise IndexUnavailable(f"search failed: {exc}") from None
