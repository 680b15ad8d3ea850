"""A leader opens the dashboard and the reports page in a real Chromium and downloads the
monthly report (Playwright, headless /usr/bin/chromium, a live server on 127.0.0.1)."""

from __future__ import annotations

import pytest

from tests.browser_support import sign_in, start_live_server
from tests.tracker.reports.factory import insert_sample
from tracker.db import session_scope
from tracker.metrics import Period
from tracker.models.base import utcnow

PHONE, PROJECTOR = {"width": 390, "height": 844}, {"width": 1920, "height": 1080}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app on a free port over a SQLite file with demo accounts and a year of entries."""
    server, stop = start_live_server(tmp_path_factory.mktemp("live"))
    this_month = Period.month(utcnow().year, utcnow().month)
    with session_scope(server.sessions) as session:
        for back in range(12, -1, -1):
            insert_sample(session, this_month.shifted_months(-back), 60, server.settings.tz,
                          seed=back)
    yield server.url, this_month
    stop()






def test_leader_reads_the_dashboard_and_downloads_the_report(live, browser, tmp_path):
    base, month = live
    context = browser.new_context(viewport=PROJECTOR, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    sign_in(page, base, "leader", "leader-demo-123")
    assert page.url.endswith("/leader")
    assert page.locator("[data-role-home=leader] [data-dashboard]").is_visible()
    assert page.locator("[data-dashboard] svg.chart").count() >= 3
    assert "按期办结率" in page.inner_text("[data-dashboard]")
    page.screenshot(path=str(tmp_path / "dashboard-projector.png"), full_page=True)

    page.click("nav >> text=月度报告")
    page.wait_for_selector("[data-reports-page]")
    last = month.shifted_months(-1).start.strftime("%Y-%m")
    page.fill("input[name=month]", last)
    page.click("form.month-form button[type=submit]")
    page.wait_for_selector(f"[data-report-month='{last}']")
    assert "本月共受理各类事项" in page.inner_text(".report-body")
    assert page.locator(".report-body svg.chart:visible").count() == 4

    with page.expect_download(timeout=120_000) as info:
        page.click("a[data-format=pdf]")
    download = info.value
    assert download.suggested_filename == f"yuqing-monthly-{last}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and saved.stat().st_size > 20_000

    with page.expect_download() as info:
        page.click("a[data-format=xlsx]")
    assert info.value.suggested_filename.endswith(".xlsx")
    assert outside == []  # nothing fetched from anywhere but the app
    context.close()


def test_the_dashboard_fits_a_phone(live, browser, tmp_path):
    base, _ = live
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    sign_in(page, base, "leader", "leader-demo-123")
    page.wait_for_selector("[data-dashboard]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # no sideways scrolling
    chart = page.locator("[data-dashboard] svg.chart").first.bounding_box()
    assert chart["width"] <= PHONE["width"] and chart["width"] > 250
    page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    context.close()
