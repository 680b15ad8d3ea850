"""The Q&A page: search, browse, FAQ add/edit with citations, merge, retire; who may see and
who may change. Both databases."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.tracker.qa.qa_factory import seed
from tests.web.test_ledger_pages import sign_in
from tracker.models.qa_base import QaEntry
from tracker.qa import FaqInput, save_faq, save_policy, sync_answered


@pytest.fixture
def base(session, settings, demo_users):
    """The answered messages of qa_factory in the base, one policy, one lapsed FAQ."""
    seed(session)
    sync_answered(session)
    save_policy(session, settings, {"id": "rs-1", "title": "城乡居民基本养老保险实施办法",
                                    "number": "市人社发〔2023〕5号", "text": "缴费档次十二档。"})
    lapsed = save_faq(session, FaqInput("去年的取暖补贴怎么领", "到社区领取。",
                                        department="市民政局", valid_until=date(2020, 1, 1)),
                      None)
    session.commit()
    return {"lapsed": lapsed.id}


def csrf(client, path):
    """The CSRF token of a page's first form."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role,status", [("opinion_staff", 200), ("leader", 200),
                                         ("admin", 200), ("responder", 403),
                                         ("anonymous", 302)])
def test_who_sees_the_page(client, auth, demo_users, base, role, status):
    sign_in(auth, demo_users, role)
    assert client.get("/qa/").status_code == status


def test_search_browse_and_flagged(client, auth, demo_users, base):
    sign_in(auth, demo_users, "leader")
    html = client.get("/qa/?q=上小学报名要带什么材料").get_data(as_text=True)
    assert "孩子小学入学需要准备哪些材料" in html and "同类留言 2 条" in html
    browse = client.get("/qa/?category=环境保护").get_data(as_text=True)
    assert "小区旁工地夜间施工噪音扰民" in browse and "孩子小学入学" not in browse
    flagged = client.get("/qa/?view=flagged").get_data(as_text=True)
    assert "去年的取暖补贴怎么领" in flagged and "已过有效期" in flagged
    assert "新增常见问题" not in browse  # leaders read, staff curate
    assert client.get("/qa/new").status_code == 403


def test_staff_add_edit_merge_retire(client, auth, demo_users, base, session):
    sign_in(auth, demo_users, "opinion_staff")
    token = csrf(client, "/qa/new")
    bad = client.post("/qa/new", data={"csrf_token": token, "question": "养老保险怎么交",
                                       "answer": "见办法。", "citations": "不存在的文件"})
    assert bad.status_code == 400 and "政策库中没有" in bad.get_data(as_text=True)
    made = client.post("/qa/new", data={"csrf_token": token, "question": "养老保险怎么交",
                                        "answer": "按办法缴费。", "department": "市人社局",
                                        "citations": "市人社发〔2023〕5号"})
    assert made.status_code == 303
    faq = session.scalar(select(QaEntry).where(QaEntry.question == "养老保险怎么交"))
    page = client.get(f"/qa/{faq.id}").get_data(as_text=True)
    assert "《城乡居民基本养老保险实施办法》（市人社发〔2023〕5号）" in page
    assert "城乡居民养老保险怎么缴费" in page  # a possible duplicate
    board = session.scalar(select(QaEntry).where(QaEntry.question.like("城乡居民养老保险%")))
    merged = client.post(f"/qa/{faq.id}/merge", data={"csrf_token": token,
                                                      "other": str(board.id)})
    assert merged.status_code == 303
    session.expire_all()
    assert board.status == "merged" and board.merged_into_id == faq.id
    again = client.post(f"/qa/{faq.id}/merge", data={"csrf_token": token,
                                                     "other": str(board.id)})
    assert again.status_code == 400
    retired = client.post(f"/qa/{faq.id}/retire", data={"csrf_token": token,
                                                        "note": "办法已修订"})
    assert retired.status_code == 303
    session.expire_all()
    assert faq.status == "retired" and faq.note == "办法已修订"
    assert client.post(f"/qa/{faq.id}/retire", data={"note": "x"}).status_code == 400  # CSRF


def test_edit_keeps_citations(client, auth, demo_users, base, session):
    sign_in(auth, demo_users, "admin")
    lapsed = base["lapsed"]
    form = client.get(f"/qa/{lapsed}/edit").get_data(as_text=True)
    assert "去年的取暖补贴怎么领" in form
    token = csrf(client, f"/qa/{lapsed}/edit")
    saved = client.post(f"/qa/{lapsed}/edit", data={
        "csrf_token": token, "question": "今年的取暖补贴怎么领", "answer": "到社区领取。",
        "valid_until": "2099-12-31", "citations": ""})
    assert saved.status_code == 303
    assert "今年的取暖补贴怎么领" in client.get(f"/qa/{lapsed}").get_data(as_text=True)
    assert client.get("/qa/999999").status_code == 404
