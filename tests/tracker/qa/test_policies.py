"""Policy documents: import (JSONL, CSV, the real datasets), edit, search by question, and the
passage index kept in step with SQL. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import SHARED_DATA
from tracker.index import get_passage_index
from tracker.models.qa import Policy
from tracker.qa import (
    PolicyError,
    import_policies,
    import_rows,
    list_policies,
    reindex_policies,
    save_policy,
    search_policies,
)

ENROL = "关于做好义务教育招生入学工作的通知\n适龄儿童入学需提供户口簿、居住证和房产证明等材料。"
PENSION = "城乡居民基本养老保险缴费标准调整。"


def write_jsonl(path, rows) -> None:
    """Rows as JSONL (strings are written as they are: broken lines on purpose)."""
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")


def test_import_jsonl_rules(session, settings, tmp_path):
    path = tmp_path / "p.jsonl"
    write_jsonl(path, [
        {"id": "e1", "text": ENROL, "number": "冀教基〔2024〕3号", "date": "2024-04-01",
         "issuer": "河北省教育厅", "url": "https://x.test/e1", "栏目": "规范性文件"},
        {"id": "e2", "title": "养老保险缴费", "text": PENSION, "validity": "废止",
         "date": "2019年5月6日", "attachments": ["a.pdf"]},
        {"id": "e3", "title": "没有正文"},
        {"text": "没有编号"},
        {"id": "e4", "text": "日期不对", "date": "去年"},
        {"id": "e5", "text": "效力不对", "validity": "大概有效"},
        "{broken json",
        "[1, 2]",
    ])
    report = import_policies(session, settings, path)
    assert (report.imported, report.updated, report.rejected) == (2, 0, 6)
    assert len(report.errors) == 6 and all(e.startswith("第 ") for e in report.errors)
    assert "第 3 行" in report.errors[0] and "正文" in report.errors[0]
    assert "编号" in report.errors[1] and "日期" in report.errors[2]
    assert "效力" in report.errors[3] and "JSON" in report.errors[4]
    e1 = session.scalar(select(Policy).where(Policy.import_id == "e1"))
    assert e1.title == "关于做好义务教育招生入学工作的通知"  # the text's first line
    assert e1.published_on == date(2024, 4, 1) and e1.issuer == "河北省教育厅"
    assert e1.extra == {"栏目": "规范性文件"} and e1.validity == "valid"
    e2 = session.scalar(select(Policy).where(Policy.import_id == "e2"))
    assert e2.validity == "repealed" and e2.published_on == date(2019, 5, 6)
    assert e2.attachments == ["a.pdf"]


def test_repeated_ids_update_and_keep_what_was_stored(session, settings, tmp_path):
    first = tmp_path / "a.jsonl"
    write_jsonl(first, [{"id": "e1", "text": ENROL, "url": "https://x.test/e1", "来源": "甲"}])
    import_policies(session, settings, first)
    again = tmp_path / "b.jsonl"
    write_jsonl(again, [{"id": "e1", "title": "新标题：入学材料清单", "text": "新的正文：入学材料",
                         "备注": "乙"},
                        {"id": "e1", "title": "新标题：入学材料清单", "text": "最后一次的正文"}])
    report = import_policies(session, settings, again)
    assert (report.imported, report.updated, report.rejected) == (0, 2, 0)
    assert session.scalar(select(func.count()).select_from(Policy)) == 1
    e1 = session.scalar(select(Policy).where(Policy.import_id == "e1"))
    assert e1.title == "新标题：入学材料清单" and e1.text == "最后一次的正文"
    assert e1.url == "https://x.test/e1"  # not in the new file: kept
    assert e1.extra == {"来源": "甲", "备注": "乙"}
    index = get_passage_index(settings, "policy")
    assert index.count() == 1 and index.get("e1").text == "最后一次的正文"


def test_csv_import_with_chinese_headers_and_long_text(session, settings, tmp_path):
    path = tmp_path / "p.csv"
    long_text = "第一条 为规范住房公积金提取。\n" + "职工购房可以提取住房公积金。" * 12_000
    import csv
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "标题", "发文字号", "发布日期", "正文", "效力状态", "extra_col"])
        writer.writerow(["c1", "住房公积金提取办法", "冀建〔2019〕1号", "2019/05/06", long_text,
                         "有效", "x"])
        writer.writerow(["c2", "", "", "", "", "", ""])
    report = import_policies(session, settings, path)
    assert (report.imported, report.rejected) == (1, 1)
    c1 = session.scalar(select(Policy).where(Policy.import_id == "c1"))
    assert len(c1.text) == len(long_text) and c1.number == "冀建〔2019〕1号"
    assert c1.extra == {"extra_col": "x"}
    assert search_policies(session, settings, "冀建〔2019〕1号", top=1)[0].id == "c1"


def test_unreadable_files_are_a_clear_error(session, settings, tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(PolicyError, match="UTF-8"):
        import_policies(session, settings, binary)
    with pytest.raises(PolicyError, match="无法读取"):
        import_policies(session, settings, tmp_path / "missing.jsonl")


def test_search_and_edit_keep_the_index_in_step(session, settings):
    import_rows(session, settings, [(1, {"id": "e1", "text": ENROL, "number": "冀教基〔2024〕3号",
                                         "issuer": "教育厅", "date": "2024-04-01"}),
                                    (2, {"id": "e2", "text": PENSION, "title": "养老保险"})])
    hit = search_policies(session, settings, "孩子上学要什么材料")[0]
    assert (hit.id, hit.number, hit.issuer, hit.date, hit.validity) == (
        "e1", "冀教基〔2024〕3号", "教育厅", date(2024, 4, 1), "valid")
    assert hit.policy_id == session.scalar(select(Policy.id).where(Policy.import_id == "e1"))
    assert set(hit.to_dict()) == {"id", "title", "number", "score"}
    e2 = session.scalar(select(Policy).where(Policy.import_id == "e2"))
    save_policy(session, settings, {"title": "幼儿园入园报名须知", "text": "幼儿入园报名材料。",
                                    "validity": "修订"}, e2)
    assert e2.validity == "revised" and e2.number is None
    assert search_policies(session, settings, "养老保险缴费") == [] or \
        search_policies(session, settings, "养老保险缴费")[0].id != "e2"
    added = save_policy(session, settings, {"id": "n1", "text": "新增政策：公积金提取办法"})
    assert added.title == "新增政策：公积金提取办法"
    assert search_policies(session, settings, "公积金怎么取", top=1)[0].id == "n1"
    with pytest.raises(PolicyError, match="已被"):
        save_policy(session, settings, {"id": "e1", "text": "重复编号"})
    with pytest.raises(PolicyError, match="正文"):
        save_policy(session, settings, {"id": "n2", "text": " "})


def test_hits_without_a_row_are_skipped_and_reindex_rebuilds(session, settings):
    import_rows(session, settings, [(1, {"id": "e1", "text": ENROL})])
    index = get_passage_index(settings, "policy")
    from tracker.index import PassageDoc
    index.upsert([PassageDoc("ghost", "policy", "入学 幽灵", "入学材料 幽灵文档")])
    assert "ghost" not in [h.id for h in search_policies(session, settings, "入学材料 幽灵")]
    assert reindex_policies(session, settings) == 1
    assert index.count() == 1 and index.get("ghost") is None


def test_list_policies_filters_and_pages(session, settings):
    import_rows(session, settings, [
        (i, {"id": f"p{i}", "text": f"第{i}号政策", "date": f"2020-01-{i:02d}",
             "validity": "废止" if i % 2 else "有效"}) for i in range(1, 26)])
    rows, total = list_policies(session)
    assert total == 25 and len(rows) == 20 and rows[0].import_id == "p25"
    assert list_policies(session, page=2)[0][-1].import_id == "p1"
    assert list_policies(session, validity="repealed")[1] == 13
    assert [p.import_id for p in list_policies(session, title="第7号")[0]] == ["p7"]


def test_the_real_datasets_import_and_answer_a_colloquial_question(session, settings):
    hebei = import_policies(session, settings, SHARED_DATA / "policies_hebei" / "documents.jsonl")
    assert (hebei.imported, hebei.updated, hebei.rejected) == (1431, 0, 0)
    govcn = SHARED_DATA / "govcn_state_council_2019" / "documents.jsonl"
    report = import_policies(session, settings, govcn)
    assert (report.imported, report.rejected) == (60, 0)
    doc = session.scalar(select(Policy).where(Policy.import_id == "govcn-5365945"))
    assert (doc.issuer, doc.number, doc.written_on, doc.published_on) == (
        "国务院", "国发〔2019〕5号", date(2019, 1, 27), date(2019, 2, 15))
    assert doc.extra["index_number"] == "000014349/2019-00007"
    hits = search_policies(session, settings, "孩子上学要什么材料")
    assert "入学" in hits[0].title
    assert search_policies(session, settings, "国发〔2019〕5号", top=1)[0].id == "govcn-5365945"
