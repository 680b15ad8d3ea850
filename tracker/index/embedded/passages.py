"""The embedded passage index: one SQLite file (``<data dir>/passages.db``), two tables per
collection: ``<c>_docs`` (the document as JSON plus the filter columns) and ``<c>_fts``, an
FTS5 table over the analysed fields (see :mod:`tracker.index.passages`), fed as
whitespace-separated tokens to FTS5's ``ascii`` tokenizer; its rowid is the docs rowid.
"""

from __future__ import annotations

import json
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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {c}_docs (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, department TEXT, category TEXT,
    date TEXT, body TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS {c}_fts USING fts5(
    title_c, number_c, text_c, title_w, text_w, tokenize='ascii');
"""
_CHAR_FIELDS = ("title_c", "number_c", "text_c")
_WORD_FIELDS = ("title_w", "text_w")


def _phrases(tokens: Iterable[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def match_expression(query: str, scoring: Scoring) -> str | None:
    """The FTS5 MATCH of a question: any of its characters or words in the weighted fields."""
    toks = query_tokens(query, scoring)
    weights = scoring.weights()
    parts = []
    for names, values in ((_CHAR_FIELDS, toks.chars), (_WORD_FIELDS, toks.words)):
        used = [n for n in names if weights[n] > 0]
        if used and values:
            parts.append("{" + " ".join(used) + "} : (" + _phrases(values) + ")")
    return " OR ".join(parts) if parts else None


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
                db.executescript(_SCHEMA.format(c=self.collection))
            except sqlite3.Error as exc:
                raise SearchIndexError(f"cannot open the passage index at {self.path}: "
                                       f"{exc}") from None
            self._conn = db
        return self._conn

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
            db.execute(f"DELETE FROM {c}_fts WHERE rowid = ?", old)
            db.execute(f"DELETE FROM {c}_docs WHERE rowid = ?", old)
        cur = db.execute(
            f"INSERT INTO {c}_docs (id, department, category, date, body) VALUES (?,?,?,?,?)",
            (doc.id, doc.department, doc.category, doc.date.isoformat() if doc.date else None,
             json.dumps(doc.to_dict(), ensure_ascii=False)))
        fts = analysed(doc)
        db.execute(f"INSERT INTO {c}_fts (rowid, {', '.join(FIELDS)}) VALUES (?,?,?,?,?,?)",
                   (cur.lastrowid, *(fts[name] for name in FIELDS)))

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
                    self._run(f"DELETE FROM {c}_fts WHERE rowid = ?", row[0])
                    self._run(f"DELETE FROM {c}_docs WHERE rowid = ?", row[0])
                    removed += 1
        return removed

    def get(self, doc_id: str) -> PassageDoc | None:
        """The document with ``doc_id``, or None."""
        rows = self._run(f"SELECT body FROM {self.collection}_docs WHERE id = ?", (doc_id,))
        return PassageDoc.from_dict(json.loads(rows[0][0])) if rows else None

    def search(self, query: str, top: int = 10, filters: PassageFilter | None = None,
               scoring: Scoring = DEFAULT_SCORING) -> list[PassageHit]:
        """BM25 (FTS5's, with the field weights of ``scoring``) over the query's tokens."""
        expr = match_expression(query, scoring)
        if expr is None or top <= 0:
            return []
        c = self.collection
        weights = ", ".join(str(float(w)) for w in scoring.weights().values())
        where, params = _filter_sql(filters)
        sql = (f"SELECT d.body, s FROM (SELECT rowid AS r, bm25({c}_fts, {weights}) AS s "
               f"FROM {c}_fts WHERE {c}_fts MATCH ?) JOIN {c}_docs AS d ON d.rowid = r"
               f"{' WHERE 1' + where if where else ''} ORDER BY s, d.id LIMIT ?")
        rows = self._run(sql, [expr, *params, int(top)])
        return [PassageHit(PassageDoc.from_dict(json.loads(body)), round(-score, 6))
                for body, score in rows]

    def count(self) -> int:
        """How many documents the collection holds."""
        return int(self._run(f"SELECT count(*) FROM {self.collection}_docs")[0][0])

    def drop(self) -> None:
        """Remove the collection's tables."""
        c = self.collection
        with self._lock:
            self._run(f"DROP TABLE IF EXISTS {c}_fts")
            self._run(f"DROP TABLE IF EXISTS {c}_docs")
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
