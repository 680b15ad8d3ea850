"""The 历史遗留 list in a real Chromium, at desktop and phone width: a leader ticks "全选本页",
writes a 结案说明 and closes the page; staff take the whole remaining filter and assign it.
No horizontal scrolling, no console errors (the page's script obeys the CSP)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import func, select

from tests.browser_support import sign_in, start_live_server
from tests.tracker.ledger.factory import context, local
from tracker.accounts.users import get_or_create_department
from tracker.db import session_scope
from tracker.ledger import sync_message_cases
from tracker.models import LedgerEntry, MessageCase, Source

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path):
    """The app over its own SQLite file with 60 old unanswered messages (2016 and 2017)."""
    server, stop = start_live_server(tmp_path / "legacy-live")
    with session_scope(server.sessions) as session:
        get_or_create_department(session, "市住房和城乡建设局")
        board = Source(name="old_box", title="市长信箱", kind="board", base_url="", config={})
        session.add(board)
        session.flush()
        for i in range(60):
            uid = uuid.uuid4().hex[:8]
            session.add(MessageCase(
                source_id=board.id, external_id=uid, title=f"多年前的留言 {i}", body="内容",
                submitted_at=local(f"{2016 + i % 2}-05-{1 + i % 28:02d} 09:00"),
                fingerprint=hashlib.sha1(uid.encode()).hexdigest(), category="城乡建设"))
        session.flush()
        sync_message_cases(session, ctx=context(), now=local("2026-12-01 10:00"))
    yield server
    stop()


def legacy_left(server) -> int:
    with session_scope(server.sessions) as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.status == "legacy"))


def person(browser, live, width: int, username: str, errors: list[str]):
    """A page of a fresh browser context, signed in as ``username``."""
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}
                               ).new_page()
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "") else None)
    sign_in(page, live.url, username, f"{username}-demo-123")
    return page


@pytest.mark.parametrize("width", [1440, 390])
def test_close_a_page_then_assign_the_rest_of_a_filter(browser, live, width):
    errors: list[str] = []
    before = legacy_left(live)
    page = person(browser, live, width, "leader", errors)
    page.goto(live.url + "/ledger/legacy")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.check("[data-select-page]")
    ticked = page.locator("input[data-row]:checked").count()
    assert ticked == min(50, before) and f"已选 {ticked} 条" in page.inner_text(
        "[data-selected-count]")
    page.fill("textarea[name=note]", "年代久远，经核实问题已解决，结案。")
    page.click("button[value=close]")
    assert f"已结案 {ticked} 条历史遗留留言" in page.inner_text(".flash")
    assert legacy_left(live) == before - ticked

    page.context.close()
    page = person(browser, live, width, "staff", errors)
    page.goto(live.url + "/ledger/legacy?year=2017")
    remaining = int(page.inner_text("[data-legacy-total]"))
    page.check("[data-select-all]")
    assert page.locator("input[data-row]").first.is_disabled()
    page.select_option("select[name=department_id]", label="市住房和城乡建设局")
    page.click("button[value=assign]")
    assert f"已交办 {remaining} 条历史遗留留言" in page.inner_text(".flash")
    assert errors == []
    page.context.close()
