"""The admin's ledger settings: the holiday calendar and the SLA rules."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.models.ledger import HolidayOverride, HolidayYear


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


NOTICES = Path(__file__).parents[2] / "tracker" / "deadlines" / "notices"
#: Test-made (the file says so): no 2027 notice existed when this was written.
SYNTHETIC_2027 = (NOTICES / "synthetic-2027.txt").read_text(encoding="utf-8")


def sign_in_admin(client, auth, demo_users) -> None:
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302


def year_row(html: str, year: int) -> str:
    start = html.index(f'data-year="{year}"')
    return html[start:html.index("</tr>", start)]


def test_admin_pastes_a_notice_previews_it_and_confirms(client, auth, demo_users, session):
    sign_in_admin(client, auth, demo_users)
    page = client.get("/ledger/calendar").get_data(as_text=True)
    assert "导入国务院放假通知" in page
    token = csrf_token(client, "/ledger/calendar/notice")
    preview = client.post("/ledger/calendar/notice", data={
        "csrf_token": token, "text": SYNTHETIC_2027, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "预览：2027 年放假安排" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "2月5日（周五）至2月12日（周五）" in text and "1月31日（周日）" in text
    assert "确认导入" in html and "通知无法导入" not in html
    assert session.scalar(select(func.count()).select_from(HolidayYear)) == 0  # not yet
    confirmed = client.post("/ledger/calendar/notice", data={
        "csrf_token": token, "text": SYNTHETIC_2027, "action": "confirm"})
    assert confirmed.status_code == 303 and confirmed.location.endswith("/ledger/calendar")
    html = client.get("/ledger/calendar").get_data(as_text=True)
    assert "已导入 2027 年放假安排（33 天）" in html
    assert "完整" in year_row(html, 2027) and "管理员导入国务院放假通知" in year_row(html, 2027)
    assert session.scalar(select(func.count()).select_from(HolidayOverride)) == 33


def test_a_faulty_notice_shows_its_errors_and_cannot_be_confirmed(client, auth, demo_users,
                                                                  session):
    sign_in_admin(client, auth, demo_users)
    token = csrf_token(client, "/ledger/calendar/notice")
    wrong = SYNTHETIC_2027.replace("9月26日（周日）", "9月26日（周一）")
    for action in ("preview", "confirm"):  # a forged confirm is parsed again and refused
        response = client.post("/ledger/calendar/notice", data={
            "csrf_token": token, "text": wrong, "action": action})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "通知无法导入，未保存任何内容" in html
        assert "国庆节：9月26日标注为“周一”，实际是周日，请核对通知原文" in html
        assert 'data-action="confirm-notice"' not in html
    assert session.scalar(select(func.count()).select_from(HolidayOverride)) == 0
    empty = client.post("/ledger/calendar/notice", data={"csrf_token": token, "text": ""})
    assert "请粘贴通知全文" in empty.get_data(as_text=True)


def test_a_partly_entered_year_is_incomplete_until_confirmed(client, auth, demo_users):
    sign_in_admin(client, auth, demo_users)
    token = csrf_token(client, "/ledger/calendar")
    client.post("/ledger/calendar", data={"csrf_token": token, "day": "2031-10-01",
                                          "workday": "0", "name": "国庆节"})
    html = client.get("/ledger/calendar").get_data(as_text=True)
    assert "⚠ 不完整" in year_row(html, 2031) and "确认已录入完整" in year_row(html, 2031)
    response = client.post("/ledger/calendar/2031/complete", data={"csrf_token": token})
    assert response.status_code == 303
    html = client.get("/ledger/calendar").get_data(as_text=True)
    assert "2031 年已确认录入完整" in html
    assert "完整" in year_row(html, 2031) and "⚠" not in year_row(html, 2031)
    refused = client.post("/ledger/calendar/2032/complete", data={"csrf_token": token})
    assert "2032 年还没有录入任何日期" in client.get(refused.location).get_data(as_text=True)
