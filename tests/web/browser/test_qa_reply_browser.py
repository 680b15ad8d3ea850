"""Acceptance 3 of issue 18 in a real Chromium: a responder opens a new board message, sees
similar past answers and related policies in the reply form, starts from a past answer,
inserts a citation 《title》（number）第N条, ticks a policy bundle, submits; the entry shows
the bundle. Screenshots of the reply form at 1440 and 390 px go to /tmp/shots-qa/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.browser_support import sign_in
from tests.tracker.qa.qa_factory import seed
from tracker.accounts.users import get_or_create_department
from tracker.db import session_scope
from tracker.models import LedgerEntry
from tracker.qa import save_policy, sync_answered

pytestmark = pytest.mark.browser
HOUSING = "市住房和城乡建设局"  # the demo responder's department
SHOTS = Path("/tmp/shots-qa")
POLICY = {"id": "jy-2024-3", "title": "关于做好义务教育招生入学工作的通知",
          "number": "市教发〔2024〕3号", "text": "适龄儿童入学需提供户口簿、居住证和房产证明。"}


def _world(server) -> int:
    with session_scope(server.sessions) as session:
        seed(session)
        sync_answered(session)
        save_policy(session, server.settings, POLICY)
        entry = LedgerEntry(
            kind="message", status="handling", title="孩子上小学要准备什么材料",
            summary="孩子明年上小学，报名要带哪些证件？", category="教育文体",
            received_at=datetime(2025, 9, 1, 2, 0, tzinfo=UTC),
            lead_department_id=get_or_create_department(session, HOUSING).id)
        session.add(entry)
        session.flush()
        return entry.id


def test_responder_replies_with_a_citation_and_a_policy_bundle(live_server, browser_page):
    entry_id = _world(live_server)
    page, blocked = browser_page, []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy"
            in m.text else None)
    sign_in(page, live_server.url, "responder", "responder-demo-123")
    page.goto(f"{live_server.url}/ledger/{entry_id}")
    page.click("details[data-action=submit] summary")
    aids = page.locator("[data-reply-aids]")
    assert "孩子小学入学需要准备哪些材料" in aids.locator("[data-similar]").inner_text()
    assert "市教育局" in aids.inner_text()
    policy = aids.locator("[data-policy-id='jy-2024-3']")
    assert "《关于做好义务教育招生入学工作的通知》（市教发〔2024〕3号）" in policy.inner_text()
    SHOTS.mkdir(exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"reply-aids-responder-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1440, "height": 900})
    aids.locator("[data-insert-answer]").first.click()  # a past answer as the starting point
    box = page.locator("#submit-content")
    assert "户口簿" in box.input_value()
    box.press("End")
    box.type("依据")
    policy.locator("[data-article]").fill("3")
    policy.locator("[data-insert-citation]").click()
    text = box.input_value()
    assert "依据《关于做好义务教育招生入学工作的通知》（市教发〔2024〕3号）第3条" in text
    policy.locator("input[name=bundle]").check()
    page.click("details[data-action=submit] button.primary")  # not 检查答复
    page.wait_for_load_state()
    assert page.locator(".flash-error").count() == 0
    bundle = page.locator("[data-bundle]")
    assert bundle.count() == 1
    assert "《关于做好义务教育招生入学工作的通知》（市教发〔2024〕3号）" in bundle.inner_text()
    assert "第3条" in page.locator("[data-timeline]").inner_text()
    page.screenshot(path=str(SHOTS / "entry-bundle-responder-1440.png"), full_page=True)
    assert blocked == []
