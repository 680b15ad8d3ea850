"""The Elasticsearch mention index: monthly indices ``<alias>-YYYY.MM`` behind one alias.

A document lives in the index of the month it was fetched (a field that never changes), so
retention drops whole old indices. Writes go through ``helpers.streaming_bulk`` (429s retried
with backoff, every other failure reported per document) with ``refresh="wait_for"`` by
default, so a synced mention is searchable when the sync returns (near-real-time alerts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from tracker.index.base import (
    BulkResult,
    ChangesPage,
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
from tracker.index.elastic.client import make_client
from tracker.index.elastic.cluster import (
    WRITE_SUFFIX,
    ClusterSettings,
    ilm_policy,
    ism_policy,
    month_index,
    unsupported,
)
from tracker.index.elastic.dsl import ANALYZERS, index_template
from tracker.index.elastic.search import hit_doc, run_search

_LOOKUP_CHUNK = 1000


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        cause = error.get("caused_by") or {}
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        if cause.get("reason") and cause.get("reason") not in text:
            text += f" ({cause['reason'].splitlines()[0]})"
        return text.splitlines()[0]
    return str(error).splitlines()[0]


def _unavailable(exc: Exception) -> SearchIndexError:
    if isinstance(exc, ApiError) and exc.meta.status not in (429, 502, 503, 504):
        body = exc.body.get("error", exc.body) if isinstance(exc.body, dict) else exc.body
        return SearchIndexError(f"search server error {exc.meta.status}: {_reason(body)}")
    return IndexUnavailable(f"search server unavailable: {type(exc).__name__}: "
                            f"{str(exc).splitlines()[0][:200]}")


class ElasticIndex(MentionIndex):
    """Mention index on an Elasticsearch (or API-compatible) cluster."""

    backend = "elasticsearch"

    def __init__(self, url: str | None = None, *, alias: str = "yuqing-mentions",
                 analyzer: str = "cjk", timezone: str = "Asia/Shanghai",
                 refresh: str | bool = "wait_for", request_timeout: float = 10.0,
                 max_retries: int = 2, replicas: int | None = None,
                 client: Elasticsearch | None = None,
                 cluster: ClusterSettings | None = None) -> None:
        if analyzer not in ANALYZERS:
            raise SearchIndexError(f"unknown analyzer {analyzer!r} "
                                   f"(use {', '.join(ANALYZERS)})")
        self.client = client or make_client(url, request_timeout=request_timeout,
                                            max_retries=max_retries)
        self.alias = alias
        self.analyzer = analyzer
        self.timezone = timezone
        self.refresh_policy = refresh
        self.cluster = cluster or ClusterSettings(replicas=replicas)
        if cluster is not None and replicas is not None:
            self.cluster = ClusterSettings(cluster.shards, replicas, cluster.lifecycle,
                                           cluster.delete_after_days)
        self.replicas = self.cluster.replicas
        self.write_alias = alias + WRITE_SUFFIX
        #: The lifecycle engine in use after :meth:`ensure`: "ilm", "ism" or "none".
        self.lifecycle: str | None = None
        self._month: str | None = None
        self._ensured = False

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the client; connection trouble becomes :class:`IndexUnavailable`."""
        try:
            return fn(*args, **kwargs)
        except (TransportError, ApiError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            raise _unavailable(exc) from None

    def index_name(self, doc: MentionDoc) -> str:
        """The monthly index of a document: the month (UTC) it was fetched."""
        moment = doc.fetched_at or doc.published_at or datetime(1970, 1, 1, tzinfo=UTC)
        return f"{self.alias}-{moment.astimezone(UTC):%Y.%m}"

    def ensure(self) -> None:
        """Install the lifecycle policy and the index template; create the current month's
        index behind the read alias and point the write alias at it."""
        if self._ensured:
            return
        self.lifecycle = self._install_lifecycle()
        body = index_template(self.alias, self.analyzer, shards=self.cluster.shards,
                              replicas=self.replicas,
                              lifecycle=self.alias if self.lifecycle == "ilm" else None)
        self.call(self.client.indices.put_index_template, name=self.alias, **body)
        self._month = None
        self.roll_over()
        self._ensured = True

    def _install_lifecycle(self) -> str:
        """Put the ILM or ISM policy where the server supports it; which one, or "none"."""
        wanted = self.cluster.lifecycle
        days = self.cluster.delete_after_days
        attempts = {"ilm": lambda: self.client.ilm.put_lifecycle(
                        name=self.alias, **ilm_policy(days)),
                    "ism": lambda: self.client.perform_request(
                        "PUT", f"/_plugins/_ism/policies/{self.alias}",
                        headers={"accept": "application/json",
                                 "content-type": "application/json"},
                        body=ism_policy(self.alias, days))}
        for engine in (("ilm", "ism") if wanted == "auto" else (wanted,)):
            if engine == "none":
                break
            try:
                attempts[engine]()
                return engine
            except ApiError as exc:
                if "version_conflict" in str(exc.body):  # ISM: the policy exists already
                    return engine
                if wanted == "auto" and unsupported(exc.meta.status, exc.body):
                    continue
                raise _unavailable(exc) from None
            except TransportError as exc:
                raise _unavailable(exc) from None
        return "none"

    def roll_over(self, now: datetime | None = None) -> str:
        """Monthly rollover: create ``<alias>-YYYY.MM`` for ``now`` (UTC) if missing and move
        the write alias to it in one atomic ``_aliases`` call. Returns the write index."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        name = month_index(self.alias, now.year, now.month)
        if name == self._month:
            return name
        try:  # a retried create may find the index made by its first attempt
            self.client.indices.create(index=name)
        except ApiError as exc:
            if "resource_already_exists" not in str(exc.body):
                raise _unavailable(exc) from None
        except TransportError as exc:
            raise _unavailable(exc) from None
        try:
            current = list(self.call(self.client.indices.get_alias, name=self.write_alias))
        except NotFoundError:
            current = []
        actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": self.write_alias}}
                                         for old in current if old != name]
        actions.append({"add": {"index": name, "alias": self.write_alias,
                                "is_write_index": True}})
        self.call(self.client.indices.update_aliases, actions=actions)
        self._month = name
        return name

    def describe(self) -> dict[str, Any]:
        """The cluster layout as the server reports it (nothing is created): monthly indices
        with their shards and replicas, the write index and the lifecycle policy in use."""
        try:
            settings = self.call(self.client.indices.get_settings, index=self.alias)
        except NotFoundError:
            settings = {}
        indices = {name: {"shards": int(body["settings"]["index"]["number_of_shards"]),
                          "replicas": int(body["settings"]["index"]["number_of_replicas"])}
                   for name, body in sorted(settings.items())}
        try:
            write = list(self.call(self.client.indices.get_alias, name=self.write_alias))
        except NotFoundError:
            write = []
        return {"alias": self.alias, "write_alias": self.write_alias,
                "write_index": write[0] if len(write) == 1 else (write or None),
                "indices": indices, "lifecycle": self.lifecycle or self._find_lifecycle()}

    def _find_lifecycle(self) -> str:
        """Which lifecycle policy named after the alias the server holds: ilm, ism or none."""
        probes = (("ilm", lambda: self.client.ilm.get_lifecycle(name=self.alias)),
                  ("ism", lambda: self.client.perform_request(
                      "GET", f"/_plugins/_ism/policies/{self.alias}",
                      headers={"accept": "application/json"})))
        for engine, probe in probes:
            try:
                probe()
                return engine
            except ApiError:
                continue
            except TransportError as exc:
                raise _unavailable(exc) from None
        return "none"

    def _locate(self, ids: list[str]) -> dict[str, str]:
        """Which concrete index holds each of ``ids``."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            part = ids[start:start + _LOOKUP_CHUNK]
            try:
                resp = self.call(self.client.search, index=self.alias, size=len(part),
                                  query={"ids": {"values": part}}, source=False)
            except NotFoundError:
                return found
            found.update({h["_id"]: h["_index"] for h in resp["hits"]["hits"]})
        return found

    def _body(self, doc: MentionDoc, now: str) -> dict[str, Any]:
        body = doc.to_dict()
        body["published_at"] = _iso(doc.published_at)
        body["fetched_at"] = _iso(doc.fetched_at)
        body["order_key"] = order_key(doc.published_at, doc.id)
        body["indexed_at"] = now
        return body

    def _bulk(self, actions: list[dict[str, Any]], result: BulkResult) -> None:
        stream = helpers.streaming_bulk(
            self.client, actions, chunk_size=500, max_retries=3, initial_backoff=0.5,
            max_backoff=8, raise_on_error=False, refresh=self.refresh_policy)
        try:
            for ok, item in stream:
                (op, info), = item.items()
                if ok and op != "delete":
                    result.written.append(info["_id"])
                elif not ok and not (op == "delete" and info.get("status") == 404):
                    result.errors.append(ItemError(info.get("_id", ""),
                                                   _reason(info.get("error")),
                                                   info.get("status")))
        except (TransportError, ApiError) as exc:
            raise _unavailable(exc) from None

    def upsert(self, docs: Iterable[MentionDoc]) -> BulkResult:
        """Index whole documents by id; a document whose month changed moves index."""
        valid, errors = split_valid(docs)
        result = BulkResult(errors=errors)
        if not valid:
            return result
        self.ensure()
        self.roll_over()  # a new month: its index and the write alias move first
        where = self._locate([d.id for d in valid])
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        actions: list[dict[str, Any]] = []
        for doc in valid:
            target = self.index_name(doc)
            if where.get(doc.id, target) != target:
                actions.append({"_op_type": "delete", "_index": where[doc.id], "_id": doc.id})
            actions.append({"_op_type": "index", "_index": target, "_id": doc.id,
                            "_source": self._body(doc, now)})
        self._bulk(actions, result)
        return result

    def update(self, changes: Mapping[str, Mapping[str, Any]]) -> BulkResult:
        """Partial updates of analysis fields; unknown ids are reported as not found."""
        result = BulkResult()
        checked: dict[str, dict[str, Any]] = {}
        for doc_id, values in changes.items():
            try:
                checked[doc_id] = check_update(doc_id, values)
            except ValueError as exc:
                result.errors.append(ItemError(doc_id, str(exc), 400))
        where = self._locate(list(checked)) if checked else {}
        actions = []
        for doc_id, values in checked.items():
            if doc_id not in where:
                result.errors.append(ItemError(doc_id, "document not found", 404))
                continue
            actions.append({"_op_type": "update", "_index": where[doc_id], "_id": doc_id,
                            "doc": values})
        if actions:
            self._bulk(actions, result)
        return result

    def get(self, doc_id: str) -> MentionDoc | None:
        """The document with ``doc_id``, or None."""
        try:
            resp = self.call(self.client.search, index=self.alias, size=1,
                              query={"ids": {"values": [doc_id]}})
        except NotFoundError:
            return None
        hits = resp["hits"]["hits"]
        return hit_doc(hits[0]["_source"]) if hits else None

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        where = self._locate(list(dict.fromkeys(ids)))
        actions = [{"_op_type": "delete", "_index": index, "_id": doc_id}
                   for doc_id, index in where.items()]
        if actions:
            self._bulk(actions, BulkResult())
        return len(actions)

    def delete_older_than(self, cutoff: datetime) -> int:
        """Drop monthly indices entirely before ``cutoff``, then delete by query."""
        try:
            names = list(self.call(self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            return 0
        cutoff_month = f"{self.alias}-{cutoff.astimezone(UTC):%Y.%m}"
        removed = 0
        for name in sorted(names):
            if name < cutoff_month and len(name) == len(cutoff_month):
                removed += self.call(self.client.count, index=name)["count"]
                self.call(self.client.indices.delete, index=name)
        resp = self.call(self.client.delete_by_query, index=self.alias, refresh=True,
                          conflicts="proceed",
                          query={"range": {"fetched_at": {"lt": _iso(cutoff)}}})
        return removed + int(resp.get("deleted", 0))

    def changes_since(self, cursor: str | None, limit: int = 500) -> ChangesPage:
        """Documents by (indexed_at, id) after ``cursor`` ("<epoch ms>:<id>")."""
        kwargs: dict[str, Any] = {}
        if cursor:
            millis, _, doc_id = cursor.partition(":")
            if not millis.isdigit():
                raise SearchIndexError(f"bad cursor {cursor!r}")
            kwargs["search_after"] = [int(millis), doc_id]
        try:
            resp = self.call(self.client.search, index=self.alias, size=limit,
                              sort=[{"indexed_at": "asc"}, {"id": "asc"}], **kwargs)
        except NotFoundError:
            return ChangesPage([], cursor)
        hits = resp["hits"]["hits"]
        if not hits:
            return ChangesPage([], cursor)
        last = hits[-1]["sort"]
        return ChangesPage([hit_doc(h["_source"]) for h in hits], f"{int(last[0])}:{last[1]}")

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search (see :mod:`tracker.index.elastic.search`)."""
        started = time.perf_counter()
        try:
            return run_search(self, request.checked(), started)
        except NotFoundError:
            return SearchResult(0, [])

    def count(self) -> int:
        """How many documents the alias covers."""
        try:
            return int(self.call(self.client.count, index=self.alias)["count"])
        except NotFoundError:
            return 0

    def refresh(self) -> None:
        """Make every write searchable now."""
        try:
            self.call(self.client.indices.refresh, index=self.alias)
        except NotFoundError:
            pass

    def drop(self) -> None:
        """Delete every monthly index and the template (tests and full rebuilds)."""
        try:
            self.call(self.client.indices.delete, index=f"{self.alias}-*")
            self.call(self.client.indices.delete_index_template, name=self.alias)
        except NotFoundError:
            pass
        self._drop_lifecycle()
        self._ensured = False

    def _drop_lifecycle(self) -> None:
        for engine, call in (("ilm", lambda: self.client.ilm.delete_lifecycle(name=self.alias)),
                             ("ism", lambda: self.client.perform_request(
                                 "DELETE", f"/_plugins/_ism/policies/{self.alias}",
                                 headers={"accept": "application/json"}))):
            if self.lifecycle == engine:
                try:
                    call()
                except (ApiError, TransportError):
                    pass  # in use by an index that is still being deleted: harmless

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
