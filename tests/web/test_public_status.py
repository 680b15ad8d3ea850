"""办理进度查询 (/public/status), on SQLite and PostgreSQL: no login; the right number and
code show the steps and nothing internal; a wrong code and an unknown number get the same
page from the same queries; hostile input is refused in Chinese; misses are throttled per
address; staff see the code on the entry page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from tests.conftest import csrf_token
from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.ledger import open_opinion_entry, perform
from tracker.ledger.status import ALLOWANCE
from tracker.models import LedgerEntry
from tracker.models.ledger import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH

URL = "/public/status"
NOT_FOUND = "未查到办理信息"


@pytest.fixture
def entry(session, demo_users):
    """An opinion assessed and assigned to housing, with a note and a person nobody outside
    may see, and a title naming a citizen (the page shows no title)."""
    staff = actor(session, "staff")
    ctx = context()
    item = open_opinion_entry(session, title="王守义反映小区3栋2单元501室漏水，电话13812345678",
                              summary="内部摘要甲乙丙", source="本地论坛", url=None,
                              found_at=local("2025-09-30 09:00"), first_published_at=None,
                              level="一般", actor_id=staff.id, ctx=ctx)
    perform(session, item, "assess", staff, ctx=ctx, now=local("2025-09-30 09:10"))
    perform(session, item, "assign", staff, ctx=ctx, now=local("2025-09-30 09:20"),
            data={"lead_department_id": department_id(session, HOUSING)})
    item.note = "内部备注不得公开"
    item.responsible_person = "责任人李四"
    session.flush()
    return item


def post(client, number, code, address="198.51.100.7"):
    token = csrf_token(client, URL)
    return client.post(URL, data={"number": number, "code": code, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def visible(response) -> str:
    """The page without the parts that differ per request (CSRF token, the typed number)."""
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return re.sub(r'name="number"([^>]*?)value="[^"]*"', r'name="number"\1', html)


def test_every_entry_gets_its_own_random_code(entry, session):
    other = LedgerEntry(kind="message", status="accepted", title="另一条",
                        received_at=entry.received_at)
    session.add(other)
    session.flush()
    for code in (entry.query_code, other.query_code):
        assert len(code) == QUERY_CODE_LENGTH and set(code) <= set(QUERY_CODE_ALPHABET)
    assert entry.query_code != other.query_code


def test_the_form_needs_no_login(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "办理进度查询" in html and 'name="code"' in html and "退出" not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_the_right_code_shows_the_steps_and_nothing_internal(client, entry):
    code = entry.query_code
    response = post(client, f" {entry.id} ", f"{code[:4]} {code[4:8]}-{code[8:]}")  # as typed
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-result" in html, html[:500]
    assert "当前进度" in html and "已交办" in html and "市住房和城乡建设局" in html
    assert "已受理" in html and "2025-09-30" in html
    assert html.count('class="done"') == 2 and html.count('class="todo"') == 3
    for secret in ("王守义", "13812345678", "501室", "内部备注", "责任人李四", "内部摘要",
                   entry.query_code):
        assert secret not in html, secret
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_code_and_an_unknown_number_look_the_same(client, entry, session):
    statements: list[str] = []
    engine = session.get_bind().engine

    def count(conn, cursor, statement, *args):
        statements.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        wrong = post(client, str(entry.id), "0000-0000-0000", "198.51.100.1")
        wrong_queries = list(statements)
        statements.clear()
        unknown = post(client, "2147483000", "0000-0000-0000", "198.51.100.2")
        unknown_queries = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert wrong.status_code == unknown.status_code == 200
    assert NOT_FOUND in wrong.get_data(as_text=True)
    assert visible(wrong) == visible(unknown)
    assert wrong_queries == unknown_queries  # the same work: one row read, one miss counted


@pytest.mark.parametrize(("number", "code", "status"), [
    ("", "ABCDE-FGHJK", 400),
    ("1", "", 400),
    ("9" * 30, "ABCDE-FGHJK", 200),
    (str(2**63), "ABCDE-FGHJK", 200),
    ("-1", "ABCDE-FGHJK", 200),
    ("1 OR 1=1", "' OR '1'='1", 200),
    ("１２３", "ABCDE", 200),  # full-width digits
    ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 200),
    ("1", "A" * 10_000, 200),
    ("\x00", "\x00", 200),
])
def test_hostile_input_is_refused_in_chinese(client, entry, number, code, status):
    response = post(client, number, code)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:300]
    assert ("请填写" if status == 400 else NOT_FOUND) in html
    assert "<script>alert" not in html and "<img src=x" not in html


def test_misses_are_throttled_per_address(client, entry):
    for _ in range(ALLOWANCE):
        assert NOT_FOUND in post(client, str(entry.id), "1111-2222-3333").get_data(as_text=True)
    refused = post(client, str(entry.id), entry.query_code)  # even the right code must wait
    assert refused.status_code == 429 and "分钟后再试" in refused.get_data(as_text=True)
    elsewhere = post(client, str(entry.id), entry.query_code, address="203.0.113.9")
    assert elsewhere.status_code == 200 and "data-result" in elsewhere.get_data(as_text=True)


def test_lookups_do_not_slow_sign_in(client, entry, auth, demo_users):
    for _ in range(ALLOWANCE + 2):
        post(client, str(entry.id), "1111-2222-3333", address="127.0.0.1")
    assert auth.login("staff", "staff-demo-123").status_code == 302


def test_staff_see_the_code_on_the_entry_page(client, auth, entry, demo_users, session):
    assert auth.login("staff", "staff-demo-123").status_code == 302
    html = client.get(f"/ledger/{entry.id}").get_data(as_text=True)
    code = entry.query_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in html and "办理进度查询" in html


def test_the_code_survives_in_the_database(session, entry):
    stored = session.scalar(select(LedgerEntry.query_code).where(LedgerEntry.id == entry.id))
    assert stored == entry.query_code


def test_full_width_digits_typed_with_an_ime_are_understood(client, entry):
    wide = entry.query_code.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    number = str(entry.id).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    response = post(client, f"第{number}号", wide)
    assert "data-result" in response.get_data(as_text=True)
