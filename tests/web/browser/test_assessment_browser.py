"""The year pages in a real Chromium: every role reads the yearly assessment at 1440 and
390 px (a responder only their department), a leader follows a number of the 政府信息公开
table to the applications it counts, staff enter table 四 (Playwright, a live server)."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.browser_support import sign_in, start_live_server
from tests.tracker.ledger.factory import HOUSING, department_id
from tests.tracker.reports.factory import insert_sample
from tracker.db import session_scope
from tracker.metrics import Period
from tracker.models import LedgerEntry
from tracker.models.base import utcnow
from tracker.vocabulary import REPLY_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
ACCOUNTS = {"leader": "leader-demo-123", "staff": "staff-demo-123", "admin": "admin-demo-123",
            "responder": "responder-demo-123"}
SHOTS = Path(os.environ.get("YUQING_SHOTS", "/tmp/shots-assess"))
APPLICANTS = ("自然人", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def disclosures(session, year: int, tz, n: int = 40) -> None:
    """Applications of ``year``: answered with every reply type, some still open."""
    rnd = random.Random(year)
    lower = Period(Period.month(year, 1).start, Period.month(year, 1).end).utc_bounds(tz)[0]
    for i in range(n):
        received = lower + timedelta(days=rnd.uniform(0, 300))
        entry = LedgerEntry(kind="disclosure", status="handling", title=f"申请公开资金使用情况{i}",
                            received_at=received, applicant=f"申请人{i}",
                            applicant_type=rnd.choice(APPLICANTS))
        if i % 5:
            entry.status, entry.replied_at = "replied", received + timedelta(days=15)
            entry.reply_type = REPLY_TYPES[i % len(REPLY_TYPES)].code
        session.add(entry)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app over a year of entries (some of the demo responder's department)."""
    server, stop = start_live_server(tmp_path_factory.mktemp("live"))
    year = utcnow().year
    with session_scope(server.sessions) as session:
        for month in range(1, utcnow().month + 1):
            insert_sample(session, Period.month(year, month), 40, server.settings.tz, seed=month)
        housing = department_id(session, HOUSING)
        session.execute(update(LedgerEntry).where(LedgerEntry.id % 7 == 0)
                        .values(lead_department_id=housing))
        # The sample's applications carry no applicant type: give them one, so the table
        # balances (the unplaced ones are shown apart; tests/tracker/assessment checks that).
        e = LedgerEntry
        session.execute(update(e).where(e.kind == "disclosure").values(applicant_type="自然人"))
        session.execute(update(e).where(e.kind == "disclosure", e.replied_at.is_not(None))
                        .values(reply_type="disclosed"))
        disclosures(session, year, server.settings.tz)
        lower, upper = Period(Period.month(year, 1).start, Period.month(year, 12).end) \
            .utc_bounds(server.settings.tz)
        new = session.scalar(select(func.count()).where(
            e.kind == "disclosure", e.received_at >= lower, e.received_at < upper))
    yield server.url, year, new
    stop()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_reads_the_assessment_at_both_widths(live, browser, role):
    base, year, _ = live
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, role, ACCOUNTS[role])
        page.click("nav >> text=年度考核")
        page.wait_for_selector(f"[data-assessment-year='{year}']")
        rows = page.locator("table.assessment tbody tr")
        text = page.inner_text(".assessment-body")
        if role == "responder":
            assert rows.count() == 1 and HOUSING in text
        else:
            assert rows.count() >= 8 and "合计" in text
        assert "口径说明" in text
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"year-{role}-{size}.png"), full_page=True)
        if role != "responder":
            page.goto(f"{base}/assessment/disclosure?year={year}")
            page.wait_for_selector("[data-table=three]")
            no_sideways_scroll(page)
            page.screenshot(path=str(SHOTS / f"disclosure-{role}-{size}.png"), full_page=True)
        context.close()


def test_a_number_leads_to_the_applications_it_counts(live, browser):
    base, year, new = live
    page = browser.new_page(viewport=SIZES["1440"], locale="zh-CN")
    sign_in(page, base, "leader", ACCOUNTS["leader"])
    page.goto(f"{base}/assessment/disclosure?year={year}")
    link = page.locator("[data-row=new] a[data-cell='new-6']")
    count = int(link.inner_text())
    assert count == new > 40
    assert page.locator("[data-balance=ok]").is_visible()
    assert page.locator("text=录入或修改").count() == 0  # a leader reads table 四 only
    link.click()
    page.wait_for_selector("[data-cell-entries]")
    assert page.locator("[data-cell-entries] tbody tr").count() == count
    page.screenshot(path=str(SHOTS / "cell-leader-1440.png"), full_page=True)
    page.close()


def test_staff_enter_table_four(live, browser):
    base, year, _ = live
    page = browser.new_page(viewport=SIZES["390"], locale="zh-CN")
    sign_in(page, base, "staff", ACCOUNTS["staff"])
    page.goto(f"{base}/assessment/disclosure?year={year}")
    page.click(f"text=录入或修改{year}年数据")
    page.fill("#review_upheld", "3")
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "remedies-staff-390.png"), full_page=True)
    page.fill("#suit_direct_pending", "2")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-table=four]")
    row = page.locator("[data-table=four] tbody tr").first
    assert "3" in row.inner_text()
    assert "已保存" in page.inner_text("main")
    page.close()
