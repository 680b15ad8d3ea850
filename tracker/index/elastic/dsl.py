"""Elasticsearch index template and query DSL for the mention index.

Words are matched as phrases on the ``*.chars`` sub-fields, whose analyzer makes one token per
Chinese character and leaves a position gap at every run of spaces or punctuation, exactly
like the embedded index (see :mod:`tracker.index.text`): whatever main analyzer is configured
(``cjk`` by default, ``smartcn`` or IK when the cluster has the plugin), a term finds every
text that contains it. The main analyzer then only adds to the relevance score.
"""

from __future__ import annotations

from typing import Any

from tracker.index.base import SENTIMENT_BANDS, SearchRequest, whole_seconds
from tracker.index.text import normalize

ANALYZERS: dict[str, tuple[str, str]] = {
    # setting -> (index analyzer, search analyzer)
    "cjk": ("cjk", "cjk"),
    "smartcn": ("smartcn", "smartcn"),
    "ik": ("ik_max_word", "ik_smart"),
}
GAP_WORD = "yqsep"
TERMS_SIZE = {"sources": 20, "kinds": 10, "keywords": 20}


def _text_field(analyzer: str) -> dict[str, Any]:
    index_analyzer, search_analyzer = ANALYZERS[analyzer]
    return {"type": "text", "analyzer": index_analyzer, "search_analyzer": search_analyzer,
            "fields": {"chars": {"type": "text", "analyzer": "yq_chars"}}}


def index_template(alias: str, analyzer: str, shards: int = 1,
                   replicas: int | None = None, lifecycle: str | None = None) -> dict[str, Any]:
    """The composable index template body for ``<alias>-*`` monthly indices
    (``lifecycle``: the ILM policy to name, on Elasticsearch)."""
    index: dict[str, Any] = {"number_of_shards": shards, "refresh_interval": "1s"}
    if replicas is not None:
        index["number_of_replicas"] = replicas
    if lifecycle:
        index["lifecycle"] = {"name": lifecycle}
    analysis = {
        "char_filter": {"yq_sep": {"type": "pattern_replace", "pattern": r"[^\p{L}\p{N}]+",
                                   "replacement": f" {GAP_WORD} "}},
        "filter": {"yq_gap": {"type": "stop", "stopwords": [GAP_WORD]}},
        "analyzer": {"yq_chars": {"type": "custom", "char_filter": ["yq_sep"],
                                  "tokenizer": "standard",
                                  "filter": ["cjk_width", "lowercase", "yq_gap"]}},
    }
    keyword = {"type": "keyword"}
    mappings = {"dynamic": "strict", "properties": {
        "id": keyword, "kind": keyword, "source": keyword, "author": keyword,
        "event_id": keyword, "department": keyword, "keywords": keyword,
        "title": _text_field(analyzer), "text": _text_field(analyzer),
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "published_at": {"type": "date"}, "fetched_at": {"type": "date"},
        "indexed_at": {"type": "date"}, "sentiment": {"type": "double"},
        "likes": {"type": "integer"}, "comments": {"type": "integer"},
        "reposts": {"type": "integer"}, "order_key": {"type": "long"},
    }}
    return {"index_patterns": [f"{alias}-*"],
            "template": {"settings": {"index": index, "analysis": analysis},
                         "mappings": mappings, "aliases": {alias: {}}}}


def word_clause(word: str) -> dict[str, Any]:
    """Match ``word`` as a phrase in the title or the text."""
    # Fold widths here too: osmem does not fold full-width digits in phrase queries.
    word = normalize(word)
    return {"bool": {"should": [{"match_phrase": {"title.chars": word}},
                                {"match_phrase": {"text.chars": word}}],
                     "minimum_should_match": 1}}


def _any(words: tuple[str, ...]) -> dict[str, Any]:
    return {"bool": {"should": [word_clause(w) for w in words], "minimum_should_match": 1}}


def _iso(value) -> str:
    return whole_seconds(value).isoformat()


def _filters(request: SearchRequest) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    q = request.query
    for field, values in (("source", q.sources if q else ()), ("kind", q.kinds if q else ()),
                          ("source", request.sources), ("kind", request.kinds),
                          ("event_id", request.event_ids), ("department", request.departments)):
        if values:
            out.append({"terms": {field: list(values)}})
    span: dict[str, str] = {}
    if request.published_from is not None:
        span["gte"] = _iso(request.published_from)
    if request.published_to is not None:
        span["lt"] = _iso(request.published_to)
    if span:
        out.append({"range": {"published_at": span}})
    sentiment: dict[str, float] = {}
    if request.sentiment_min is not None:
        sentiment["gte"] = request.sentiment_min
    if request.sentiment_max is not None:
        sentiment["lt"] = request.sentiment_max
    if sentiment:
        out.append({"range": {"sentiment": sentiment}})
    return out


def compile_query(request: SearchRequest) -> dict[str, Any]:
    """The ``query`` of a search request."""
    q = request.query
    must: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if q is not None:
        must += [word_clause(w) for w in q.all_words]
        must += [_any(g) for g in q.any_groups]
        if q.region_words:
            must.append(_any(q.region_words))
        must_not += [word_clause(w) for w in q.none_words]
        if positive := q.positive_terms():
            should.append({"multi_match": {"query": " ".join(positive),
                                           "fields": ["title^3", "text"]}})
    body: dict[str, Any] = {"filter": _filters(request)}
    for name, clauses in (("must", must), ("must_not", must_not), ("should", should)):
        if clauses:
            body[name] = clauses
    return {"bool": body}


def compile_sort(request: SearchRequest) -> list[dict[str, str]]:
    """Newest first, or by score with the same tie-breaker."""
    ranked = request.sort == "relevance" and request.query and request.query.positive_terms()
    by_key = {"order_key": "desc"}
    return [{"_score": "desc"}, by_key] if ranked else [by_key]


def compile_aggs(request: SearchRequest) -> dict[str, Any]:
    """The aggregations asked for."""
    aggs: dict[str, Any] = {}
    if "histogram" in request.aggs:
        aggs["histogram"] = {"date_histogram": {
            "field": "published_at", "calendar_interval": request.interval,
            "time_zone": request.timezone, "min_doc_count": 1}}
    for name, field in (("sources", "source"), ("kinds", "kind"), ("keywords", "keywords")):
        if name in request.aggs:
            aggs[name] = {"terms": {"field": field, "size": TERMS_SIZE[name],
                                    "order": [{"_count": "desc"}, {"_key": "asc"}]}}
    if "sentiment" in request.aggs:
        ranges = []
        for name, low, high in SENTIMENT_BANDS:
            bounds: dict[str, Any] = {"key": name, "from": low}
            if high is not None:
                bounds["to"] = high
            ranges.append(bounds)
        aggs["sentiment"] = {"range": {"field": "sentiment", "ranges": ranges}}
        aggs["sentiment_unknown"] = {"missing": {"field": "sentiment"}}
    return aggs
