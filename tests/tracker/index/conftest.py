"""Index fixtures: every contract test runs on the embedded index and on a real ES-API server.

The ES-API server is ``osmem-server`` (an in-memory OpenSearch-compatible Go binary from
PyPI; its pytest plugin starts it once per session and gives each test a fresh clone). When
``YUQING_TEST_ELASTICSEARCH_URL`` is set, the suite runs against that Elasticsearch too, each
test in its own alias, removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker import migrate
from tracker.db import make_engine, session_factory
from tracker.index.base import MentionDoc
from tracker.index.elastic import ElasticIndex
from tracker.index.embedded import NATIVE_ENV, EmbeddedIndex

REAL_ES_URL = os.environ.get("YUQING_TEST_ELASTICSEARCH_URL")
# "embedded-python": the embedded index without its C tokenizer (the Python fallback).
BACKENDS = ["embedded", "embedded-python", "osmem"] + (["elasticsearch"] if REAL_ES_URL else [])
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@pytest.fixture
def make_elastic(request):
    """Build ElasticIndex objects on a fresh osmem clone or on the real cluster."""
    made: list[tuple[str, ElasticIndex]] = []

    def factory(kind: str = "osmem", **kwargs) -> ElasticIndex:
        if kind == "osmem":
            clone = request.getfixturevalue("osmem_clone")
            if "cluster" not in kwargs:  # single-node test servers: no replicas
                kwargs.setdefault("replicas", 0)
            index = ElasticIndex(clone.url, alias=kwargs.pop("alias", "yuqing-mentions"),
                                 **kwargs)
        else:
            alias = kwargs.pop("alias", f"yq-test-{uuid.uuid4().hex[:8]}")
            if "cluster" not in kwargs:  # single-node test servers: no replicas
                kwargs.setdefault("replicas", 0)
            index = ElasticIndex(REAL_ES_URL, alias=alias, **kwargs)
        made.append((kind, index))
        return index

    yield factory
    for kind, index in made:
        if kind == "elasticsearch":  # osmem clones are thrown away by its plugin
            index.drop()
        index.close()


@pytest.fixture(params=BACKENDS)
def index(request, tmp_path, make_elastic):
    """An empty mention index of each backend."""
    if request.param.startswith("embedded"):
        if request.param == "embedded-python":
            request.getfixturevalue("monkeypatch").setenv(NATIVE_ENV, "0")
        idx = EmbeddedIndex(tmp_path / "index.db")
        idx.ensure()
        assert idx.native == (request.param == "embedded")
        yield idx
        idx.close()
    else:
        idx = make_elastic(request.param)
        idx.ensure()
        yield idx


def doc(doc_id: str, title: str, text: str = "", *, hours: float = 0, **fields) -> MentionDoc:
    """A document published ``hours`` after T0 (fetched at T0 unless given)."""
    fields.setdefault("kind", "news")
    fields.setdefault("source", "demo_news")
    fields.setdefault("fetched_at", T0)
    return MentionDoc(id=doc_id, title=title, text=text,
                      published_at=T0 + timedelta(hours=hours), url=f"http://x.test/{doc_id}",
                      **fields)


CORPUS = [
    doc("m1", "小区物业费太高", "物业不作为，噪音扰民。", hours=0, kind="board",
        source="demo_board_a", sentiment=0.1, keywords=["物业", "噪音"], department="住建局"),
    doc("m2", "A3区道路施工噪音", "施工噪音很大，晚上十点还在施工。", hours=5, kind="board",
        source="demo_board_a", sentiment=0.3, keywords=["施工", "噪音"], event_id="e1"),
    doc("m3", "货物，业主", "与本题无关的内容", hours=10, source="demo_news", sentiment=0.5),
    doc("m4", "Elasticsearch 入门", "ELASTIC search 很好用", hours=20, source="demo_news",
        sentiment=0.9, keywords=["技术"]),
    doc("m5", "物业公司回应", "关于A4区物业服务的说明：物业费不涨。", hours=30, kind="forum",
        source="demo_forum", sentiment=None, keywords=["物业"], event_id="e1"),
    doc("m6", "学校门口广告牌", "A3区某学校门口广告太多", hours=40, kind="forum",
        source="demo_forum", sentiment=0.65, keywords=["广告"]),
    doc("m7", "医院挂号难", "市医院挂号排队两小时", hours=50, source="demo_news",
        sentiment=0.2, department="卫健委"),
    doc("m8", "无时间的帖子", "物业", hours=0, source="demo_forum", kind="forum"),
]
CORPUS[-1].published_at = None


@pytest.fixture
def corpus(index):
    """The index filled with :data:`CORPUS`."""
    result = index.upsert(CORPUS)
    assert result.ok, result.errors
    index.refresh()
    return index


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied by tests that need a database of their own."""
    path = tmp_path_factory.mktemp("template") / "yuqing.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def outbox_sessions(backend, request, sqlite_template, tmp_path):
    """Sessions for sync tests, on both databases.

    PostgreSQL uses the shared rolled-back transaction. SQLite gets a fresh copy of a migrated
    file instead: the sync rolls back a failed batch, and under pysqlite a rolled-back
    SAVEPOINT ends the shared outer transaction, so the test's rows would leak.
    """
    if backend == "postgresql":
        yield request.getfixturevalue("sessions")
        return
    path = tmp_path / "yuqing.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield session_factory(engine)
    engine.dispose()
