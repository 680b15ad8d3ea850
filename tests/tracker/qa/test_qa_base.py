"""The Q&A base: answered messages in (deduplicated, idempotent), similar questions, flags,
curation and the policies sent with a reply. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.tracker.qa.qa_factory import answered, seed
from tracker.models import LedgerResponse
from tracker.models.qa import Policy
from tracker.models.qa_base import QaEntry, QaVariant
from tracker.qa import (
    Cited,
    FaqInput,
    QaError,
    attach_policies,
    browse,
    facets,
    flagged_ids,
    merge,
    reply_policies,
    retire,
    save_faq,
    similar_questions,
    sync_answered,
)

TODAY = date(2025, 6, 1)


def test_sync_deduplicates_repeated_questions_and_is_idempotent(session):
    rows = seed(session)
    answered(session, "还没答复的留言", "内容", "", department="市教育局", replied=False)
    report = sync_answered(session)
    assert (report.entries, report.variants, report.merged) == (4, 5, 1)
    school = session.scalar(select(QaVariant.entry_id).where(
        QaVariant.ledger_entry_id == rows["school1"].id))
    entry = session.get(QaEntry, school)
    assert {v.ledger_entry_id for v in entry.variants} == {rows["school1"].id, rows["school2"].id}
    assert entry.answer == "请携带户口簿、房产证明或居住证到学校报名。"  # the newer answer
    assert entry.department == "市教育局" and entry.category == "教育文体"
    again = sync_answered(session)
    assert (again.entries, again.variants) == (0, 0)
    assert session.scalar(select(func.count(QaEntry.id))) == 4


def test_satisfaction_comes_from_the_follow_up(session):
    rows = seed(session)
    sync_answered(session)
    noise = session.scalar(select(QaEntry).join(QaVariant).where(
        QaVariant.ledger_entry_id == rows["noise"].id))
    assert noise.satisfaction == "不满意"


def test_similar_questions_finds_a_colloquial_question(session, settings):
    seed(session)
    sync_answered(session)
    hits = similar_questions(session, settings, "上小学报名要带什么材料", top=3, today=TODAY)
    assert hits and hits[0].department == "市教育局" and "入学" in hits[0].question
    assert hits[0].variants == 2 and hits[0].score > 0
    assert hits[0].as_json().keys() == {"id", "question", "answer", "department", "score"}
    noise = similar_questions(session, settings, "晚上工地施工太吵", top=1, today=TODAY)
    assert noise[0].department == "市生态环境局"
    assert similar_questions(session, settings, "！？", today=TODAY) == []


def test_similar_questions_skips_the_message_being_answered_and_retired_entries(
        session, settings):
    rows = seed(session)
    sync_answered(session)
    hits = similar_questions(session, settings, "建议增开公交线路", today=TODAY,
                             exclude_ledger_entry=rows["bus"].id)
    assert all(h.department != "市交通运输局" for h in hits)
    first = similar_questions(session, settings, "养老保险缴费", top=1, today=TODAY)[0]
    retire(session, first.id, None, "政策已调整")
    after = similar_questions(session, settings, "养老保险缴费", top=5, today=TODAY)
    assert first.id not in {h.id for h in after}


def test_flags_past_valid_until_and_repealed_policy(session, settings):
    session.add(Policy(import_id="pol-old", title="旧的缴费办法", number="人社发〔2015〕1号",
                       text="正文", validity="repealed", attachments=[], extra={}))
    session.add(Policy(import_id="pol-new", title="新的缴费办法", number="人社发〔2024〕2号",
                       text="正文", validity="valid", attachments=[], extra={}))
    session.flush()
    cites_old = save_faq(session, FaqInput("养老保险按什么标准缴费", "按旧办法缴费。",
                                           policies=(Cited("pol-old", "旧的缴费办法"),)), None)
    cites_new = save_faq(session, FaqInput("养老保险新标准", "按新办法缴费。",
                                           policies=(Cited("pol-new", "新的缴费办法"),)), None)
    lapsed = save_faq(session, FaqInput("今年的补贴怎么申请", "到窗口申请。",
                                        valid_until=date(2025, 1, 1)), None)
    assert flagged_ids(session, TODAY) == sorted([cites_old.id, lapsed.id])
    hits = {h.id: h for h in similar_questions(session, settings, "养老保险缴费标准",
                                                 top=5, today=TODAY)}
    assert hits[cites_old.id].flag == "所引《旧的缴费办法》已废止"
    assert hits[cites_new.id].flag is None


def test_faq_curation_merge_and_retire(session):
    seed(session)
    sync_answered(session)
    with pytest.raises(QaError):
        save_faq(session, FaqInput("  ", "答复"), None)
    faq = save_faq(session, FaqInput("公交线路怎么提建议", "可在留言板提出。",
                                     department="市交通运输局", category="交通运输"), None)
    bus = session.scalar(select(QaEntry).where(QaEntry.question.like("建议增开公交线路%")))
    kept = merge(session, faq.id, bus.id, None)
    assert bus.status == "merged" and bus.merged_into_id == faq.id
    assert len(kept.variants) == 1
    with pytest.raises(QaError):
        merge(session, faq.id, bus.id, None)  # no longer in use
    page = browse(session, category="交通运输")
    assert [e.id for e in page.entries] == [faq.id] and page.variants == {faq.id: 1}
    assert ("教育文体", 1) in facets(session)["category"]
    edited = save_faq(session, FaqInput("公交线路怎么提建议", "可在留言板或热线提出。"), None,
                      entry_id=faq.id)
    assert edited.answer == "可在留言板或热线提出。" and edited.department is None


def test_reply_policies_bundle(session):
    rows = seed(session)
    for i in ("p1", "p2"):
        session.add(Policy(import_id=i, title=f"政策{i}", number=f"文号{i}", text="正文",
                           validity="valid", attachments=[], extra={}))
    session.flush()
    response = session.scalar(select(LedgerResponse).where(
        LedgerResponse.entry_id == rows["school1"].id))
    attached = attach_policies(session, response.id, ["p2", "p1", "p2"], None)
    assert [r.policy_id for r in attached] == ["p2", "p1"]
    assert [(r.title, r.number) for r in reply_policies(session, response.id)] == [
        ("政策p2", "文号p2"), ("政策p1", "文号p1")]
    assert attach_policies(session, response.id, ["p1"], None) == []  # already attached
    with pytest.raises(QaError):
        attach_policies(session, response.id, ["nope"], None)


def test_the_qa_index_follows_the_base(session, settings):
    from datetime import UTC, datetime

    from tracker.index import get_passage_index
    from tracker.qa import index_qa, sync_qa

    seed(session)
    report = sync_qa(session, settings)
    assert report.indexed == 4 and report.removed == 0
    index = get_passage_index(settings, "qa")
    try:
        hits = index.search("小学入学材料", top=1)
        assert hits and "入学" in hits[0].doc.title
        gone = int(hits[0].doc.id)
        later = datetime.now(UTC)
        retire(session, gone, None)
        assert index_qa(session, settings, since=later) == (0, 1)  # only what changed
        assert index.get(str(gone)) is None and index.count() == 3
    finally:
        index.close()
