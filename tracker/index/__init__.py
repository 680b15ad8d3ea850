"""The mention index: one interface, an embedded (SQLite FTS5) and an Elasticsearch adapter.

``get_index(settings)`` picks the backend: Elasticsearch when ``YUQING_ELASTICSEARCH_URL`` is
set, otherwise the embedded index in ``<data dir>/index.db``. ``get_passage_index(settings,
collection)`` does the same for the question-search index (:mod:`tracker.index.passages`,
``<data dir>/passages.db``). See :mod:`tracker.index.base`
for the shared rules and :mod:`tracker.index.query` for the watch-rule query syntax.
"""

from __future__ import annotations

from tracker.index.base import (
    SENTIMENT_BANDS,
    Aggregations,
    Bucket,
    BulkResult,
    ChangesPage,
    Hit,
    IndexUnavailable,
    ItemError,
    MentionDoc,
    MentionIndex,
    QuerySyntaxError,
    SearchIndexError,
    SearchRequest,
    SearchResult,
    sentiment_band,
)
from tracker.index.passages import (
    COLLECTIONS,
    DEFAULT_SCORING,
    PassageDoc,
    PassageFilter,
    PassageHit,
    PassageIndex,
    Scoring,
)
from tracker.index.query import Query, parse_query
from tracker.index.rules import (
    PREVIEW_DAYS,
    RulePreview,
    RuleStats,
    WatchRuleError,
    check_query,
    create_rule,
    delete_rule,
    find_rule,
    list_rules,
    preview_rule,
    rule_query,
    rule_stats,
    save_rule,
    set_rule_enabled,
    update_rule,
)
from tracker.index.sync import SyncReport, mark_all_pending, pending_count, run_sync
from tracker.index.text import contains_term
from tracker.settings import Settings

__all__ = [
    "Aggregations",
    "Bucket",
    "BulkResult",
    "COLLECTIONS",
    "ChangesPage",
    "DEFAULT_SCORING",
    "Hit",
    "IndexUnavailable",
    "ItemError",
    "MentionDoc",
    "MentionIndex",
    "PassageDoc",
    "PassageFilter",
    "PassageHit",
    "PassageIndex",
    "Query",
    "PREVIEW_DAYS",
    "QuerySyntaxError",
    "SENTIMENT_BANDS",
    "SearchIndexError",
    "SearchRequest",
    "RulePreview",
    "RuleStats",
    "SearchResult",
    "Scoring",
    "SyncReport",
    "WatchRuleError",
    "check_query",
    "contains_term",
    "create_rule",
    "delete_rule",
    "find_rule",
    "get_index",
    "get_passage_index",
    "list_rules",
    "mark_all_pending",
    "parse_query",
    "pending_count",
    "preview_rule",
    "rule_query",
    "rule_stats",
    "run_sync",
    "save_rule",
    "sentiment_band",
    "set_rule_enabled",
    "update_rule",
]


def get_index(settings: Settings, *, request_timeout: float = 10.0,
              max_retries: int = 2) -> MentionIndex:
    """The configured mention index (Elasticsearch when its URL is set, else embedded).

    Interactive callers (the web page) pass short timeouts and fewer retries.
    """
    if settings.elasticsearch_url:
        from tracker.index.elastic import ElasticIndex
        from tracker.index.elastic.cluster import ClusterSettings

        cluster = ClusterSettings(settings.elasticsearch_shards, settings.elasticsearch_replicas,
                                  settings.elasticsearch_lifecycle,
                                  settings.elasticsearch_delete_after_days)
        return ElasticIndex(settings.elasticsearch_url,
                            analyzer=settings.elasticsearch_analyzer,
                            timezone=settings.timezone, request_timeout=request_timeout,
                            max_retries=max_retries, cluster=cluster)
    from tracker.index.embedded import EmbeddedIndex

    return EmbeddedIndex(settings.data_dir / "index.db", timezone=settings.timezone)


def get_passage_index(settings: Settings, collection: str, *, request_timeout: float = 10.0,
                      max_retries: int = 2) -> PassageIndex:
    """The question-search index of ``collection`` (Elasticsearch when configured)."""
    if settings.elasticsearch_url:
        from tracker.index.elastic.passages import ElasticPassageIndex

        return ElasticPassageIndex(settings.elasticsearch_url, collection,
                                   request_timeout=request_timeout, max_retries=max_retries)
    from tracker.index.embedded.passages import EmbeddedPassageIndex

    return EmbeddedPassageIndex(settings.data_dir / "passages.db", collection)
