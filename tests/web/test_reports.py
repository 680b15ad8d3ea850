"""The reports page: read a month's report, download it in each format (both databases)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.tracker.reports.factory import insert_sample
from tracker.metrics import Period

MONTH = "2025-09"


@pytest.fixture
def month_data(session, settings):
    """A few hundred synthetic entries in September 2025."""
    insert_sample(session, Period.parse_month(MONTH), 120, settings.tz, seed=3)
    session.commit()


def sign_in(auth, demo_users, role="leader"):
    """Sign in as the demo account of ``role``."""
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def test_leader_reads_the_report_in_the_page(client, auth, demo_users, month_data):
    sign_in(auth, demo_users)
    page = client.get(f"/reports/?month={MONTH}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-reports-page" in html
    assert "2025年9月政务舆情回应与留言办理情况月报" in html
    assert "本月共受理各类事项 120 件" in html and html.count("<svg") == 8  # wide and narrow
    assert "dashboard.css" not in html and "/static/reports.css" in html
    for fmt in ("pdf", "xlsx", "html"):
        assert f'/reports/{MONTH}.{fmt}"' in html


@pytest.mark.parametrize(("fmt", "magic", "kind"), [
    ("html", b"<!doctype html>", "text/html"), ("xlsx", b"PK", "spreadsheetml"),
    ("pdf", b"%PDF-", "application/pdf")])
def test_download_each_format(client, auth, demo_users, month_data, fmt, magic, kind):
    sign_in(auth, demo_users, "opinion_staff")
    response = client.get(f"/reports/{MONTH}.{fmt}")
    assert response.status_code == 200
    assert kind in response.headers["Content-Type"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="yuqing-monthly-{MONTH}.{fmt}"')
    assert response.data.startswith(magic)
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(response.data))["分类型"]["B2"].value >= 0


def test_the_default_month_is_last_month(client, auth, demo_users):
    sign_in(auth, demo_users)
    html = client.get("/reports/").get_data(as_text=True)
    assert 'type="month"' in html and "月政务舆情回应与留言办理情况月报" in html


def test_bad_months_and_formats(client, auth, demo_users):
    sign_in(auth, demo_users)
    assert client.get("/reports/?month=2025-13").status_code == 400
    assert client.get("/reports/2025-09.docx").status_code == 404
    assert client.get("/reports/2025-9.pdf").status_code == 404


def test_responders_and_strangers_cannot_read_reports(client, auth, demo_users):
    anonymous = client.get(f"/reports/{MONTH}.pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    sign_in(auth, demo_users, "responder")
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/{MONTH}.xlsx").status_code == 403
    assert "月度报告" not in client.get("/responder").get_data(as_text=True)
