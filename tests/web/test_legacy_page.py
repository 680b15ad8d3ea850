"""The 历史遗留 page: who sees it, counts and filters, bulk 结案 with a note and bulk 交办,
each audited per entry; the dashboard and the ledger list say how many wait there. Both
databases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.ledger.factory import (
    HOUSING,
    actor,
    context,
    department_id,
    local,
    message_case,
)
from tracker.ledger import sync_message_cases
from tracker.ledger.service import audit_trail
from tracker.models import LedgerEntry

NOW = local("2026-12-01 10:00")


@pytest.fixture
def legacy(session, demo_users):
    """Three old unanswered messages (2014, 2015, 2015) on the 历史遗留 list."""
    sync_message_cases(session, ctx=context(), now=NOW)
    cases = [message_case(session, "W-1", "2014-05-06 09:00"),
             message_case(session, "W-2", "2015-03-10 09:00"),
             message_case(session, "W-3", "2015-08-01 09:00")]
    sync_message_cases(session, ctx=context(), now=NOW)
    session.commit()
    entries = [session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == c.id))
               for c in cases]
    assert all(e.status == "legacy" for e in entries)
    return entries


def sign_in(auth, demo_users, role):
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


@pytest.mark.parametrize(("role", "status"), [("opinion_staff", 200), ("leader", 200),
                                              ("admin", 200), ("responder", 403)])
def test_who_may_open_the_page(client, auth, demo_users, legacy, role, status):
    sign_in(auth, demo_users, role)
    response = client.get("/ledger/legacy")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    if status == 200:
        assert "历史遗留留言" in html and legacy[0].title in html
        assert re.search(r"data-legacy-all>\d+<", html)
    else:
        assert "历史遗留留言" not in html


def test_counts_and_filters_by_year_and_board(client, auth, demo_users, legacy):
    sign_in(auth, demo_users, "leader")
    html = client.get("/ledger/legacy?year=2015").get_data(as_text=True)
    assert "data-legacy-total>2<" in html
    assert legacy[1].title in html and legacy[2].title in html and legacy[0].title not in html
    assert "2014 年" in html and "2015 年" in html
    html = client.get("/ledger/legacy?board=mayor_box&year=2014").get_data(as_text=True)
    assert "data-legacy-total>1<" in html and "市长信箱" in html
    html = client.get("/ledger/legacy?board=no_such_board").get_data(as_text=True)
    assert "没有符合筛选条件的历史遗留留言" in html
    bad = client.get("/ledger/legacy?year=abc")
    assert bad.status_code == 400 and "年份参数无效" in bad.get_data(as_text=True)


def post(client, data):
    token = csrf_token(client, "/ledger/legacy")
    return client.post("/ledger/legacy/decide", data={**data, "csrf_token": token})


def test_bulk_close_needs_a_note_and_audits_each_entry(client, auth, demo_users, legacy,
                                                       session):
    sign_in(auth, demo_users, "leader")
    ids = [str(e.id) for e in legacy[:2]]
    refused = post(client, {"action": "close", "ids": ids, "note": " "})
    assert refused.status_code == 303
    assert "请填写结案说明" in client.get(refused.location).get_data(as_text=True)
    session.expire_all()
    assert all(session.get(LedgerEntry, e.id).status == "legacy" for e in legacy)

    done = post(client, {"action": "close", "ids": ids, "note": "年代久远，经核实已解决"})
    assert done.status_code == 303
    assert "已结案 2 条历史遗留留言" in client.get(done.location).get_data(as_text=True)
    session.expire_all()
    for entry in legacy[:2]:
        entry = session.get(LedgerEntry, entry.id)
        assert entry.status == "archived" and entry.closed_at is not None
        closing = [e for e in audit_trail(session, entry.id) if e.action == "close"]
        assert closing[0].detail["note"] == "年代久远，经核实已解决"
        assert closing[0].actor_id == actor(session, "leader").id
    assert session.get(LedgerEntry, legacy[2].id).status == "legacy"


def test_bulk_assign_everything_a_filter_holds(client, auth, demo_users, legacy, session):
    sign_in(auth, demo_users, "opinion_staff")
    housing = department_id(session, HOUSING)
    session.commit()
    no_department = post(client, {"action": "assign", "all_matching": "1", "year": "2015"})
    assert "请选择牵头单位" in client.get(no_department.location).get_data(as_text=True)
    done = post(client, {"action": "assign", "all_matching": "1", "year": "2015",
                         "department_id": str(housing)})
    assert done.status_code == 303 and "year=2015" in done.location
    session.expire_all()
    for entry in legacy[1:]:
        entry = session.get(LedgerEntry, entry.id)
        assert entry.status == "assigned" and entry.lead_department_id == housing
        assert entry.due_at is not None and entry.clock_restarted_at is not None
        assert any(e.action == "assign" and e.actor_id == actor(session, "staff").id
                   for e in audit_trail(session, entry.id))
    assert session.get(LedgerEntry, legacy[0].id).status == "legacy"  # 2014: not in filter


def test_a_responder_cannot_decide(client, auth, demo_users, legacy, session):
    sign_in(auth, demo_users, "responder")
    token = csrf_token(client, "/ledger/")
    response = client.post("/ledger/legacy/decide", data={
        "action": "close", "ids": [str(legacy[0].id)], "note": "x", "csrf_token": token})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(LedgerEntry, legacy[0].id).status == "legacy"


def test_dashboard_and_ledger_list_point_to_the_list(client, auth, demo_users, legacy):
    sign_in(auth, demo_users, "leader")
    home = client.get("/leader").get_data(as_text=True)
    note = re.search(r"data-legacy-note>(.*?)</p>", home, re.S)
    assert note and "不计入超期" in note.group(1) and "/ledger/legacy" in note.group(1)
    assert "data-legacy-link" in client.get("/ledger/").get_data(as_text=True)
