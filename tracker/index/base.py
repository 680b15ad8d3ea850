"""The mention index interface shared by the embedded (SQLite FTS5) and Elasticsearch adapters.

A document is a :class:`MentionDoc` built from a ``Mention`` row (SQL stays the system of
record). Both adapters follow the same rules, checked by one contract test suite:

* ``upsert`` replaces whole documents, idempotent by ``id``; ``update`` changes only the
  analysis fields (sentiment, event, department, keywords, counters) of existing documents.
* A term matches wherever its characters occur in sequence in the title or text: Chinese
  characters one by one (so 物业 is found inside 物业费), Latin letters and digits as whole
  words; case, full-width forms and the punctuation between characters are ignored.
* Results sort newest first by ``order_key`` (publication second, ties by a hash of the id),
  or by relevance with the same key as tie-breaker. Time ranges are ``[from, to)`` on the
  publication time, whole seconds; sentiment ranges are ``[min, max)``.
* Histogram buckets are local (``timezone``) calendar hours/days/weeks (Monday)/months with at
  least one document, in ascending order; terms facets sort by count, then key.
"""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.index.query import Query

#: Sentiment bands: [0, 0.4) negative, [0.4, 0.6) neutral, [0.6, 1] positive.
SENTIMENT_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("negative", 0.0, 0.4), ("neutral", 0.4, 0.6), ("positive", 0.6, None),
)
BAND_NAMES = ("negative", "neutral", "positive", "unknown")
AGGREGATIONS = frozenset({"histogram", "sources", "kinds", "sentiment", "keywords"})
INTERVALS = ("hour", "day", "week", "month")
#: Deepest result reachable by paging (Elasticsearch's default max_result_window).
MAX_RESULT_WINDOW = 10_000
MAX_TITLE_CHARS = 1_000
MAX_TEXT_CHARS = 200_000
#: Fields that :meth:`MentionIndex.update` may change.
UPDATABLE_FIELDS = frozenset({"sentiment", "event_id", "department", "keywords",
                              "likes", "comments", "reposts"})
_HASH_BITS = 24


class SearchIndexError(RuntimeError):
    """Something went wrong in the mention index; the message is one line."""


class IndexUnavailable(SearchIndexError):
    """The search server cannot be reached or answered too slowly; retry later."""


class IndexOutdated(SearchIndexError):
    """The index was built with another layout; it must be rebuilt from SQL."""


class QuerySyntaxError(ValueError):
    """A search query or watch rule is malformed; the message says where and why."""


@dataclass
class MentionDoc:
    """One searchable mention: the projection of a ``Mention`` row into the index."""

    id: str
    kind: str
    source: str
    title: str
    text: str
    url: str = ""
    published_at: datetime | None = None
    author: str | None = None
    sentiment: float | None = None
    event_id: str | None = None
    department: str | None = None
    keywords: list[str] = field(default_factory=list)
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    fetched_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (times as ISO 8601 strings in UTC)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("published_at", "fetched_at"):
            value = out[name]
            out[name] = value.astimezone(UTC).isoformat() if value else None
        out["keywords"] = list(self.keywords)
        return out


def whole_seconds(value: datetime | None) -> datetime | None:
    """``value`` in UTC without its fraction of a second (the index's time resolution)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}; localise it first")
    return value.astimezone(UTC).replace(microsecond=0)


def order_key(published_at: datetime | None, doc_id: str) -> int:
    """The sort key of a document: publication second, then a 24-bit hash of its id.

    Documents without a publication time get the smallest keys (they sort last).
    """
    low = zlib.crc32(doc_id.encode("utf-8")) & ((1 << _HASH_BITS) - 1)
    if published_at is None:
        return low
    seconds = max(int(published_at.timestamp()), 0) + 1
    return (seconds << _HASH_BITS) | low


def key_bound(moment: datetime | None, *, upper: bool) -> int | None:
    """The order-key bound of a time limit: ``[from, to)`` in whole seconds."""
    if moment is None:
        return None
    seconds = max(int(whole_seconds(moment).timestamp()), 0) + 1
    return (seconds << _HASH_BITS) - 1 if upper else seconds << _HASH_BITS


def key_seconds(key: int) -> int | None:
    """The publication time (epoch seconds) encoded in an order key, or None."""
    seconds = (key >> _HASH_BITS) - 1
    return seconds if seconds >= 0 else None


@dataclass(frozen=True)
class ItemError:
    """Why one document was not written."""

    id: str
    reason: str
    status: int | None = None


@dataclass
class BulkResult:
    """What a bulk write did: ids written, per-document errors, retries made."""

    written: list[str] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    retries: int = 0

    @property
    def ok(self) -> bool:
        """True when every document was written."""
        return not self.errors


@dataclass(frozen=True)
class SearchRequest:
    """A search: the parsed query plus filters, order, page and aggregations."""

    query: Query | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sentiment_min: float | None = None
    sentiment_max: float | None = None
    event_ids: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    sort: str = "time"
    offset: int = 0
    size: int = 20
    aggs: frozenset[str] = frozenset()
    interval: str = "day"
    timezone: str = "Asia/Shanghai"

    def checked(self) -> SearchRequest:
        """This request with times in whole UTC seconds; raises ValueError when invalid."""
        if self.sort not in ("time", "relevance"):
            raise ValueError(f"sort must be time or relevance, not {self.sort!r}")
        if self.interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
        if unknown := set(self.aggs) - AGGREGATIONS:
            raise ValueError(f"unknown aggregations: {', '.join(sorted(unknown))}")
        if self.offset < 0 or self.size < 0 or self.offset + self.size > MAX_RESULT_WINDOW:
            raise ValueError(f"page out of range (offset + size must stay <= {MAX_RESULT_WINDOW})")
        return replace(self, published_from=whole_seconds(self.published_from),
                       published_to=whole_seconds(self.published_to))

    @property
    def text_terms(self) -> list[str]:
        """The positive words of the query (what highlighting marks)."""
        return self.query.positive_terms() if self.query else []


Parts = tuple[tuple[str, bool], ...]


@dataclass
class Hit:
    """One result: the document, its score, and highlighted title and snippet.

    ``title_parts``/``snippet_parts`` are (text, is_match) pieces of untrusted plain text:
    renderers escape every piece and wrap the matches (e.g. in ``<mark>``).
    """

    doc: MentionDoc
    score: float | None = None
    title_parts: Parts = ()
    snippet_parts: Parts = ()


@dataclass(frozen=True)
class Bucket:
    """One aggregation bucket: a key (string, or local datetime for histograms) and a count."""

    key: Any
    count: int


@dataclass
class Aggregations:
    """The aggregations a search asked for (empty lists for the others)."""

    histogram: list[Bucket] = field(default_factory=list)
    sources: list[Bucket] = field(default_factory=list)
    kinds: list[Bucket] = field(default_factory=list)
    sentiment: list[Bucket] = field(default_factory=list)
    keywords: list[Bucket] = field(default_factory=list)


@dataclass
class SearchResult:
    """Total matches, the requested page of hits, aggregations and time taken."""

    total: int
    hits: list[Hit]
    aggs: Aggregations = field(default_factory=Aggregations)
    took_ms: float = 0.0


@dataclass
class ChangesPage:
    """Documents (re)written by ``upsert`` after a cursor, and the cursor after them."""

    docs: list[MentionDoc]
    cursor: str | None


def check_doc(doc: MentionDoc) -> MentionDoc:
    """Validate one document and return it normalised; raise ValueError with the reason.

    Runs on every document of a bulk load, so a valid document is returned as it is, not
    copied: adapters store whole seconds themselves (embedded: ``int(timestamp())``,
    Elasticsearch: ``_iso``).
    """
    if not isinstance(doc.id, str) or not doc.id or len(doc.id) > 128:
        raise ValueError("id must be a non-empty string of at most 128 characters")
    for name in ("kind", "source", "title", "text"):
        if not isinstance(getattr(doc, name), str):
            raise ValueError(f"{name} must be a string")
    if not doc.kind or not doc.source:
        raise ValueError("kind and source are required")
    if len(doc.title) > MAX_TITLE_CHARS or len(doc.text) > MAX_TEXT_CHARS:
        raise ValueError(f"document too large (title <= {MAX_TITLE_CHARS}, "
                         f"text <= {MAX_TEXT_CHARS} characters)")
    check_fields(doc.__dict__)
    for moment in (doc.published_at, doc.fetched_at):
        if moment is not None and moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r}; localise it first")
    if doc.url and type(doc.keywords) is list:
        return doc
    return replace(doc, url=doc.url or "", keywords=list(doc.keywords))


def check_fields(values: Mapping[str, Any]) -> None:
    """Check the types of the updatable fields present in ``values``."""
    sentiment = values.get("sentiment")
    if sentiment is not None and (isinstance(sentiment, bool) or
                                  not isinstance(sentiment, int | float) or
                                  not 0.0 <= sentiment <= 1.0):
        raise ValueError("sentiment must be a number in [0, 1] or None")
    for name in ("likes", "comments", "reposts"):
        if name in values and (not isinstance(values[name], int) or values[name] < 0):
            raise ValueError(f"{name} must be a non-negative integer")
    for name in ("event_id", "department"):
        if values.get(name) is not None and not isinstance(values[name], str):
            raise ValueError(f"{name} must be a string or None")
    keywords = values.get("keywords", [])
    if not isinstance(keywords, list | tuple) or not all(isinstance(k, str) for k in keywords):
        raise ValueError("keywords must be a list of strings")


def check_update(doc_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a partial update; raise ValueError naming the bad field."""
    if unknown := set(values) - UPDATABLE_FIELDS:
        raise ValueError(f"fields cannot be updated: {', '.join(sorted(unknown))}")
    check_fields(values)
    out = dict(values)
    if "keywords" in out:
        out["keywords"] = list(out["keywords"])
    return out


def sentiment_band(value: float | None) -> str:
    """The band name of a sentiment score (``unknown`` when not analysed yet)."""
    if value is None:
        return "unknown"
    for name, low, high in SENTIMENT_BANDS:
        if value >= low and (high is None or value < high):
            return name
    return "negative"


def split_valid(docs: Iterable[MentionDoc]) -> tuple[list[MentionDoc], list[ItemError]]:
    """Validate documents; the last version of a repeated id wins."""
    valid: dict[str, MentionDoc] = {}
    errors: list[ItemError] = []
    for doc in docs:
        try:
            checked = check_doc(doc)
        except ValueError as exc:
            errors.append(ItemError(str(getattr(doc, "id", "")), str(exc), 400))
            continue
        valid.pop(checked.id, None)
        valid[checked.id] = checked
    return list(valid.values()), errors


class IndexLifecycle(ABC):
    """What every index (mentions, passages) offers beside its own reads and writes."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    def refresh(self) -> None:
        """Make every write visible to search (a no-op where writes are visible at once)."""
        return None

    def ping(self) -> bool:
        """True when the index answers."""
        try:
            self.count()
        except IndexUnavailable:
            return False
        return True

    def close(self) -> None:
        """Release connections."""
        return None


class MentionIndex(IndexLifecycle):
    """What every mention index offers; see the module docstring for the shared rules."""

    backend: str = "abstract"

    @abstractmethod
    def ensure(self) -> None:
        """Create the index (tables, template, alias) when missing; safe to repeat."""

    @abstractmethod
    def upsert(self, docs: Iterable[MentionDoc]) -> BulkResult:
        """Write whole documents, replacing any with the same id; errors per document."""

    @abstractmethod
    def update(self, changes: Mapping[str, Mapping[str, Any]]) -> BulkResult:
        """Change some :data:`UPDATABLE_FIELDS` of existing documents ({id: {field: value}})."""

    @abstractmethod
    def get(self, doc_id: str) -> MentionDoc | None:
        """The document with ``doc_id``, or None."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; return how many existed."""

    @abstractmethod
    def delete_older_than(self, cutoff: datetime) -> int:
        """Retention: remove documents fetched before ``cutoff``; return how many."""

    @abstractmethod
    def changes_since(self, cursor: str | None, limit: int = 500) -> ChangesPage:
        """Documents upserted after ``cursor`` (None: from the start), oldest first."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search with filters, order, paging, highlights and aggregations."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abstractmethod
    def drop(self) -> None:
        """Delete the whole index (it is rebuilt from SQL by a reindex)."""
