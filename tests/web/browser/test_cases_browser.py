"""Issue 20, acceptance 4 (second half): in a real Chromium a leader has last month's
proposals scored, writes the best one up, puts it in the 亮点工程 library and downloads its
one-page PDF (checked with poppler: a PDF, one page, the case's title in its text)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser_support import sign_in
from tests.tracker.cases.factory import finished_opinion
from tracker.db import session_scope

pytestmark = pytest.mark.browser

TITLE = "停水当日恢复供水的住建局样板"


def test_a_leader_curates_a_case_and_downloads_its_pdf(live_server, browser_page, tmp_path):
    with session_scope(live_server.sessions) as session:
        entry_id = finished_opinion(session, title="丽发新城小区停水").id
    page = browser_page
    sign_in(page, live_server.url, "leader", "leader-demo-123")
    page.click("nav >> text=亮点工程")
    page.wait_for_selector("[data-page=cases-library] [data-empty]")
    page.click(".cases-tabs >> text=月度推荐")
    page.fill("input[name=month]", "2025-10")
    page.click(".month-tools form[method=get] button")
    page.click("[data-propose]")
    proposal = page.locator("[data-proposal]").first
    assert "第 1 名" in proposal.inner_text() and "综合得分" in proposal.inner_text()
    assert "最近一次评价“满意”" in proposal.inner_text()
    proposal.locator("[data-write]").click()
    page.wait_for_url(re.compile(rf"/cases/new/{entry_id}$"))
    assert "丽发新城小区停水三天" in page.input_value("#background")  # drafted from the entry
    page.fill("#title", TITLE)
    page.fill("#lessons", "先解决问题再答复；答复写明时间、依据和联系人。")
    page.fill("#tags", "供水、当日办结")
    page.click("[data-curate]")
    page.wait_for_selector("[data-page=case-detail]")
    assert page.inner_text("[data-case-title]") == TITLE
    assert "已收入案例库" in page.inner_text(".flash")

    page.click("nav >> text=亮点工程")
    page.fill("input[name=q]", "当日办结")
    page.click(".cases-filters button")
    page.click(f"text={TITLE}")
    with page.expect_download() as info:
        page.click("[data-pdf]")
    path = tmp_path / "case.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    pdfinfo = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"Pages:\s+1\n", pdfinfo.stdout)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert TITLE in re.sub(r"\s+", "", text)
