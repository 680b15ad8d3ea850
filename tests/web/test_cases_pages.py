"""The 亮点工程 pages on both databases: the library empty and searched, proposals explained,
staff drafting and a leader curating through the forms, withdrawing, the PDFs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.cases.factory import finished_opinion
from tracker.models import AuditEvent, LibraryCase

WRITE_UP = {"title": "停水当日恢复供水", "background": "丽发新城小区停水三天。",
            "response": "住建局当日督促物业更换水泵。", "result": "当日恢复供水，居民满意。",
            "lessons": "先解决问题再答复。", "tags": "供水、当日办结", "department_id": ""}


def sign_in(auth, demo_users, role):
    """Sign in as the demo account of ``role``."""
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


@pytest.fixture
def entry(session, demo_users):
    """A finished opinion of October 2025 (answered in 3 hours, satisfied, promise kept)."""
    row = finished_opinion(session)
    session.commit()
    return row


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/cases/")})


def test_an_empty_library_says_why(client, auth, demo_users):
    sign_in(auth, demo_users, "responder")
    html = client.get("/cases/?q=没有这样的案例").get_data(as_text=True)
    assert "没有符合条件的案例" in html and "撰写案例" not in html
    html = client.get("/cases/?year=2031").get_data(as_text=True)
    assert "data-empty" in html and "月度推荐" not in html  # responders only read


def test_staff_draft_and_a_leader_curates_then_withdraws(client, auth, demo_users, entry,
                                                         session):
    sign_in(auth, demo_users, "opinion_staff")
    form = client.get(f"/cases/new/{entry.id}").get_data(as_text=True)
    assert "丽发新城小区停水三天" in form and "data-curate" not in form  # staff only draft
    saved = post(client, f"/cases/new/{entry.id}", WRITE_UP)
    assert saved.status_code == 303
    case = session.scalar(select(LibraryCase).where(LibraryCase.entry_id == entry.id))
    assert case.state == "draft" and case.score_total is not None
    assert "停水当日恢复供水" not in client.get("/cases/").get_data(as_text=True)
    assert "停水当日恢复供水" in client.get("/cases/?state=draft").get_data(as_text=True)
    auth.logout()
    sign_in(auth, demo_users, "leader")
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "综合得分" in detail and "办理及时性" in detail and "经验启示" in detail
    assert post(client, f"/cases/{case.id}/edit", {**WRITE_UP, "publish": "1",
                                                   "lessons": "先办后答。"}).status_code == 303
    session.expire_all()
    assert case.state == "published" and case.lessons == "先办后答。"
    listed = client.get("/cases/?tag=供水").get_data(as_text=True)
    assert "停水当日恢复供水" in listed and "下载2025年度案例汇编" in listed
    assert post(client, f"/cases/{case.id}/withdraw", {"reason": "重复"}).status_code == 303
    session.expire_all()
    assert case.state == "withdrawn"
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "library_case", AuditEvent.entity_id == str(case.id))).all()
    assert {"create", "edit", "publish", "withdraw"} <= set(actions)
    history = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "修改记录" in history and "撤回" in history and "重复" in history


def test_proposals_are_explained_and_lead_to_the_form(client, auth, demo_users, entry):
    sign_in(auth, demo_users, "leader")
    assert "没有推荐案例" in client.get("/cases/proposals?month=2025-10").get_data(as_text=True)
    done = post(client, "/cases/proposals", {"month": "2025-10"})
    assert done.status_code == 303
    html = client.get(done.location).get_data(as_text=True)
    assert entry.title in html and "综合得分" in html and "群众满意度" in html
    assert "最近一次评价“满意”" in html and f"/cases/new/{entry.id}" in html


def test_the_case_pdf_and_the_year_document(client, auth, demo_users, entry, session):
    sign_in(auth, demo_users, "leader")
    post(client, f"/cases/new/{entry.id}", {**WRITE_UP, "publish": "1"})
    case = session.scalar(select(LibraryCase).where(LibraryCase.entry_id == entry.id))
    auth.logout()
    sign_in(auth, demo_users, "responder")  # responders read the library too
    assert f"/cases/{case.id}" in client.get("/cases/?q=停水当日").get_data(as_text=True)
    pdf = client.get(f"/cases/{case.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["Content-Disposition"]
    year = client.get("/cases/year/2025.pdf")
    assert year.status_code == 200 and year.data.startswith(b"%PDF-")
