"""The embedded (SQLite FTS5) adapter of the mention index, in ``<data dir>/index.db``.

``adapter`` (the index: connections, writes, reads), ``rows`` (a document as table rows and
back), ``sql`` (a search request compiled to SQL), ``search`` (running it),
``sqlite_lib`` (the SQLite library and the C tokenizer). Import from here.
"""

from tracker.index.embedded.adapter import TOKENIZER_VERSION, EmbeddedIndex
from tracker.index.embedded.sqlite_lib import NATIVE_ENV, TOKENIZER, load_tokenizer, sqlite3

__all__ = [
    "NATIVE_ENV", "TOKENIZER", "TOKENIZER_VERSION", "EmbeddedIndex", "load_tokenizer",
    "sqlite3",
]
