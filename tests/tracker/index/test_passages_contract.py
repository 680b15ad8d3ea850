"""The contract every passage (question-search) index keeps: embedded and ES-API (osmem).

Scores differ between backends (FTS5 weighs columns inside one BM25, Elasticsearch sums one
BM25 per field, osmem approximates it), so only clear-cut rankings are compared.
"""

from __future__ import annotations

from datetime import date

import pytest

from tracker.index.base import SearchIndexError
from tracker.index.elastic.passages import ElasticPassageIndex
from tracker.index.embedded.passages import EmbeddedPassageIndex
from tracker.index.passages import PassageDoc, PassageFilter, Scoring, query_tokens


def pdoc(doc_id: str, title: str, text: str, **fields) -> PassageDoc:
    """A policy-collection document."""
    return PassageDoc(id=doc_id, collection="policy", title=title, text=text, **fields)


CORPUS = [
    pdoc("p1", "关于做好2024年义务教育招生入学工作的通知",
         "适龄儿童入学需提供户口簿、居住证和房产证明等材料，由教育局统一受理。",
         number="冀教基〔2024〕3号", department="教育厅", category="规范性文件",
         date=date(2024, 4, 1), extra={"issuer": "河北省教育厅"}),
    pdoc("p2", "关于调整城乡居民基本医疗保险缴费标准的通知",
         "城乡居民医疗保险个人缴费标准提高，报销比例保持不变。", number="冀医保〔2023〕8号",
         department="医保局", category="规范性文件", date=date(2023, 9, 1)),
    pdoc("p3", "关于支持小微企业复工复产的若干措施",
         "对受疫情影响的小微企业减免房租，给予贷款贴息和稳岗补贴。", number="冀政办〔2020〕2号",
         department="办公厅", category="政策文件", date=date(2020, 2, 10)),
    pdoc("p4", "住房公积金提取办法", "职工购买自住住房可以提取住房公积金。",
         department="住建厅", category="政策文件", date=date(2019, 5, 6)),
    pdoc("p5", "科技成果转化奖励办法", "科研人员职务科技成果转化收益的奖励比例不低于百分之七十。",
         number="冀科成〔2019〕11号", department="科技厅", category="规范性文件",
         date=date(2019, 12, 1)),
]


@pytest.fixture(params=["embedded", "osmem"])
def pindex(request, tmp_path):
    """An empty passage index of each backend (policy collection)."""
    if request.param == "embedded":
        idx = EmbeddedPassageIndex(tmp_path / "passages.db", "policy")
    else:
        clone = request.getfixturevalue("osmem_clone")
        idx = ElasticPassageIndex(clone.url, "policy")
    idx.ensure()
    yield idx
    idx.close()


@pytest.fixture
def pcorpus(pindex):
    """The index filled with :data:`CORPUS`."""
    result = pindex.upsert(CORPUS)
    assert result.ok, result.errors
    pindex.refresh()
    return pindex


def top_ids(index, query: str, top: int = 5, **kwargs) -> list[str]:
    """Ids of the hits of a search, best first."""
    return [h.doc.id for h in index.search(query, top=top, **kwargs)]


def test_round_trip_and_upsert_by_id(pcorpus):
    assert pcorpus.count() == 5
    assert pcorpus.get("p1") == CORPUS[0]
    changed = pdoc("p1", "新标题", "新的正文", number="冀教基〔2025〕1号")
    assert pcorpus.upsert([changed]).written == ["p1"]
    pcorpus.refresh()
    assert pcorpus.count() == 5 and pcorpus.get("p1") == changed
    assert pcorpus.get("missing") is None


def test_colloquial_question_finds_the_formal_document(pcorpus):
    assert top_ids(pcorpus, "孩子上学要什么材料")[0] == "p1"
    assert top_ids(pcorpus, "看病报销比例是多少")[0] == "p2"
    assert top_ids(pcorpus, "公司疫情期间房租能减免吗")[0] == "p3"
    assert top_ids(pcorpus, "买房能取公积金吗")[0] == "p4"


def test_document_number_is_searchable(pcorpus):
    assert top_ids(pcorpus, "冀科成〔2019〕11号")[0] == "p5"
    citing = pdoc("p6", "关于落实冀科成〔2019〕11号文件的通知",
                  "根据冀科成〔2019〕11号，冀科成〔2019〕11号文件规定的科技成果转化奖励。")
    assert pcorpus.upsert([citing]).ok
    pcorpus.refresh()
    # The document that has the number beats one that only cites it, in any bracket style.
    assert top_ids(pcorpus, "冀科成〔2019〕11号文件的规定")[0] == "p5"
    assert top_ids(pcorpus, "冀科成[2019]11号")[0] == "p5"
    assert "冀科成201911号" in query_tokens("依据冀科成（2019）11号").numbers


def test_scores_are_descending_and_top_is_respected(pcorpus):
    hits = pcorpus.search("入学 医疗 公积金 科技", top=3)
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score > 0 for h in hits)


def test_filters(pcorpus):
    assert set(top_ids(pcorpus, "通知 办法 措施", filters=PassageFilter(
        departments=("教育厅", "科技厅")))) == {"p1", "p5"}
    assert set(top_ids(pcorpus, "通知 办法 措施", filters=PassageFilter(
        categories=("政策文件",)))) <= {"p3", "p4"}
    span = PassageFilter(date_from=date(2020, 1, 1), date_to=date(2023, 12, 31))
    dated = top_ids(pcorpus, "保险 疫情 入学 奖励", filters=span)
    assert set(dated) == {"p2", "p3"}


def test_nothing_searchable_finds_nothing(pcorpus):
    assert top_ids(pcorpus, "？？！") == []
    assert top_ids(pcorpus, "") == []
    assert top_ids(pcorpus, "入学", top=0) == []
    assert top_ids(pcorpus, "量子引力弦论") == []


def test_delete_and_drop(pcorpus):
    assert pcorpus.delete(["p1", "p1", "missing"]) == 1
    pcorpus.refresh()
    assert pcorpus.count() == 4 and "p1" not in top_ids(pcorpus, "入学")
    pcorpus.drop()
    assert pcorpus.count() == 0 and top_ids(pcorpus, "入学") == []
    pcorpus.ensure()
    assert pcorpus.upsert(CORPUS[:1]).ok


def test_bad_documents_are_reported_not_written(pindex):
    bad = [pdoc("", "标题", "正文"), PassageDoc("q1", "qa", "问", "答"), pdoc("p9", "", " ")]
    result = pindex.upsert(bad + [CORPUS[0]])
    assert result.written == ["p1"]
    assert [e.id for e in result.errors] == ["", "q1", "p9"]
    assert all(e.reason for e in result.errors)


def test_field_weights_change_the_ranking(pcorpus):
    # With the text left out, a word only in a text cannot find its document.
    assert top_ids(pcorpus, "稳岗补贴")[:1] == ["p3"]
    title_only = Scoring(text_c=0, text_w=0, text_b=0, expand=False)
    assert "p3" not in top_ids(pcorpus, "稳岗", scoring=title_only)


def test_collections_are_separate(tmp_path):
    policy = EmbeddedPassageIndex(tmp_path / "p.db", "policy")
    qa = EmbeddedPassageIndex(tmp_path / "p.db", "qa")
    assert policy.upsert(CORPUS).ok
    assert qa.count() == 0 and qa.search("入学") == []
    with pytest.raises(ValueError):
        EmbeddedPassageIndex(tmp_path / "p.db", "bad name; drop")


def test_an_index_of_an_older_layout_is_dropped_for_a_rebuild(tmp_path):
    from tracker.index.embedded.sqlite_lib import sqlite3
    db = sqlite3.connect(tmp_path / "p.db")
    db.execute("CREATE TABLE policy_docs (rowid INTEGER PRIMARY KEY, id TEXT, body TEXT)")
    db.execute("CREATE VIRTUAL TABLE policy_fts USING fts5(title_c, text_c)")
    db.commit()
    db.close()
    idx = EmbeddedPassageIndex(tmp_path / "p.db", "policy")
    assert idx.count() == 0 and idx.upsert(CORPUS).ok and idx.count() == 5
    idx.close()
    assert EmbeddedPassageIndex(tmp_path / "p.db", "policy").count() == 5  # kept when current


def test_query_expansion_adds_formal_terms():
    plain = query_tokens("孩子上学", Scoring(expand=False))
    expanded = query_tokens("孩子上学")
    assert "入学" in expanded.words and "入学" not in plain.words
    assert set(plain.chars) < set(expanded.chars)


def test_an_unreachable_server_is_a_clear_error():
    idx = ElasticPassageIndex("http://127.0.0.1:9", "policy", max_retries=0,
                              request_timeout=1)
    with pytest.raises(SearchIndexError):
        idx.search("入学")
