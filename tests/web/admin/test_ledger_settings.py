"""The admin's ledger settings: the holiday calendar and the SLA rules."""

from __future__ import annotations

from tests.conftest import csrf_token


def test_admin_enters_a_holiday_and_an_sla_rule(client, auth, demo_users):
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302
    response = client.post("/ledger/calendar", data={
        "csrf_token": csrf_token(client, "/ledger/calendar"), "day": "2031-10-01",
        "workday": "0", "name": "国庆节"})
    assert response.status_code == 303
    html = client.get("/ledger/calendar").get_data(as_text=True)
    assert "2031-10-01" in html and "国庆节" in html
    response = client.post("/ledger/sla", data={
        "csrf_token": csrf_token(client, "/ledger/sla"), "kind": "message", "level": "",
        "board": "mayor_box", "category": "", "unit": "working_days", "time_limit": "3",
        "extended_limit": "10", "second_limit_hours": "", "clock_start": "found"})
    assert response.status_code == 303
    html = client.get("/ledger/sla").get_data(as_text=True)
    assert "mayor_box" in html and "启用" in html
