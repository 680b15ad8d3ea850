"""Opinion staff search in a real Chromium: search, filter, save a watch rule, and a hostile
``<script>`` in a crawled title shows as text and never runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.browser_support import sign_in
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.db import session_scope
from tracker.index import get_index
from tracker.index.sync import run_sync
from tracker.models import Source, WatchRule

pytestmark = pytest.mark.browser
HOSTILE = "<script>window.__pwned = 1; alert('x')</script>小区物业通知"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def collect(server) -> None:
    """Mentions from two sources through the real ingest path, then the outbox sync."""
    with session_scope(server.sessions) as session:
        for name, kind in (("demo_board_a", "board"), ("demo_forum", "forum")):
            source = Source(name=name, title=f"{name} 标题", kind=kind, base_url="http://x/")
            session.add(source)
            session.flush()
            items = [CollectedItem(kind="forum", external_id=f"{name}-{i}",
                                   title=f"{'物业' if i % 2 else '噪音'}问题第{i}帖",
                                   text="小区物业费太高，晚上施工噪音扰民。" * 3,
                                   url=f"http://x.test/{name}/{i}",
                                   published_at=NOW - timedelta(hours=i)) for i in range(12)]
            if name == "demo_forum":
                items.append(CollectedItem(kind="forum", external_id="evil", title=HOSTILE,
                                           text="<img src=x onerror=\"window.__pwned=2\">物业",
                                           url="javascript:window.__pwned=3",
                                           published_at=NOW))
            Ingestor(session, source).ingest_many(items)
    index = get_index(server.settings)
    assert run_sync(server.sessions, index).pending == 0
    index.close()


def test_staff_search_filter_save_and_hostile_title(live_server, browser_page):
    page, server = browser_page, live_server
    collect(server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, server.url, "staff", "staff-demo-123")
    page.click("nav >> text=全文检索")
    page.fill("input[name=q]", "物业")
    page.click("button:has-text('检索')")
    page.wait_for_selector("[data-total]")
    total = int(page.get_attribute("[data-total]", "data-total"))
    assert total == 25
    assert page.locator("mark").first.inner_text() == "物业"

    hostile = page.locator("[data-hit] h3", has_text="<script>")
    assert hostile.count() == 1
    assert hostile.inner_text().startswith("<script>window.__pwned = 1;")
    assert hostile.locator("a").count() == 0  # the javascript: link is not rendered
    assert page.evaluate("window.__pwned") is None and dialogs == []

    page.select_option("select[name=source]", "demo_forum")
    page.click("button:has-text('检索')")
    page.wait_for_selector("[data-total]")
    assert int(page.get_attribute("[data-total]", "data-total")) == 13  # 12 posts + the hostile one
    assert page.locator("[data-hit] .meta", has_text="demo_board_a").count() == 0
    page.fill("[data-save-rule] input[name=name]", "论坛物业投诉")
    page.click("[data-save-rule] button")
    page.wait_for_selector("text=已保存监测方案「论坛物业投诉」")
    assert page.locator("[data-rules] >> text=论坛物业投诉").count() == 1
    page.screenshot(path=str(server.settings.data_dir / "search.png"), full_page=True)
    with server.sessions() as session:
        rule = session.scalar(select(WatchRule).where(WatchRule.name == "论坛物业投诉"))
        assert (rule.all_words, rule.sources) == (["物业"], ["demo_forum"])
    assert int(page.get_attribute("[data-total]", "data-total")) == 13  # back on the same page
    assert page.evaluate("window.__pwned") is None and dialogs == []
