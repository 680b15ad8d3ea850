"""The year pages over the test client, on both databases: who sees which departments, the
files, the drill-down of a table 三 number, and table 四 entered by staff."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.tracker.ledger.factory import HOUSING, department_id, local
from tests.tracker.reports.factory import insert_sample
from tracker.metrics import Period
from tracker.models import AuditEvent, LedgerEntry, RemedyCount


@pytest.fixture
def year_data(session, settings):
    """Entries in two months of 2025, some of the demo responder's department, and three
    disclosure applications (one answered 部分公开 by a company, one open, one untyped)."""
    for month in (3, 9):
        insert_sample(session, Period.month(2025, month), 60, settings.tz, seed=month)
    housing = department_id(session, HOUSING)
    for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.id % 5 == 0)):
        entry.lead_department_id = housing
    e = LedgerEntry
    for row in session.scalars(select(e).where(e.kind == "disclosure")):
        row.kind = "message"  # the sample's applications would be unplaced: keep them out
    rows = [e(kind="disclosure", status="replied", title="申请公开甲", applicant_type="商业企业",
              received_at=local("2025-04-01 09:00"), replied_at=local("2025-04-20 09:00"),
              reply_type="partly"),
            e(kind="disclosure", status="handling", title="申请公开乙", applicant_type="自然人",
              received_at=local("2025-12-20 09:00")),
            e(kind="disclosure", status="replied", title="申请公开丙",
              received_at=local("2025-05-01 09:00"), replied_at=local("2025-05-02 09:00"),
              reply_type="disclosed")]
    session.add_all(rows)
    session.commit()
    return housing, rows


def sign_in(auth, demo_users, role):
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def departments_shown(html: str) -> list[str]:
    return re.findall(r'<th scope="row" data-label="责任部门">([^<]+)</th>', html)


def test_a_leader_sees_every_department_and_a_responder_only_theirs(
        client, auth, demo_users, year_data):
    sign_in(auth, demo_users, "leader")
    html = client.get("/assessment/?year=2025").get_data(as_text=True)
    shown = departments_shown(html)
    assert "2025年度政务舆情回应与留言办理考核" in html and HOUSING in shown
    assert len(shown) >= 8 and shown[-1] == "合计"
    assert '/assessment/2025.pdf"' in html and "/assessment/disclosure?year=2025" in html
    auth.logout()
    sign_in(auth, demo_users, "responder")
    html = client.get("/assessment/?year=2025").get_data(as_text=True)
    assert departments_shown(html) == [HOUSING]
    assert "/assessment/disclosure" not in html
    book = load_workbook(io.BytesIO(client.get("/assessment/2025.xlsx").data))["年度考核"]
    assert book["A5"].value == HOUSING and book["A6"].value is None


def test_files_download(client, auth, demo_users, year_data):
    sign_in(auth, demo_users, "opinion_staff")
    pdf = client.get("/assessment/2025.pdf?kind=message")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert "yuqing-assessment-2025.pdf" in pdf.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(client.get("/assessment/disclosure/2025.xlsx").data))
    assert book.sheetnames == ["表三 申请情况", "表四 复议诉讼", "明细"]


def test_a_number_of_table_three_lists_the_entries_it_counts(
        client, auth, demo_users, year_data):
    _, (company, open_one, untyped) = year_data
    sign_in(auth, demo_users, "leader")
    html = client.get("/assessment/disclosure?year=2025").get_data(as_text=True)
    assert 'data-cell="partly-1">1</a>' in html and 'data-cell="carried_out-0">1</a>' in html
    assert 'data-balance="broken"' in html and "申请公开丙" in html  # no applicant type
    assert "录入或修改" not in html  # leaders read table 四 only
    cell = client.get("/assessment/disclosure/2025/cell?row=partly&col=1")
    text = cell.get_data(as_text=True)
    assert cell.status_code == 200 and "申请公开甲" in text and f"/ledger/{company.id}" in text
    assert "申请公开乙" not in text
    total = client.get("/assessment/disclosure/2025/cell?row=new&col=6").get_data(as_text=True)
    assert "申请公开甲" in total and "申请公开乙" in total and "申请公开丙" not in total
    empty = client.get("/assessment/disclosure/2025/cell?row=withheld_1&col=0")
    assert "此格为 0" in empty.get_data(as_text=True)


def test_staff_enter_table_four_and_errors_keep_what_was_typed(
        client, auth, demo_users, session, year_data):
    sign_in(auth, demo_users, "opinion_staff")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(
        "/assessment/disclosure/2025/remedies").get_data(as_text=True)).group(1)
    bad = client.post("/assessment/disclosure/2025/remedies",
                      data={"csrf_token": token, "review_upheld": "4", "review_other": "两"})
    assert bad.status_code == 400 and 'value="4"' in bad.get_data(as_text=True)
    assert session.scalars(select(RemedyCount)).all() == []
    done = client.post("/assessment/disclosure/2025/remedies",
                       data={"csrf_token": token, "review_upheld": "4",
                             "suit_after_review_corrected": "1"})
    assert done.status_code == 303
    html = client.get(done.location).get_data(as_text=True)
    assert "已保存2025年行政复议、行政诉讼数据" in html and "最近由" in html
    session.expire_all()
    saved = {(r.proceeding, r.result): r.count for r in session.scalars(select(RemedyCount))}
    assert saved[("review", "upheld")] == 4 and saved[("suit_after_review", "corrected")] == 1
    assert session.scalar(select(AuditEvent).where(
        AuditEvent.entity_type == "disclosure_remedy_count")) is not None
