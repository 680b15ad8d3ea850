"""An admin imports the State Council holiday notice in a real Chromium: pastes it, reads the
preview of the parsed days, confirms, and the year shows as 完整; a faulty paste shows its
error and offers no confirm button."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import sign_in
from tracker.deadlines.calendar import chinese_calendar_knows, holidays_has_official

#: Test-made (the file says so): no 2027 notice existed when this was written.
NOTICE = (Path(__file__).parents[2] / "tracker" / "deadlines" / "notices"
          / "synthetic-2027.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.browser


def test_paste_preview_confirm(browser_page, live_server):
    page, base = browser_page, live_server.url
    sign_in(page, base, "admin", "admin-demo-123")
    page.goto(f"{base}/ledger/calendar")
    if not (chinese_calendar_knows(2027) or holidays_has_official(2027)):
        assert "⚠ 未知" in page.inner_text('tr[data-year="2027"]')
    page.click('a[data-action="import-notice"]')
    page.fill("textarea[name=text]", NOTICE.replace("9月26日（周日）", "9月26日（周一）"))
    page.click('button[data-action="preview-notice"]')
    assert "9月26日标注为“周一”，实际是周日" in page.inner_text('[data-role="notice-errors"]')
    assert page.locator('button[data-action="confirm-notice"]').count() == 0
    page.fill("textarea[name=text]", NOTICE)
    page.click('button[data-action="preview-notice"]')
    schedule = page.inner_text('[data-role="schedule"]')
    assert "2月5日（周五）至2月12日（周五）" in schedule and "共 8 天" in schedule
    assert "1月31日（周日）、2月20日（周六）" in schedule
    assert "放假 28 天（含连休的周末），调休上班 5 天" in schedule
    page.click('button[data-action="confirm-notice"]')
    page.wait_for_url(f"{base}/ledger/calendar")
    assert "已导入 2027 年放假安排（33 天）" in page.inner_text("[role=alert]")
    row = page.inner_text('tr[data-year="2027"]')
    assert "完整" in row and "⚠" not in row and "33 天" in row
