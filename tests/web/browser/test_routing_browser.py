"""部门与分办 and 待分办 in a real Chromium, at desktop (1440) and phone (390) widths: the admin
disables a department and maps a category on the pages; staff assign a queued message with one
click; no page is wider than the screen. Screenshots go to $YUQING_SHOTS when it is set."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_support import start_live_server
from tests.tracker.ledger.factory import message_case
from tracker.accounts import seed_departments
from tracker.db import session_scope
from tracker.ledger import sync_message_cases
from tracker.models import Department, LedgerEntry

# The test messages are of 2025-09-26: synced days later they are current, not historic.
SYNCED = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)

SHOTS = os.environ.get("YUQING_SHOTS")
WIDTHS = (1440, 390)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live app with the default departments and three messages waiting in 待分办."""
    server, stop = start_live_server(tmp_path_factory.mktemp("routing-live"))
    with session_scope(server.sessions) as session:
        seed_departments(session)
        for n, (title, body) in enumerate((
                ("你好", "你好"), ("咨询一下", "请问这个事情应该找哪个部门反映？谢谢"),
                ("建议", "希望有关部门重视，尽快解决，谢谢！"),
                ("学区划分不合理", "孩子入学 学位 学区划分不合理，希望教育局重新考虑划片"))):
            case = message_case(session, f"B{n}", "2025-09-26 10:00")
            case.title, case.body = title, body
        session.flush()
        sync_message_cases(session, now=SYNCED)
    yield server
    stop()


def person(browser, base: str, username: str, width: int):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def look(page, name: str, width: int) -> None:
    """The page fits the screen; keep a screenshot when asked to."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, (name, width, overflow)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_pages_at_each_width(live, browser, width):
    context, page = person(browser, live.url, "admin", width)
    page.goto(live.url + "/admin/departments")
    assert page.locator("tr[data-department]").count() >= 15
    look(page, "admin-departments", width)
    page.click("details[data-edit='市民政局'] summary")
    look(page, "admin-departments-edit", width)
    page.goto(live.url + "/admin/routing")
    assert page.locator("tr[data-category]").count() == 15
    look(page, "admin-routing", width)
    page.goto(live.url + "/ledger/queue")
    look(page, "admin-queue", width)
    context.close()


def test_staff_assign_with_one_click_and_the_admin_disables_a_department(live, browser):
    for width in WIDTHS:
        context, page = person(browser, live.url, "staff", width)
        page.goto(live.url + "/ledger/queue")
        assert page.locator("[data-suggestion]").count() >= 3
        look(page, "staff-queue", width)
        page.locator("article.queue-item details summary").first.click()
        look(page, "staff-queue-other", width)
        context.close()
    context, page = person(browser, live.url, "staff", 1440)
    page.goto(live.url + "/ledger/queue")
    first = page.locator("article.queue-item").first
    entry_id = int(first.get_attribute("data-entry-id"))
    name = first.locator("[data-suggestion]").first.get_attribute("data-suggestion")
    first.locator("[data-suggestion]").first.click()
    page.wait_for_load_state()
    assert f"交{name}办理" in page.locator(".flash-info, .flash").first.inner_text()
    assert page.locator(f"article[data-entry-id='{entry_id}']").count() == 0
    with session_scope(live.sessions) as session:
        entry = session.get(LedgerEntry, entry_id)
        assert (entry.status, entry.lead_department.name) == ("assigned", name)
    context.close()

    context, page = person(browser, live.url, "admin", 1440)
    page.goto(live.url + "/admin/departments")
    page.locator("tr[data-department='市科学技术局'] button", has_text="停用").click()
    page.wait_for_load_state()
    assert "已停用部门“市科学技术局”" in page.content()
    page.goto(live.url + "/ledger/queue")
    assert "市科学技术局" not in page.locator("select").first.inner_text()
    context.close()
    with session_scope(live.sessions) as session:
        dept = session.scalar(select(Department).where(Department.name == "市科学技术局"))
        assert dept.active is False


def test_the_timeline_says_why_an_entry_was_routed(live, browser):
    with session_scope(live.sessions) as session:
        entry_id = session.scalar(select(LedgerEntry.id)
                                  .where(LedgerEntry.title == "学区划分不合理"))
    for width in WIDTHS:
        context, page = person(browser, live.url, "staff", width)
        page.goto(f"{live.url}/ledger/{entry_id}")
        timeline = page.locator("[data-timeline]").inner_text()
        assert "自动分办：分类为教育文体（置信度" in timeline and "交市教育局" in timeline
        assert page.locator("[data-lead]").inner_text() == "市教育局"
        look(page, "staff-entry-routed", width)
        context.close()
