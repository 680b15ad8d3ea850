"""The monthly report page at 1440 px and on a 390 px phone, in a real Chromium: nothing
scrolls sideways, chart text is at least 12 px, section 五 stacks its heading, charts and
table, and on the phone the tables are cards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser_support import sign_in, start_live_server
from tests.tracker.reports.factory import insert_sample
from tracker.db import session_scope
from tracker.metrics import Period
from tracker.models.base import utcnow

PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}

pytestmark = pytest.mark.browser

#: The smallest chart text as drawn (font size in SVG units × the SVG's scale), in CSS px,
#: over the charts that are shown.
SMALLEST_CHART_TEXT = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('.report-body svg.chart')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;  // the set for the other screen width
    const scale = box.width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      sizes.push(parseFloat(t.getAttribute('font-size')) * scale);
    }
  }
  return sizes.length ? Math.min(...sizes) : 0;
}"""

WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('.report-body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app over a SQLite file with a year of entries and a busy last month."""
    server, stop = start_live_server(tmp_path_factory.mktemp("live"))
    this_month = Period.month(utcnow().year, utcnow().month)
    with session_scope(server.sessions) as session:
        for back in range(12, 0, -1):
            insert_sample(session, this_month.shifted_months(-back), 40 if back > 1 else 300,
                          server.settings.tz, seed=back)
    yield server.url, this_month.shifted_months(-1).start.strftime("%Y-%m")
    stop()


def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``YUQING_TEST_SCREENSHOTS`` when set, else the test's folder."""
    folder = Path(os.environ.get("YUQING_TEST_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_report(browser, base: str, month: str, viewport: dict, phone: bool):
    """A leader's page showing the report of ``month`` at ``viewport``."""
    context = browser.new_context(viewport=viewport, is_mobile=phone, locale="zh-CN",
                                  device_scale_factor=2 if phone else 1)
    context.set_default_timeout(60_000)
    page = context.new_page()
    sign_in(page, base, "leader", "leader-demo-123")
    page.goto(f"{base}/reports/?month={month}")
    page.wait_for_selector(f"[data-report-month='{month}']")
    return context, page


def test_the_report_fits_a_phone(live, browser, tmp_path):
    base, month = live
    context, page = open_report(browser, base, month, PHONE, phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert page.locator(".report-body svg.chart:visible").count() == 4
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    # Tables are cards: no header row shown, each cell names its column.
    assert page.locator("table.cards thead").first.bounding_box()["height"] <= 1
    labels = page.evaluate("""() => [...document.querySelectorAll('table.cards tbody tr')[0]
      .querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content)""")
    assert labels[:3] == ['"受理"', '"已答复"', '"答复率"']
    page.screenshot(path=str(shots(tmp_path) / "report-390.png"), full_page=True)
    context.close()


def test_the_report_lays_out_at_1440(live, browser, tmp_path):
    base, month = live
    context, page = open_report(browser, base, month, DESK, phone=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    # Section 五: heading, then the charts two by two, then the table, one under another.
    heading = page.locator(".yq-charts h2").bounding_box()
    grid = page.locator(".yq-charts .chart-wide").bounding_box()
    table = page.locator(".yq-charts table.dist").bounding_box()
    assert heading["y"] + heading["height"] <= grid["y"] < grid["y"] + grid["height"] <= table["y"]
    figures = [page.locator(".chart-wide figure").nth(i).bounding_box() for i in range(4)]
    assert figures[0]["y"] == figures[1]["y"] and figures[1]["x"] > figures[0]["x"]
    assert figures[2]["y"] > figures[0]["y"] + figures[0]["height"] - 1
    # Tables are tables here, with their header row.
    assert page.locator("table.cards thead").first.bounding_box()["height"] > 10
    page.screenshot(path=str(shots(tmp_path) / "report-1440.png"), full_page=True)
    context.close()
