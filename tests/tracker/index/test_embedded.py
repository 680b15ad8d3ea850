"""Embedded adapter specifics: key collisions, versioning, threads, the on-disk layout."""

from __future__ import annotations

import hashlib
import threading
import zlib

import pytest

from tests.tracker.index.conftest import CORPUS, doc
from tracker.index.base import SearchIndexError, SearchRequest, order_key
from tracker.index.embedded import EmbeddedIndex, sqlite3
from tracker.index.query import parse_query


def _colliding_ids() -> tuple[str, str]:
    seen: dict[int, str] = {}
    for i in range(200_000):
        doc_id = hashlib.md5(str(i).encode()).hexdigest()
        low = zlib.crc32(doc_id.encode()) & 0xFFFFFF
        if low in seen:
            return seen[low], doc_id
        seen[low] = doc_id
    raise AssertionError("no collision found")


def test_ids_whose_keys_collide_are_both_kept(tmp_path):
    a, b = _colliding_ids()
    index = EmbeddedIndex(tmp_path / "i.db")
    index.upsert([doc(a, "物业一"), doc(b, "物业二")])
    assert order_key(index.get(a).published_at, a) == order_key(index.get(b).published_at, b)
    assert index.count() == 2
    assert {h.doc.id for h in index.search(SearchRequest(query=parse_query("物业"))).hits} == \
        {a, b}
    index.upsert([doc(b, "物业三")])
    assert index.get(b).title == "物业三" and index.get(a).title == "物业一"


def test_an_index_built_by_another_tokenizer_version_is_refused(tmp_path):
    path = tmp_path / "i.db"
    EmbeddedIndex(path).upsert(CORPUS[:1])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'tokenizer'")
    with pytest.raises(SearchIndexError, match="reindex"):
        EmbeddedIndex(path).count()


def test_threads_search_while_one_writes(tmp_path):
    index = EmbeddedIndex(tmp_path / "i.db")
    index.upsert(CORPUS)
    errors: list[Exception] = []

    def reader() -> None:
        try:
            for _ in range(20):
                assert index.search(SearchRequest(query=parse_query("物业"))).total >= 3
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(20):
        index.upsert([doc(f"w{i}", "物业新帖")])
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and index.count() == len(CORPUS) + 20


def test_drop_removes_the_file_and_optimize_keeps_results(tmp_path):
    index = EmbeddedIndex(tmp_path / "i.db")
    index.upsert(CORPUS)
    index.optimize()
    assert index.search(SearchRequest(query=parse_query("物业"))).total == 3
    index.drop()
    assert not (tmp_path / "i.db").exists()
    assert index.count() == 0


def test_the_factory_follows_the_elasticsearch_url(settings):
    from dataclasses import replace

    from tracker.index import get_index
    from tracker.index.elastic import ElasticIndex

    embedded = get_index(settings)
    assert isinstance(embedded, EmbeddedIndex)
    assert embedded.path == settings.data_dir / "index.db"
    elastic = get_index(replace(settings, elasticsearch_url="http://127.0.0.1:9200",
                                elasticsearch_analyzer="smartcn"))
    assert isinstance(elastic, ElasticIndex) and elastic.analyzer == "smartcn"
    elastic.close()


def test_every_character_survives_the_json_bulk_insert(tmp_path):
    """Rows travel to SQLite as JSON arrays: quotes, backslashes, NUL, line separators,
    astral characters and huge integers come back exactly."""
    text = 'a"b\\c\u2028d\x00e😀物业\x7f\ttab <script>alert(1)</script> 𠀀'
    index = EmbeddedIndex(tmp_path / "i.db")
    original = doc('x"1', text, text * 3, source="s\\x", keywords=["物业", 'a"b'],
                   likes=2**40, sentiment=0.25)
    assert index.upsert([original]).ok
    assert index.get('x"1') == original
    assert index.search(SearchRequest(query=parse_query("物业"))).total == 1
    index.close()
    assert not (tmp_path / "i.db-wal").exists()  # the last close checkpointed the log
    assert EmbeddedIndex(tmp_path / "i.db").get('x"1') == original


def test_an_index_built_with_the_c_tokenizer_is_refused_without_it(tmp_path, monkeypatch):
    from tracker.index.embedded import NATIVE_ENV

    path = tmp_path / "i.db"
    built = EmbeddedIndex(path)
    built.upsert(CORPUS[:1])
    assert built.native
    built.close()
    monkeypatch.setenv(NATIVE_ENV, "0")  # as on a machine where the extension was not built
    with pytest.raises(SearchIndexError, match="reindex"):
        EmbeddedIndex(path).count()
