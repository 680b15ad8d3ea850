"""The contract every mention index keeps; runs on the embedded index and on ES-API servers.

osmem differences met so far (none changes a result here): it accepts only unversioned JSON
media types (the client's ``PlainJsonNode`` handles that, see test_elastic); it does not fold
full-width digits (３) in phrase queries although ``_analyze`` does, so the adapter folds query
words itself (the full-width case below); and its ``_score`` values differ from
Elasticsearch's BM25 (the relevance test only compares clear-cut cases).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.tracker.index.conftest import CORPUS, T0, doc
from tracker.index.base import MAX_TEXT_CHARS, SearchRequest
from tracker.index.query import parse_query

ALL_AGGS = frozenset({"histogram", "sources", "kinds", "sentiment", "keywords"})


def ids(index, query: str = "", **kwargs) -> list[str]:
    """Ids of the hits of a search, in result order."""
    request = SearchRequest(query=parse_query(query) if query else None, size=50, **kwargs)
    return [h.doc.id for h in index.search(request).hits]


def test_upsert_is_idempotent_by_id(index):
    assert index.upsert(CORPUS).ok
    assert index.upsert(CORPUS[:3]).ok
    changed = doc("m1", "小区物业费又涨了", "新的内容", hours=1)
    assert index.upsert([changed]).written == ["m1"]
    index.refresh()
    assert index.count() == len(CORPUS)
    got = index.get("m1")
    assert got.title == "小区物业费又涨了" and got.published_at == T0 + timedelta(hours=1)
    assert index.get("missing") is None


def test_round_trip_keeps_every_field(corpus):
    got = corpus.get("m1")
    assert got == CORPUS[0]
    assert corpus.get("m8").published_at is None


@pytest.mark.parametrize(("query", "expected"), [
    ("物业", {"m1", "m5", "m8"}),           # inside 物业费 too; not 货物，业主 (m3)
    ("物业费", {"m1", "m5"}),
    ("物", {"m1", "m3", "m5", "m8"}),       # a single character
    ("噪音 施工", {"m2"}),
    ("噪音 -施工", {"m1"}),
    ("(学校|医院)", {"m6", "m7"}),
    ("学校|医院 广告", {"m6"}),
    ("a3区", {"m2", "m6"}),                 # case-insensitive, Latin+Chinese
    ("Ａ３区", {"m2", "m6"}),               # full-width forms
    ("3区", set()),                         # Latin letters and digits are whole words
    ("elastic", {"m4"}),
    ("elasticsearch", {"m4"}),
    ('"作为，噪音"', {"m1"}),               # punctuation inside a phrase
    ('"作为噪音"', set()),
    ("region:A3区|A4区", {"m2", "m5", "m6"}),
    ("噪音 region:A3区", {"m2"}),
    ("source:demo_forum", {"m5", "m6", "m8"}),
    ("kind:board|forum 物业", {"m1", "m5", "m8"}),
    ("-物业 -噪音 kind:forum", {"m6"}),
    ("不存在的词", set()),
])
def test_word_matching(corpus, query, expected):
    assert set(ids(corpus, query)) == expected


def test_python_matching_agrees_with_the_index(corpus):
    for query in ("物业", "噪音 -施工", "(学校|医院)", "a3区", "region:A4区", "-物业"):
        parsed = parse_query(query)
        assert set(ids(corpus, query)) == {d.id for d in CORPUS if parsed.matches(d)}, query


def test_filters(corpus):
    assert ids(corpus, published_from=T0 + timedelta(hours=5),
               published_to=T0 + timedelta(hours=30)) == ["m4", "m3", "m2"]  # [from, to)
    assert set(ids(corpus, sources=("demo_board_a",))) == {"m1", "m2"}
    assert set(ids(corpus, "物业", kinds=("forum",))) == {"m5", "m8"}
    assert set(ids(corpus, sentiment_min=0.4, sentiment_max=0.6)) == {"m3"}
    assert set(ids(corpus, sentiment_min=0.6)) == {"m4", "m6"}
    assert set(ids(corpus, event_ids=("e1",))) == {"m2", "m5"}
    assert set(ids(corpus, "物业", departments=("住建局",))) == {"m1"}


def test_time_order_is_newest_first_with_undated_last(corpus):
    assert ids(corpus) == ["m7", "m6", "m5", "m4", "m3", "m2", "m1", "m8"]


def test_relevance_order_puts_the_clearest_match_first(corpus):
    ranked = ids(corpus, "物业", sort="relevance")
    assert set(ranked) == {"m1", "m5", "m8"}
    assert ranked[0] in {"m1", "m5"} and ranked[-1] == "m8"  # title + text beat text only


def test_paging_and_exact_totals(corpus):
    first = corpus.search(SearchRequest(size=3))
    second = corpus.search(SearchRequest(size=3, offset=3))
    assert first.total == second.total == len(CORPUS)
    assert [h.doc.id for h in first.hits + second.hits] == ids(corpus)[:6]
    with pytest.raises(ValueError):
        corpus.search(SearchRequest(size=20, offset=9_990))


def test_aggregations(corpus):
    result = corpus.search(SearchRequest(aggs=ALL_AGGS, timezone="Asia/Shanghai"))
    aggs = result.aggs
    days = [(b.key.strftime("%Y-%m-%d"), b.count) for b in aggs.histogram]
    # T0 is 10:00 on 11-01 in Shanghai; +20 h is 06:00 on 11-02; undated m8 is not counted.
    assert days == [("2026-11-01", 3), ("2026-11-02", 2), ("2026-11-03", 2)]
    assert [(b.key, b.count) for b in aggs.sources] == [
        ("demo_forum", 3), ("demo_news", 3), ("demo_board_a", 2)]
    assert [(b.key, b.count) for b in aggs.kinds] == [("forum", 3), ("news", 3), ("board", 2)]
    assert [(b.key, b.count) for b in aggs.sentiment] == [
        ("negative", 3), ("neutral", 1), ("positive", 2), ("unknown", 2)]
    assert [(b.key, b.count) for b in aggs.keywords][:2] == [("噪音", 2), ("物业", 2)]


def test_histogram_intervals_follow_the_local_calendar(corpus):
    request = SearchRequest(query=parse_query("物业"), aggs=frozenset({"histogram"}),
                            interval="hour")
    hours = [b.key.strftime("%m-%d %H:%M") for b in corpus.search(request).aggs.histogram]
    assert hours == ["11-01 10:00", "11-02 16:00"]
    for interval, expected in (("week", [("2026-10-26", 3), ("2026-11-02", 4)]),
                               ("month", [("2026-11-01", 7)])):
        request = SearchRequest(aggs=frozenset({"histogram"}), interval=interval)
        buckets = corpus.search(request).aggs.histogram
        assert [(b.key.strftime("%Y-%m-%d"), b.count) for b in buckets] == expected


def test_highlights_are_plain_text_parts(index):
    hostile = doc("x1", "<script>alert('物业')</script>", "<b>物业</b>费" + "很长的内容" * 50)
    index.upsert([hostile])
    index.refresh()
    hit = index.search(SearchRequest(query=parse_query("物业"))).hits[0]
    assert hit.title_parts == (("<script>alert('", False), ("物业", True),
                               ("')</script>", False))
    assert ("物业", True) in hit.snippet_parts
    assert "".join(p for p, _ in hit.snippet_parts).startswith("<b>物业</b>费")


def test_partial_updates_keep_the_rest_and_the_cursor(corpus):
    page = corpus.changes_since(None, limit=100)
    assert {d.id for d in page.docs} == {d.id for d in CORPUS}
    result = corpus.update({"m3": {"sentiment": 0.05, "event_id": "e9", "keywords": ["新"]},
                            "nope": {"sentiment": 0.5}, "m4": {"title": "x"}})
    assert result.written == ["m3"]
    assert {(e.id, e.status) for e in result.errors} == {("nope", 404), ("m4", 400)}
    corpus.refresh()
    got = corpus.get("m3")
    assert (got.sentiment, got.event_id, got.keywords, got.title) == (0.05, "e9", ["新"],
                                                                      "货物，业主")
    assert ids(corpus, event_ids=("e9",)) == ["m3"]
    assert corpus.changes_since(page.cursor).docs == []  # updates are not "new"


def test_changes_since_pages_through_new_documents(index):
    index.upsert(CORPUS[:3])
    index.refresh()
    first = index.changes_since(None, limit=2)
    rest = index.changes_since(first.cursor, limit=10)
    assert len(first.docs) == 2 and len(rest.docs) == 1
    index.upsert([doc("n1", "新帖", hours=3)])
    index.refresh()
    assert [d.id for d in index.changes_since(rest.cursor).docs] == ["n1"]


def test_delete_and_retention(corpus):
    assert corpus.delete(["m1", "missing"]) == 1
    old = doc("old", "旧帖", fetched_at=T0 - timedelta(days=400), hours=-9000)
    corpus.upsert([old])
    corpus.refresh()
    assert corpus.delete_older_than(T0 - timedelta(days=30)) == 1
    corpus.refresh()
    assert corpus.count() == len(CORPUS) - 1 and corpus.get("old") is None


def test_bad_documents_are_reported_one_by_one(index):
    huge = doc("big", "太长", "字" * (MAX_TEXT_CHARS + 1))
    bad = doc("bad", "坏的情感值", sentiment=3.0)
    result = index.upsert([huge, doc("ok", "正常"), bad])
    assert result.written == ["ok"]
    assert {e.id for e in result.errors} == {"big", "bad"}
    assert all(e.reason for e in result.errors)


def test_an_empty_index_answers(index):
    result = index.search(SearchRequest(query=parse_query("物业"), aggs=ALL_AGGS))
    assert result.total == 0 and result.hits == []
    assert index.count() == 0 and index.get("x") is None
