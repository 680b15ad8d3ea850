"""The embedded index's rows: a document as the JSON rows of one bulk insert, and back.

A bulk write passes each table one JSON array per chunk (see ``INSERTS``); reads select
``DOC_COLUMNS`` from ``docs`` joined with ``bodies`` (``SELECT_DOCS``) and turn each row
into a document with :func:`row_to_doc`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from tracker.index.base import MentionDoc
from tracker.index.embedded.sql import tag_string
from tracker.index.embedded.sqlite_lib import sqlite3

CHUNK = 500
DOC_COLUMNS = ("d.key, d.id, d.kind, d.source, d.sentiment, d.event_id, d.department, "
               "d.fetched_at, d.likes, d.comments, d.reposts, b.title, b.text, b.url, "
               "b.author, b.published_at, b.keywords, d.seq")
SELECT_DOCS = f"SELECT {DOC_COLUMNS} FROM docs d JOIN bodies b ON b.seq = d.seq "


def epoch(value: datetime | None) -> int | None:
    """Whole seconds since 1970 of an aware time, as the tables store it."""
    return None if value is None else int(value.timestamp())


def _time(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def row_to_doc(row: tuple) -> MentionDoc:
    """A document from a row of :data:`DOC_COLUMNS`."""
    (_key, doc_id, kind, source, sentiment, event_id, department, fetched_at, likes, comments,
     reposts, title, text, url, author, published_at, keywords, _seq) = row
    return MentionDoc(id=doc_id, kind=kind, source=source, title=title, text=text, url=url,
                      published_at=_time(published_at), author=author, sentiment=sentiment,
                      event_id=event_id, department=department, keywords=json.loads(keywords),
                      likes=likes, comments=comments, reposts=reposts,
                      fetched_at=_time(fetched_at))


def _columns(count: int) -> str:
    return ", ".join(f"value ->> {i}" for i in range(count))


#: Rows of a JSON array: parsed once into SQLite's binary JSON where the library has it
#: (3.45+), so each column is read without scanning the text again.
EACH = "jsonb_each(jsonb(?))" if sqlite3.sqlite_version_info >= (3, 45) else "json_each(?)"
#: One INSERT per table, each reading a JSON array of rows (see ``payloads``).
INSERTS = (
    f"INSERT INTO fts(rowid, title, body, tags) SELECT {_columns(4)} FROM {EACH}",
    f"INSERT INTO docs SELECT {_columns(12)} FROM {EACH}",
    f"INSERT INTO bodies SELECT {_columns(7)} FROM {EACH}",
    f"INSERT OR IGNORE INTO keywords SELECT {_columns(2)} FROM {EACH}",
)


def payloads(keyed: list[tuple[int, MentionDoc]], seq: int,
             fts_text: Callable[[str], str]) -> tuple[str, str, str, str]:
    """The JSON rows of ``INSERTS`` for documents with their keys; ``fts_text`` turns a
    title or text into what the FTS5 table is given (see ``EmbeddedIndex._fts_text``)."""
    def dumps(rows: list) -> str:
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))

    return (
        dumps([(k, fts_text(d.title), fts_text(d.text),
                tag_string(d.source, d.kind, d.event_id, d.department)) for k, d in keyed]),
        dumps([(k, d.id, seq + i + 1, d.kind, d.source, d.sentiment, d.event_id, d.department,
                epoch(d.fetched_at), d.likes, d.comments, d.reposts)
               for i, (k, d) in enumerate(keyed)]),
        dumps([(seq + i + 1, d.title, d.text, d.url, d.author, epoch(d.published_at),
                json.dumps(d.keywords, ensure_ascii=False)) for i, (_, d) in enumerate(keyed)]),
        dumps([(k, w) for k, d in keyed for w in d.keywords]),
    )


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """``items`` in slices of ``size``, to keep ``IN (...)`` lists short."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
