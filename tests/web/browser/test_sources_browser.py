"""An admin adds a board in a real Chromium: opens 信息源管理 from 运行管理, fills the form for a
board served on 127.0.0.1, presses 测试抓取 and reads the extracted fields with the form still
filled, saves, and lands on the source's page. At 1440 and 390 px nothing overflows the page.
Screenshots go to $YUQING_SHOTS (when set)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser_support import sign_in
from tests.crawlers.test_source_admin import CONFIG, MESSAGES, board  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YUQING_SHOTS")


def shoot(page, name: str) -> None:
    """Save a full-page screenshot (if asked) and check nothing is wider than the window."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, (name, wide)


@pytest.mark.parametrize("width", [1440, 390])
def test_admin_tests_then_saves_a_board(browser_page, live_server, board, width):  # noqa: F811
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base, "admin", "admin-demo-123")
    page.goto(f"{base}/admin/ops/jobs")
    page.click("nav.ops-tabs >> text=信息源管理")
    assert "还没有信息源" in page.inner_text("table.sources")
    shoot(page, f"list-empty-{width}")
    page.click("text=新增信息源")
    page.fill("input[name=name]", "county_board")
    page.fill("input[name=title]", "某县网上留言板")
    page.select_option("select[name=kind]", "board")
    page.fill("input[name=base_url]", board)
    page.fill("textarea[name=config]", json.dumps(CONFIG, ensure_ascii=False, indent=2))
    shoot(page, f"new-{width}")
    page.click("button[value=test]")
    fields = page.inner_text("[data-fields]")
    assert MESSAGES[3006][0] in fields and "2024-03-09 08:15" in fields
    assert "找到 3 条，有下一页" in page.inner_text("[data-preview]")
    assert page.input_value("input[name=name]") == "county_board"  # the form stays filled
    assert "table.lb tr.r" in page.input_value("textarea[name=config]")
    shoot(page, f"new-tested-{width}")
    page.click("button[value=save]")
    page.wait_for_url(f"{base}/admin/sources/*")
    assert "已新增信息源“某县网上留言板”" in page.inner_text("[role=alert]")
    assert "还没有抓取记录" in page.inner_text("main")
    shoot(page, f"source-{width}")
    page.click("text=编辑")
    assert page.input_value("input[name=title]") == "某县网上留言板"
    shoot(page, f"edit-{width}")
    page.goto(f"{base}/admin/sources")
    assert "某县网上留言板" in page.inner_text("table.sources")
    shoot(page, f"list-{width}")
