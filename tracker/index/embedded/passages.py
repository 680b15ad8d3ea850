"""The embedded passage index: one SQLite file (``<data dir>/passages.db``); per collection
``<c>_docs`` (the document as JSON plus the filter columns) and one FTS5 table per analysed
field (``<c>_f_<field>``, see :mod:`tracker.index.passages`), fed whitespace-separated tokens
for FTS5's ``ascii`` tokenizer, rowid = the docs rowid.

Why one table per field: FTS5's ``bm25()`` adds the column weights into one term frequency,
which BM25 then saturates, and normalises by the length of all columns together, so a
weight of 10 on the document number moved a score by 3 % (measured). With a table per field,
each field has its own BM25 (own lengths, own idf) and the weights multiply whole field
scores, as Elasticsearch's boosted ``match`` queries do.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from tracker.index.base import BulkResult, SearchIndexError
from tracker.index.embedded.sqlite_lib import sqlite3
from tracker.index.passages import (
    DEFAULT_SCORING,
    FIELDS,
    PassageDoc,
    PassageFilter,
    PassageHit,
    PassageIndex,
    Scoring,
    analysed,
    check_collection,
    query_tokens,
    split_passages,
)

#: Bump when the tables change: a collection built with another version is dropped and must be
#: rebuilt from SQL (``yuqing policy reindex``). 3: one FTS5 table per field.
SCHEMA_VERSION = "3"
log = logging.getLogger(__name__)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {c}_docs (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, department TEXT, category TEXT,
    date TEXT, body TEXT NOT NULL);
""" + "".join(f"CREATE VIRTUAL TABLE IF NOT EXISTS {{c}}_f_{name} USING fts5(t, "
              "tokenize='ascii');\n" for name in FIELDS)


def _phrases(tokens: Iterable[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def field_matches(query: str, scoring: Scoring) -> list[tuple[str, float, str]]:
    """(field, weight, FTS5 MATCH) for each weighted field the question has tokens for."""
    toks = query_tokens(query, scoring)
    return [(name, weight, _phrases(toks.for_field(name)))
            for name, weight in scoring.weights().items()
            if weight > 0 and toks.for_field(name)]


def _filter_sql(filters: PassageFilter | None) -> tuple[str, list[object]]:
    if filters is None:
        return "", []
    where: list[str] = []
    params: list[object] = []
    for column, values in (("department", filters.departments),
                           ("category", filters.categories)):
        if values:
            where.append(f"d.{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    if filters.date_from:
        where.append("d.date >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        where.append("d.date <= ?")
        params.append(filters.date_to.isoformat())
    return "".join(" AND " + w for w in where), params


class EmbeddedPassageIndex(PassageIndex):
    """Passage index of one collection in a SQLite file shared by all collections."""

    backend = "embedded"

    def __init__(self, path: str | Path, collection: str, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.collection = check_collection(collection)
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.path, timeout=self.busy_timeout,
                                     isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                self._check_version(db)
                db.executescript(_SCHEMA.format(c=self.collection))
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           (f"{self.collection}_version", SCHEMA_VERSION))
            except sqlite3.Error as exc:
                raise SearchIndexError(f"cannot open the passage index at {self.path}: "
                                       f"{exc}") from None
            self._conn = db
        return self._conn

    def _check_version(self, db: sqlite3.Connection) -> None:
        """Drop a collection built with an older layout (it is rebuilt from SQL)."""
        c = self.collection
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE name = ?", (f"{c}_version",)).fetchone()
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                            (f"{c}_docs",)).fetchone()
        if exists and (row is None or row[0] != SCHEMA_VERSION):
            log.warning("passage index %s has an old layout: dropped, rebuild it from SQL", c)
            self._drop_tables(db)

    def _drop_tables(self, db: sqlite3.Connection) -> None:
        c = self.collection
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND (name = ? OR name = ? "
            "OR name LIKE ? ESCAPE '!')", (f"{c}_docs", f"{c}_fts", f"{c}!_f!_%")).fetchall()]
        for name in names:
            if not name.endswith(("_data", "_idx", "_content", "_docsize", "_config")) \
                    or name == f"{c}_docs":
                db.execute(f'DROP TABLE IF EXISTS "{name}"')

    def _run(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db().execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise SearchIndexError(f"passage index error: {exc}") from None

    def ensure(self) -> None:
        """Create the tables when missing."""
        with self._lock:
            self._db()

    def _write(self, db: sqlite3.Connection, doc: PassageDoc) -> None:
        c = self.collection
        old = db.execute(f"SELECT rowid FROM {c}_docs WHERE id = ?", (doc.id,)).fetchone()
        if old:
            self._remove(db, old[0])
        cur = db.execute(
            f"INSERT INTO {c}_docs (id, department, category, date, body) VALUES (?,?,?,?,?)",
            (doc.id, doc.department, doc.category, doc.date.isoformat() if doc.date else None,
             json.dumps(doc.to_dict(), ensure_ascii=False)))
        for name, tokens in analysed(doc).items():
            db.execute(f"INSERT INTO {c}_f_{name} (rowid, t) VALUES (?, ?)",
                       (cur.lastrowid, tokens))

    def _remove(self, db: sqlite3.Connection, rowid: int) -> None:
        c = self.collection
        for name in FIELDS:
            db.execute(f"DELETE FROM {c}_f_{name} WHERE rowid = ?", (rowid,))
        db.execute(f"DELETE FROM {c}_docs WHERE rowid = ?", (rowid,))

    def upsert(self, docs: Iterable[PassageDoc]) -> BulkResult:
        """Write documents in one transaction; invalid ones are reported, not written."""
        valid, errors = split_passages(docs, self.collection)
        result = BulkResult(errors=errors)
        with self._lock:
            db = self._db()
            try:
                db.execute("BEGIN IMMEDIATE")
                for doc in valid:
                    self._write(db, doc)
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                db.execute("ROLLBACK")
                raise SearchIndexError(f"cannot write the passage index: {exc}") from None
        result.written = [d.id for d in valid]
        return result

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        c = self.collection
        removed = 0
        with self._lock:
            for doc_id in dict.fromkeys(ids):
                row = self._run(f"SELECT rowid FROM {c}_docs WHERE id = ?", (doc_id,))
                if row:
                    try:
                        self._remove(self._db(), row[0][0])
                    except sqlite3.Error as exc:
                        raise SearchIndexError(f"passage index error: {exc}") from None
                    removed += 1
        return removed

    def get(self, doc_id: str) -> PassageDoc | None:
        """The document with ``doc_id``, or None."""
        rows = self._run(f"SELECT body FROM {self.collection}_docs WHERE id = ?", (doc_id,))
        return PassageDoc.from_dict(json.loads(rows[0][0])) if rows else None

    def search(self, query: str, top: int = 10, filters: PassageFilter | None = None,
               scoring: Scoring = DEFAULT_SCORING) -> list[PassageHit]:
        """The weighted sum of each field's BM25 (FTS5's) over the question's tokens."""
        matches = field_matches(query, scoring)
        if not matches or top <= 0:
            return []
        c = self.collection
        parts = [f"SELECT rowid AS r, -bm25({c}_f_{name}) * {float(weight)} AS s "
                 f"FROM {c}_f_{name} WHERE {c}_f_{name} MATCH ?"
                 for name, weight, _ in matches]
        where, params = _filter_sql(filters)
        sql = ("SELECT d.body, t.score FROM (SELECT r, SUM(s) AS score FROM ("
               + " UNION ALL ".join(parts) + f") GROUP BY r) AS t JOIN {c}_docs AS d "
               f"ON d.rowid = t.r{' WHERE 1' + where if where else ''} "
               "ORDER BY t.score DESC, d.id LIMIT ?")
        rows = self._run(sql, [m for _, _, m in matches] + params + [int(top)])
        return [PassageHit(PassageDoc.from_dict(json.loads(body)), round(score, 6))
                for body, score in rows]

    def field_scores(self, query: str,
                     scoring: Scoring = DEFAULT_SCORING) -> dict[str, dict[str, float]]:
        """Each field's unweighted BM25 per document id (how bench/qa.py tunes the weights)."""
        c = self.collection
        out: dict[str, dict[str, float]] = {}
        for name, _, match in field_matches(query, scoring):
            rows = self._run(f"SELECT d.id, -bm25({c}_f_{name}) FROM {c}_f_{name} JOIN {c}_docs "
                             f"AS d ON d.rowid = {c}_f_{name}.rowid WHERE {c}_f_{name} MATCH ?",
                             (match,))
            out[name] = dict(rows)
        return out

    def count(self) -> int:
        """How many documents the collection holds."""
        return int(self._run(f"SELECT count(*) FROM {self.collection}_docs")[0][0])

    def drop(self) -> None:
        """Remove the collection's tables."""
        with self._lock:
            try:
                self._drop_tables(self._db())
            except sqlite3.Error as exc:
                raise SearchIndexError(f"passage index error: {exc}") from None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
