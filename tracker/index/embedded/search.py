"""Searching the embedded index: hits, totals, histogram and facets from compiled SQL."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.index.base import (
    BAND_NAMES,
    Aggregations,
    Bucket,
    Hit,
    SearchRequest,
    SearchResult,
)
from tracker.index.embedded.sql import BAND_SQL, BM25_WEIGHTS, HOUR_SQL, Compiled, compile_request
from tracker.index.embedded.sqlite_lib import sqlite3
from tracker.index.text import highlight_all, snippet

if TYPE_CHECKING:
    from tracker.index.embedded.adapter import EmbeddedIndex

TERMS_SIZE = {"sources": 20, "kinds": 10, "keywords": 20}


def bucket_start(moment: datetime, interval: str, tz: ZoneInfo) -> datetime:
    """The local start of the calendar bucket holding ``moment``."""
    local = moment.astimezone(tz)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "week":
        day = day - timedelta(days=day.weekday())
    elif interval == "month":
        day = day.replace(day=1)
    return day


def _histogram(db: sqlite3.Connection, c: Compiled, request: SearchRequest,
               ) -> tuple[int, list[Bucket]]:
    """Total matches and the calendar histogram, in one pass over the matching keys."""
    hour = HOUR_SQL.format(key=c.key)
    frm, params = c.clause(join_docs=c.needs_docs)
    total = 0
    counts: Counter[datetime] = Counter()
    tz = ZoneInfo(request.timezone)
    for h, n in db.execute(f"SELECT {hour} AS h, count(*) {frm} GROUP BY h", params):
        total += n
        if h > 0:
            start = datetime.fromtimestamp((h - 1) * 3600, UTC)
            counts[bucket_start(start, request.interval, tz)] += n
    return total, [Bucket(k, counts[k]) for k in sorted(counts)]


def _facets(db: sqlite3.Connection, c: Compiled, aggs: Aggregations,
            wanted: frozenset[str]) -> None:
    frm, params = c.clause(join_docs=True)
    sources: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    sql = f"SELECT d.source, d.kind, {BAND_SQL} AS band, count(*) {frm} GROUP BY 1, 2, 3"
    for source, kind, band, n in db.execute(sql, params):
        sources[source] += n
        kinds[kind] += n
        bands[band] += n
    if "sources" in wanted:
        aggs.sources = _top(sources, TERMS_SIZE["sources"])
    if "kinds" in wanted:
        aggs.kinds = _top(kinds, TERMS_SIZE["kinds"])
    if "sentiment" in wanted:
        aggs.sentiment = [Bucket(name, bands[name]) for name in BAND_NAMES]


def _top(counter: Counter[str], size: int) -> list[Bucket]:
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Bucket(k, n) for k, n in ordered[:size]]


def _keywords(db: sqlite3.Connection, c: Compiled) -> list[Bucket]:
    frm, params = c.clause(join_docs=c.needs_docs,
                           extra_join=f"JOIN keywords AS kw ON kw.key = {c.key}")
    sql = f"SELECT kw.keyword, count(*) AS n {frm} GROUP BY kw.keyword " \
          f"ORDER BY n DESC, kw.keyword LIMIT {TERMS_SIZE['keywords']}"
    return [Bucket(k, n) for k, n in db.execute(sql, params)]


def _page(db: sqlite3.Connection, c: Compiled, request: SearchRequest,
          ) -> list[tuple[int, float | None]]:
    frm, params = c.clause(join_docs=c.needs_docs)
    if c.ranked:
        sql = f"SELECT {c.key}, -bm25(fts, {BM25_WEIGHTS}) AS score {frm} " \
              f"ORDER BY bm25(fts, {BM25_WEIGHTS}), {c.key} DESC LIMIT ? OFFSET ?"
    else:
        sql = f"SELECT {c.key}, NULL {frm} ORDER BY {c.key} DESC LIMIT ? OFFSET ?"
    return db.execute(sql, params + [request.size, request.offset]).fetchall()


def run_search(index: EmbeddedIndex, db: sqlite3.Connection,
               request: SearchRequest) -> SearchResult:
    """Hits with highlights, the exact total and the requested aggregations."""
    started = time.perf_counter()
    c = compile_request(request)
    aggs = Aggregations()
    if "histogram" in request.aggs:
        total, aggs.histogram = _histogram(db, c, request)
    else:
        frm, params = c.clause(join_docs=c.needs_docs)
        total = db.execute(f"SELECT count(*) {frm}", params).fetchone()[0]
    if total and request.aggs & {"sources", "kinds", "sentiment"}:
        _facets(db, c, aggs, request.aggs)
    elif "sentiment" in request.aggs:
        aggs.sentiment = [Bucket(name, 0) for name in BAND_NAMES]
    if total and "keywords" in request.aggs:
        aggs.keywords = _keywords(db, c)
    page = _page(db, c, request) if total and request.size else []
    docs = index.load([k for k, _ in page])
    terms = request.text_terms
    hits = [Hit(docs[k], score, highlight_all(docs[k].title, terms), snippet(docs[k].text, terms))
            for k, score in page if k in docs]
    return SearchResult(total, hits, aggs, (time.perf_counter() - started) * 1000)
