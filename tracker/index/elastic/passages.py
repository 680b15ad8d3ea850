"""The Elasticsearch passage index: one index ``<prefix>-<collection>`` per collection.

The analysed fields (see :mod:`tracker.index.passages`) are ``text`` fields with the
``whitespace`` analyzer, so the cluster indexes exactly the tokens the embedded index does;
a search is a ``bool`` of ``match`` queries (OR of the tokens), one per field, boosted by the
field's weight. The document itself is kept in ``_source`` (``doc``, not indexed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from tracker.index.base import BulkResult, SearchIndexError
from tracker.index.elastic.adapter import ElasticIndex
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


def mapping() -> dict[str, Any]:
    """Settings and mappings of a passage index."""
    keyword = {"type": "keyword"}
    props: dict[str, Any] = {name: {"type": "text", "analyzer": "whitespace"} for name in FIELDS}
    props.update({"id": keyword, "department": keyword, "category": keyword,
                  "date": {"type": "date", "format": "yyyy-MM-dd"},
                  "doc": {"type": "object", "enabled": False}})
    return {"mappings": {"dynamic": "strict", "properties": props}}


def search_query(query: str, scoring: Scoring,
                 filters: PassageFilter | None) -> dict[str, Any] | None:
    """The query DSL of a question, or None when it has nothing searchable."""
    toks = query_tokens(query, scoring)
    should = []
    for name, weight in scoring.weights().items():
        values = toks.for_field(name)
        if weight > 0 and values:
            should.append({"match": {name: {"query": " ".join(values), "boost": weight}}})
    if not should:
        return None
    out: dict[str, Any] = {"should": should, "minimum_should_match": 1}
    if filt := _filters(filters):
        out["filter"] = filt
    return {"bool": out}


def _filters(filters: PassageFilter | None) -> list[dict[str, Any]]:
    if filters is None:
        return []
    out: list[dict[str, Any]] = []
    if filters.departments:
        out.append({"terms": {"department": list(filters.departments)}})
    if filters.categories:
        out.append({"terms": {"category": list(filters.categories)}})
    span = {}
    if filters.date_from:
        span["gte"] = filters.date_from.isoformat()
    if filters.date_to:
        span["lte"] = filters.date_to.isoformat()
    if span:
        out.append({"range": {"date": span}})
    return out


class ElasticPassageIndex(PassageIndex):
    """Passage index of one collection on an Elasticsearch (or API-compatible) cluster."""

    backend = "elasticsearch"

    def __init__(self, url: str | None = None, collection: str = "policy", *,
                 prefix: str = "yuqing-passages", refresh: str | bool = "wait_for",
                 request_timeout: float = 10.0, max_retries: int = 2,
                 client: Elasticsearch | None = None) -> None:
        self.collection = check_collection(collection)
        # The mention index's client handling: timeouts, retries, one-line errors.
        self._es = ElasticIndex(url, alias=f"{prefix}-{collection}", refresh=refresh,
                                request_timeout=request_timeout, max_retries=max_retries,
                                client=client)
        self.name = f"{prefix}-{collection}"
        self._ensured = False

    def _call(self, fn, *args: Any, **kwargs: Any) -> Any:
        return self._es.call(fn, *args, **kwargs)

    def ensure(self) -> None:
        """Create the index with its mapping when missing."""
        if self._ensured:
            return
        client = self._es.client
        if not self._call(client.indices.exists, index=self.name):
            try:
                self._call(client.indices.create, index=self.name, **mapping())
            except SearchIndexError as exc:
                if "resource_already_exists" not in str(exc):
                    raise
        self._ensured = True

    def upsert(self, docs: Iterable[PassageDoc]) -> BulkResult:
        """Index whole documents by id; invalid ones are reported, not written."""
        valid, errors = split_passages(docs, self.collection)
        result = BulkResult(errors=errors)
        if not valid:
            return result
        self.ensure()
        actions = [{"_op_type": "index", "_index": self.name, "_id": d.id,
                    "_source": self._body(d)} for d in valid]
        self._es._bulk(actions, result)
        return result

    @staticmethod
    def _body(doc: PassageDoc) -> dict[str, Any]:
        body: dict[str, Any] = analysed(doc)
        body.update({"id": doc.id, "department": doc.department, "category": doc.category,
                     "date": doc.date.isoformat() if doc.date else None,
                     "doc": doc.to_dict()})
        return body

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        wanted = list(dict.fromkeys(ids))
        present = [d for d in wanted if self.get(d) is not None]
        if present:
            actions = [{"_op_type": "delete", "_index": self.name, "_id": d} for d in present]
            self._es._bulk(actions, BulkResult())
        return len(present)

    def get(self, doc_id: str) -> PassageDoc | None:
        """The document with ``doc_id``, or None."""
        try:
            resp = self._call(self._es.client.search, index=self.name, size=1,
                              query={"ids": {"values": [doc_id]}})
        except NotFoundError:
            return None
        hits = resp["hits"]["hits"]
        return PassageDoc.from_dict(hits[0]["_source"]["doc"]) if hits else None

    def search(self, query: str, top: int = 10, filters: PassageFilter | None = None,
               scoring: Scoring = DEFAULT_SCORING) -> list[PassageHit]:
        """BM25 per field, boosted by the field weights, summed."""
        dsl = search_query(query, scoring, filters)
        if dsl is None or top <= 0:
            return []
        try:
            resp = self._call(self._es.client.search, index=self.name, size=int(top),
                              query=dsl, sort=[{"_score": "desc"}, {"id": "asc"}],
                              source_includes=["doc"])
        except NotFoundError:
            return []
        return [PassageHit(PassageDoc.from_dict(h["_source"]["doc"]),
                           round(float(h["_score"] or 0.0), 6))
                for h in resp["hits"]["hits"]]

    def count(self) -> int:
        """How many documents the index holds."""
        try:
            return int(self._call(self._es.client.count, index=self.name)["count"])
        except NotFoundError:
            return 0

    def refresh(self) -> None:
        """Make every write searchable now."""
        try:
            self._call(self._es.client.indices.refresh, index=self.name)
        except NotFoundError:
            pass

    def drop(self) -> None:
        """Delete the index."""
        try:
            self._call(self._es.client.indices.delete, index=self.name)
        except NotFoundError:
            pass
        self._ensured = False

    def close(self) -> None:
        """Close the client's connections."""
        self._es.close()
