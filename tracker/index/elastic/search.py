"""Searching Elasticsearch: one request for hits, total and aggregations."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tracker.index.base import (
    BAND_NAMES,
    Aggregations,
    Bucket,
    Hit,
    MentionDoc,
    SearchRequest,
    SearchResult,
)
from tracker.index.elastic.dsl import compile_aggs, compile_query, compile_sort
from tracker.index.text import highlight_all, snippet

if TYPE_CHECKING:
    from tracker.index.elastic.adapter import ElasticIndex

_DOC_FIELDS = ("id", "kind", "source", "title", "text", "url", "author", "sentiment",
               "event_id", "department", "keywords", "likes", "comments", "reposts")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def hit_doc(source: dict[str, Any]) -> MentionDoc:
    """A document from a ``_source``."""
    values = {name: source.get(name) for name in _DOC_FIELDS}
    values["keywords"] = list(values["keywords"] or [])
    values["url"] = values["url"] or ""
    for name in ("likes", "comments", "reposts"):
        values[name] = values[name] or 0
    return MentionDoc(**values, published_at=_time(source.get("published_at")),
                      fetched_at=_time(source.get("fetched_at")))


def _terms(agg: dict[str, Any] | None) -> list[Bucket]:
    return [Bucket(b["key"], b["doc_count"]) for b in (agg or {}).get("buckets", [])]


def _aggregations(raw: dict[str, Any], request: SearchRequest) -> Aggregations:
    aggs = Aggregations(sources=_terms(raw.get("sources")), kinds=_terms(raw.get("kinds")),
                        keywords=_terms(raw.get("keywords")))
    tz = ZoneInfo(request.timezone)
    aggs.histogram = [Bucket(datetime.fromtimestamp(b["key"] / 1000, tz), b["doc_count"])
                      for b in raw.get("histogram", {}).get("buckets", []) if b["doc_count"]]
    if "sentiment" in raw:
        counts = {b["key"]: b["doc_count"] for b in raw["sentiment"]["buckets"]}
        counts["unknown"] = raw["sentiment_unknown"]["doc_count"]
        aggs.sentiment = [Bucket(name, counts.get(name, 0)) for name in BAND_NAMES]
    return aggs


def run_search(index: ElasticIndex, request: SearchRequest, started: float) -> SearchResult:
    """Hits with highlights (made in Python, like the embedded index), total, aggregations."""
    body: dict[str, Any] = {
        "query": compile_query(request), "sort": compile_sort(request),
        "from": request.offset, "size": request.size, "track_total_hits": True,
    }
    if aggs := compile_aggs(request):
        body["aggs"] = aggs
    resp = index.call(index.client.search, index=index.alias, **body)
    terms = request.text_terms
    hits = []
    for raw in resp["hits"]["hits"]:
        doc = hit_doc(raw["_source"])
        hits.append(Hit(doc, raw.get("_score"), highlight_all(doc.title, terms),
                        snippet(doc.text, terms)))
    total = int(resp["hits"]["total"]["value"])
    return SearchResult(total, hits, _aggregations(resp.get("aggregations", {}), request),
                        (time.perf_counter() - started) * 1000)
