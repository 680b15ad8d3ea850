"""Acceptance 4 (reply checks): in a real Chromium a responder writes a reply, clicks 检查答复
and sees the checklist in Chinese before submitting; after submitting, the leader sees the same
checks at 审签 (entry page and inbox). Screenshots at 1440 and 390 px when YUQING_SHOTS names a
folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser_support import start_live_server
from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.db import session_scope
from tracker.ledger import open_opinion_entry, perform

pytestmark = pytest.mark.browser

REFUSAL = "您好！经核实，您的情况不符合条件，不予办理。"
SHOTS = os.environ.get("YUQING_SHOTS")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app over its own SQLite file with one opinion accepted by the housing responder."""
    server, stop = start_live_server(tmp_path_factory.mktemp("reply-check-live"))
    with session_scope(server.sessions) as session:
        staff, ctx = actor(session, "staff"), context()
        entry = open_opinion_entry(
            session, title="东塘小区停水三天无人处理", summary="东塘小区3栋停水三天，物业不管，"
            "什么时候能恢复供水？停水期间能不能安排送水？", source="本地论坛", url=None,
            found_at=local("2025-09-30 09:00"), first_published_at=None, level="一般",
            mention_ids=[], actor_id=staff.id, ctx=ctx)
        perform(session, entry, "assess", staff, ctx=ctx, now=local("2025-09-30 09:10"))
        perform(session, entry, "assign", staff, ctx=ctx, now=local("2025-09-30 09:20"),
                data={"lead_department_id": department_id(session, HOUSING)})
        perform(session, entry, "accept", actor(session, "responder"), ctx=ctx,
                now=local("2025-09-30 10:00"))
        entry_id = entry.id
    yield server.url, entry_id
    stop()


def signed_in(browser, base: str, username: str, width: int = 1440):
    """A page signed in as ``username`` at ``width`` px."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page, name: str) -> None:
    """A full-page screenshot when YUQING_SHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_responder_sees_the_checklist_before_submitting(live, browser):
    base, entry_id = live
    for width in (1440, 390):
        page = signed_in(browser, base, "responder", width)
        errors: list[str] = []
        page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error"
                else None)
        page.goto(f"{base}/ledger/{entry_id}")
        page.click("details[data-action=submit] summary")
        page.fill("#submit-content", REFUSAL)
        page.click("[data-reply-check-button]")
        page.wait_for_selector("[data-reply-check-result] [data-check-problems]")
        found = page.inner_text("[data-reply-check-result]")
        assert "没有说明政策或法律依据" in found and "可解释性" in found
        assert page.url.endswith(f"/ledger/{entry_id}")  # checked in place, nothing submitted
        assert page.get_attribute("[data-page=ledger-entry]", "data-status") == "handling"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []
        shot(page, f"responder-{width}")
        page.context.close()


def test_the_leader_sees_the_checks_at_sign_off(live, browser):
    base, entry_id = live
    page = signed_in(browser, base, "responder")
    page.goto(f"{base}/ledger/{entry_id}")
    page.click("details[data-action=submit] summary")
    page.fill("#submit-content", REFUSAL)
    page.press("#submit-published_url", "Enter")  # Enter submits the reply, it does not check
    page.wait_for_selector("[data-page=ledger-entry][data-status=review]")
    page.context.close()
    for width in (1440, 390):
        leader = signed_in(browser, base, "leader", width)
        leader.goto(f"{base}/leader")
        item = leader.locator(f"li[data-entry='{entry_id}'] [data-approval-check]")
        assert "没有说明政策或法律依据" in item.inner_text()
        assert leader.evaluate("document.documentElement.scrollWidth") <= width
        shot(leader, f"leader-inbox-{width}")
        leader.goto(f"{base}/ledger/{entry_id}")
        leader.click("details[data-action=approve] summary")
        assert "没有说明政策或法律依据" in leader.inner_text("[data-approval-check]")
        shot(leader, f"leader-entry-{width}")
        leader.context.close()
