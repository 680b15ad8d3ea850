"""Elasticsearch adapter specifics, against osmem-server (and a real ES when configured)."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch

from tests.tracker.index.conftest import T0, doc
from tracker.index.base import IndexUnavailable, SearchIndexError, SearchRequest
from tracker.index.elastic import ElasticIndex, plain_media_type
from tracker.index.query import parse_query


def test_the_stock_client_is_refused_and_the_plain_json_node_is_not(osmem_clone):
    stock = Elasticsearch(osmem_clone.url)
    with pytest.raises(Exception) as info:  # osmem: 406 for compatible-with=9
        stock.indices.create(index="probe", settings={"number_of_shards": 1})
    assert "406" in str(info.value) or "Not Acceptable" in str(info.value)
    index = ElasticIndex(osmem_clone.url)
    index.ensure()
    assert index.count() == 0
    assert plain_media_type("application/vnd.elasticsearch+x-ndjson; compatible-with=9") == \
        "application/x-ndjson"


def test_monthly_indices_behind_one_alias(make_elastic):
    index = make_elastic()
    october = doc("a", "十月", fetched_at=T0 - timedelta(days=20))
    index.upsert([october, doc("b", "十一月")])
    client, alias = index.client, index.alias
    names = set(client.indices.get_alias(name=alias))
    assert {f"{alias}-2026.10", f"{alias}-2026.11"} <= names
    template = client.indices.get_index_template(name=alias)["index_templates"][0]
    mappings = template["index_template"]["template"]["mappings"]
    assert mappings["properties"]["title"]["analyzer"] == "cjk"
    assert mappings["properties"]["title"]["fields"]["chars"]["analyzer"] == "yq_chars"


def test_a_document_whose_month_changes_moves_instead_of_doubling(make_elastic):
    index = make_elastic()
    index.upsert([doc("a", "先", fetched_at=T0 - timedelta(days=40))])
    index.upsert([doc("a", "后")])
    assert index.count() == 1 and index.get("a").title == "后"


def test_the_analyzer_is_a_setting(make_elastic):
    with pytest.raises(SearchIndexError, match="unknown analyzer"):
        make_elastic(analyzer="jieba")
    body = ElasticIndex("http://127.0.0.1:9", analyzer="ik")
    from tracker.index.elastic import index_template

    props = index_template("x", body.analyzer)["template"]["mappings"]["properties"]
    assert (props["text"]["analyzer"], props["text"]["search_analyzer"]) == \
        ("ik_max_word", "ik_smart")


def test_mapping_conflicts_are_reported_per_document(make_elastic):
    index = make_elastic()
    index.ensure()
    # Someone created an old month's index by hand with a wrong type for `likes` (a month
    # long past: ensure() has just created the index of the month the test runs in).
    old = T0 - timedelta(days=400)
    index.client.indices.create(index=f"{index.alias}-{old:%Y.%m}", mappings={
        "properties": {"likes": {"type": "boolean"}}})
    result = index.upsert([doc("ok", "正常", likes=3),
                           doc("clash", "冲突", likes=3, fetched_at=old)])
    assert result.written == ["ok"]
    (error,) = result.errors
    assert error.id == "clash" and error.status == 400 and "likes" in error.reason


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_stopped_server_is_reported_as_unavailable_quickly():
    index = ElasticIndex(f"http://127.0.0.1:{_closed_port()}", request_timeout=2)
    started = time.monotonic()
    with pytest.raises(IndexUnavailable):
        index.search(SearchRequest(query=parse_query("物业")))
    with pytest.raises(IndexUnavailable):
        index.upsert([doc("a", "物业")])
    assert not index.ping()
    assert time.monotonic() - started < 10


def test_retention_drops_whole_old_months(make_elastic):
    index = make_elastic()
    index.upsert([doc(f"o{i}", "旧", fetched_at=T0 - timedelta(days=70 + i)) for i in range(3)]
                 + [doc("new", "新")])
    assert index.delete_older_than(T0 - timedelta(days=30)) == 3
    assert f"{index.alias}-2026.08" not in set(index.client.indices.get_alias(name=index.alias))
    assert index.count() == 1
