"""Opinion staff triage alerts in a real Chromium: open the queue from the menu, dismiss one
alert with a reason, merge two events, escalate one alert to the response ledger; a hostile
``<script>`` in a crawled title shows as text and never runs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from analysis.clustering import ClusterConfig
from tests.browser_support import sign_in
from tests.tracker.events.factory import T0, mention
from tracker.db import session_scope
from tracker.events.analyze import run_analysis
from tracker.models.events import Alert, Event, MentionAnalysis
from tracker.models.ledger import LedgerEntry

pytestmark = pytest.mark.browser
LATER = ClusterConfig().window + timedelta(days=10)  # past the clusterer's time window
HOSTILE = "<script>window.__pwned = 1</script>丽发新城搅拌站噪音扰民"
MATTERS = {
    "mixing": "A2区丽发新城小区旁边的搅拌站噪音扰民，晚上施工灰尘大，居民无法休息",
    "mixing_again": "丽发新城附近搅拌站日夜施工，噪音和粉尘污染严重，居民无法入睡",
    "garbage": "A3区枫林路垃圾站臭气熏天，苍蝇蚊子成群，居民苦不堪言，多次投诉无人处理",
    # Unmistakably critical: alerts need a negative share, and the sentiment model scored the
    # milder wording ("业主强烈不满") near 0.5, an alert on one model and none on the next.
    "parking": "A市伊景园滨河苑开发商捆绑销售车位，不买车位就不给交房，违规违法，业主非常气愤",
}


def seed(server) -> dict[str, int]:
    """Eight mentions per matter, analyzed: one alert per matter; returns alert ids."""
    with session_scope(server.sessions) as session:
        rows = {}
        for key, text in MATTERS.items():
            # The plant comes back months later: a new event, one matter for a person.
            start = T0 + (LATER if key == "mixing_again" else timedelta(0))
            rows[key] = [mention(session, f"{text}（第{n}位网友反映）",
                                 start + timedelta(minutes=n),
                                 title=HOSTILE if key == "mixing" and n == 0 else None)
                         for n in range(8)]
        run_analysis(session, now=T0 + LATER + timedelta(hours=1))
        alerts = {}
        for key, members in rows.items():
            event_id = session.get(MentionAnalysis, members[0].id).event_id
            alerts[key] = session.scalar(select(Alert.id).where(Alert.event_id == event_id))
    assert all(alerts.values()), alerts
    return alerts


def open_alert(page, title_part: str, alert_id: int) -> None:
    """Go to the queue through the menu and open one alert from it."""
    page.click("nav >> text=舆情预警")
    page.wait_for_selector("[data-page=alerts]")
    page.click(f"tr[data-alert-id='{alert_id}'] a.alert-title")
    page.wait_for_selector(f"[data-page=alert][data-alert-id='{alert_id}']")
    assert title_part in page.inner_text("h1")


def test_staff_dismiss_merge_and_escalate(live_server, browser_page):
    page, server = browser_page, live_server
    alerts = seed(server)
    sign_in(page, server.url, "staff", "staff-demo-123")

    open_alert(page, "丽发新城", alerts["mixing"])
    assert page.evaluate("window.__pwned") is None
    assert "<script>" in page.inner_text("h1")  # shown as text
    assert "负面" in page.inner_text("[data-mix]")
    page.click("summary:has-text('合并到其他事件')")
    target_event = _event_of(server, alerts["mixing_again"])
    page.select_option("form[data-action=merge] select", str(target_event))
    page.click("form[data-action=merge] button")
    page.wait_for_selector("[data-alert-status=merged]")
    merged_title = page.inner_text("[data-merged-into]")
    assert merged_title and f"已并入事件“{merged_title}”" in page.inner_text("[data-page=alert]")
    assert not re.search(r"#\d", page.inner_text("[data-page=alert]"))  # no internal numbers

    open_alert(page, "垃圾站", alerts["garbage"])
    page.click("summary:has-text('忽略')")
    page.fill("form[data-action=dismiss] textarea", "已由城管部门当日处理完毕，属重复反映")
    page.click("form[data-action=dismiss] button")
    page.wait_for_selector("[data-alert-status=dismissed]")

    open_alert(page, "伊景园", alerts["parking"])
    page.click("summary:has-text('转入回应台账')")
    page.click("form[data-action=escalate] button")
    page.wait_for_selector("[data-alert-status=escalated]")
    page.click("[data-ledger-link]")
    page.wait_for_url("**/ledger/*")
    assert "伊景园" in page.inner_text("h1")

    page.click("nav >> text=舆情预警")
    queue = page.inner_text("[data-page=alerts]")
    assert "丽发新城" in queue and "伊景园" not in queue and "垃圾站" not in queue
    with session_scope(server.sessions) as session:
        statuses = {k: session.get(Alert, a).status for k, a in alerts.items()}
        merged = session.get(Event, _event_of(server, alerts["mixing"]))
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.alert_id == alerts["parking"]))
        assert statuses == {"mixing": "merged", "mixing_again": "new", "garbage": "dismissed",
                            "parking": "escalated"}
        assert (merged.status, merged.merged_into_id) == ("merged", target_event)
        assert entry is not None and len(entry.links) == 8
    assert page.evaluate("window.__pwned") is None


def _event_of(server, alert_id: int) -> int:
    with session_scope(server.sessions) as session:
        return session.get(Alert, alert_id).event_id
