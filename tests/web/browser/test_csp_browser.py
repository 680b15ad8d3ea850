"""Every role opens the main pages in a real Chromium under the app's Content-Security-Policy:
the browser reports no violation (no inline script or style was left behind), and the bar
charts drawn without inline style still have a size."""

from __future__ import annotations

import pytest

from tests.browser_support import sign_in
from tests.web.security_rows import build_world
from tracker.db import session_scope
from tracker.index import get_index, run_sync

pytestmark = pytest.mark.browser
ACCOUNTS = {"opinion_staff": ("staff", "staff-demo-123"),
            "responder": ("responder", "responder-demo-123"),
            "leader": ("leader", "leader-demo-123"), "admin": ("admin", "admin-demo-123")}
# Collects violations in the page: the event, and Chromium's console message about it.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                    + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def pages(world: dict) -> list[str]:
    """The main pages (those a role may not open answer with the 403 page, checked too)."""
    return ["/", "/alerts/", f"/alerts/{world['alert']}", "/ledger/",
            f"/ledger/{world['entry']}", f"/ledger/{world['disclosure']}/reply",
            "/ledger/new/opinion", "/search/?q=搅拌站", "/reports/?month=2025-09",
            "/dashboard/wall", "/notifications", "/admin/ops/jobs", "/admin/ops/sources",
            "/admin/ops/deliveries", "/admin/ops/notify", "/ledger/calendar", "/ledger/sla",
            "/ledger/calendar/notice", "/account/password", "/admin/users",
            f"/admin/users/{world['member']}", "/no/such/page"]


@pytest.fixture
def world(live_server) -> dict:
    """The rows the pages show, and the mentions in the search index."""
    with session_scope(live_server.sessions) as session:
        ids = build_world(session)
    index = get_index(live_server.settings)
    try:
        report = run_sync(live_server.sessions, index)
        assert report.indexed >= 9 and not report.rejected and report.pending == 0
    finally:
        index.close()
    return ids


def visit(page, url: str, messages: list[str]) -> list[str]:
    """Open ``url``; the CSP violations it caused."""
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate("window.__csp")
    return found + [m for m in messages if "Content Security Policy" in m]


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_no_page_breaks_the_content_security_policy(live_server, browser, world, role):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        messages: list[str] = []
        page.on("console", lambda msg: messages.append(msg.text))
        page.add_init_script(WATCH)
        sign_in(page, live_server.url, *ACCOUNTS[role])
        violations = {}
        for path in pages(world):
            messages.clear()
            found = visit(page, live_server.url + path, messages)
            if found:
                violations[path] = found
        assert violations == {}, violations
    finally:
        context.close()


def _size(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["width"], box["height"]


def test_the_bars_still_have_a_size(live_server, browser, world):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server.url, *ACCOUNTS["opinion_staff"])
        page.goto(f"{live_server.url}/alerts/{world['alert']}")
        width, height = _size(page, "svg.trend")
        assert width > 200 and height > 100
        tallest = _size(page, "svg.trend rect.bar >> nth=-1")
        lowest = _size(page, "svg.trend rect.bar >> nth=0")
        assert tallest[0] > 2 and tallest[1] > 90 and 0 < lowest[1] < 5
        # the world's mentions are half negative, half positive, none neutral
        negative, positive = (_size(page, f"svg.mix rect.{part}")[0] for part in ("neg", "pos"))
        assert negative > 50 and positive > 50
        assert abs(negative + positive - _size(page, "svg.mix")[0]) < 2
        page.goto(f"{live_server.url}/search/?q=搅拌站")
        assert _size(page, "svg.histogram")[1] > 50
        bars = page.locator("svg.histogram rect.bar")
        assert bars.count() >= 1
        assert max(bars.nth(i).bounding_box()["height"] for i in range(bars.count())) > 40
    finally:
        context.close()
