"""办理进度查询 in a real Chromium, without signing in, at 1440 and 390 px: the form, a right
code (the steps), a wrong code (the one refusal); no page scrolls sideways and the strict CSP
holds (no console errors). Staff, leader, responder and admin see the code on the entry page.
Screenshots go to /tmp/shots-mask/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import start_live_server
from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.db import session_scope
from tracker.ledger import open_opinion_entry, perform, query_code_of

SHOTS = Path("/tmp/shots-mask")
WIDTHS = (1440, 390)
ROLES = {"staff": "staff-demo-123", "leader": "leader-demo-123",
         "responder": "responder-demo-123", "admin": "admin-demo-123"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app with one opinion assessed and assigned to the demo responder's department."""
    server, stop = start_live_server(tmp_path_factory.mktemp("status-live"))
    with session_scope(server.sessions) as session:
        staff = actor(session, "staff")
        ctx = context()
        entry = open_opinion_entry(
            session, title="网传某小区停水三天，王守义13812345678", summary="内部摘要",
            source="本地论坛", url=None, found_at=local("2025-09-30 09:00"),
            first_published_at=None, level="一般", actor_id=staff.id, ctx=ctx)
        perform(session, entry, "assess", staff, ctx=ctx, now=local("2025-09-30 09:10"))
        perform(session, entry, "assign", staff, ctx=ctx, now=local("2025-09-30 09:20"),
                data={"lead_department_id": department_id(session, HOUSING)})
        session.flush()
        number, code = entry.id, query_code_of(entry)
    yield server.url, number, code
    stop()


def open_page(browser, width: int):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def lookup(page, base: str, number, code: str) -> str:
    page.goto(base + "/public/status")
    page.fill("input[name=number]", str(number))
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page.inner_text("main")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_lookup_without_signing_in(browser, live, width):
    base, number, code = live
    SHOTS.mkdir(exist_ok=True)
    context, page, errors = open_page(browser, width)
    page.goto(base + "/public/status")
    assert "办理进度查询" in page.inner_text("h1")
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"status-form-{width}.png"), full_page=True)

    text = lookup(page, base, number, code.replace("-", " "))
    assert "当前进度" in text and "已交办" in text and HOUSING in text, text
    assert "王守义" not in text and "13812345678" not in text and "内部摘要" not in text
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"status-found-{width}.png"), full_page=True)

    text = lookup(page, base, number, "0000-0000-0000")
    assert "未查到办理信息" in text and "当前进度" not in text
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"status-wrong-{width}.png"), full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("role", ROLES)
def test_the_entry_page_shows_the_code(browser, live, role):
    base, number, code = live
    for width in WIDTHS:
        context, page, errors = open_page(browser, width)
        page.goto(base + "/login")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", ROLES[role])
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{base}/ledger/{number}")
        assert code in page.inner_text("[data-query-code]")
        no_sideways_scroll(page, width)
        page.locator("dl.facts").screenshot(path=str(SHOTS / f"entry-code-{role}-{width}.png"))
        assert errors == []
        context.close()
