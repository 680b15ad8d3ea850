"""Acceptance 2 of issue 19 in a real Chromium: staff propose a month's typical Q&A and send
them for 审签, a leader approves, staff publish; the public site (not signed in) lists them,
masked, with their policies; the Atom and JSON feeds validate; an item taken down, and one
approved but not published, are 404 on every public route and absent from lists, searches and
feeds. Public pages at 1440 and 390 px fit the screen; screenshots go to $YUQING_SHOTS
(default /tmp/shots-publish)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from tests.browser_support import start_live_server
from tests.tracker.publication.factory import answered_entry
from tracker.accounts import seed_departments
from tracker.db import session_scope
from tracker.models import TypicalQA

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(os.environ.get("YUQING_SHOTS", "/tmp/shots-publish"))
MONTH = "2025-09"
ATOM = "{http://www.w3.org/2005/Atom}"
PARKING = "小区停车位收费标准过高，物业乱收停车费，请相关部门核查停车收费标准。"
SECRETS = ("王守义", "13812345678", "3号楼2单元501室", "李春花")
POLICY = "城市道路管理条例 | 国务院令第198号 | https://www.gov.cn/zhengce/road"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live app with a month of answered messages: a well answered one, two alike, one loud."""
    server, stop = start_live_server(tmp_path_factory.mktemp("publish-live"))
    with session_scope(server.sessions) as session:
        seed_departments(session)
        answered_entry(session)  # 王守义's road: the reply-quality proposal
        for n in range(2):
            answered_entry(session, title=f"停车收费问题{n}", body=PARKING, author="李春花",
                           reply=f"李春花您好，停车收费标准已公示，第{n}次答复。")
        answered_entry(session, title="学校门口交通拥堵", body="学校门口上下学时段拥堵严重。",
                       reply="交警部门已增派警力疏导。", likes=57, author="赵大勇")
    yield server
    stop()


def person(browser, base: str, username: str | None, width: int = 1440):
    """A new context at ``width``; signed in as ``username`` unless None (the public)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    if username:
        page.goto(base + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", f"{username}-demo-123")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def look(page, name: str) -> None:
    """The page fits the screen (no sideways scrolling); keep its screenshot."""
    width = page.viewport_size["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, (name, width, overflow)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def items(live) -> dict[str, TypicalQA]:
    with session_scope(live.sessions) as session:
        rows = session.scalars(select(TypicalQA).where(TypicalQA.month == MONTH)).all()
        session.expunge_all()
    return {row.title: row for row in rows}


def staff_prepare(browser, live) -> None:
    """Staff generate the month's proposals, add a policy to each, submit them for 审签."""
    context, page = person(browser, live.url, "staff")
    page.goto(f"{live.url}/publication/?month={MONTH}")
    page.click("button[data-action=propose]")
    page.wait_for_selector("text=已生成")
    look(page, "staff-month")
    links = page.locator("h2[data-state=proposed] + table a").evaluate_all(
        "els => els.map(e => e.href)")
    assert len(links) >= 3, links
    for n, link in enumerate(links):
        page.goto(link)
        assert "王守义" not in page.input_value("#answer")
        page.fill("#policies", POLICY)
        page.click("form.pub-edit button[type=submit]")
        page.wait_for_selector("text=已保存")
        if n == 0:
            look(page, "staff-edit")
        page.click("button[data-action=submit]")
        page.wait_for_selector("[data-status]:has-text('待审签')")
    context.close()


def leader_approve(browser, live, width: int) -> None:
    """The leader approves every submitted item."""
    context, page = person(browser, live.url, "leader", width)
    page.goto(f"{live.url}/publication/?month={MONTH}")
    look(page, "leader-month")
    links = page.locator("h2[data-state=submitted] + table a").evaluate_all(
        "els => els.map(e => e.href)")
    for n, link in enumerate(links):
        page.goto(link)
        if n == 0:
            look(page, "leader-review")
        page.click("button[data-action=approve]")
        page.wait_for_selector("[data-status]:has-text('已审签待发布')")
    context.close()


def staff_publish(browser, live, keep_back: int) -> None:
    """Staff publish every approved item but the last ``keep_back``."""
    context, page = person(browser, live.url, "staff")
    page.goto(f"{live.url}/publication/?month={MONTH}")
    links = page.locator("h2[data-state=approved] + table a").evaluate_all(
        "els => els.map(e => e.href)")
    for link in links[:len(links) - keep_back]:
        page.goto(link)
        page.click("button[data-action=publish]")
        page.wait_for_selector("[data-status]:has-text('已发布')")
    context.close()


def staff_unpublish(browser, live, item_id: int) -> None:
    """Staff take one item down, with a reason."""
    context, page = person(browser, live.url, "staff")
    page.goto(f"{live.url}/publication/{item_id}")
    page.fill("#note-unpublish", "来信人要求不公开")
    page.click("button[data-action=unpublish]")
    page.wait_for_selector("[data-status]:has-text('已撤下')")
    context.close()


def check_feeds(page, base: str, shown: set[str], hidden: set[str]) -> None:
    """The Atom feed has its required elements, the JSON Feed its required keys."""
    atom = ET.fromstring(page.request.get(f"{base}/public/feed.atom").body())
    assert atom.tag == ATOM + "feed"
    assert all(atom.find(ATOM + n) is not None and atom.find(ATOM + n).text
               for n in ("id", "title", "updated"))
    entries = atom.findall(ATOM + "entry")
    for entry in entries:
        assert all(entry.find(ATOM + n).text for n in ("id", "title", "updated"))
        assert entry.find(ATOM + "link").get("href").startswith(base + "/public/qa/")
    assert {e.find(ATOM + "title").text for e in entries} == shown
    feed = json.loads(page.request.get(f"{base}/public/feed.json").body())
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert all(i["id"] and i.get("content_text") for i in feed["items"])
    assert {i["title"] for i in feed["items"]} == shown
    text = json.dumps(feed, ensure_ascii=False)
    assert not any(h in text for h in hidden) and not any(s in text for s in SECRETS)


def check_hidden(page, base: str, item: TypicalQA) -> None:
    """An item that is not published is a 404 and appears nowhere."""
    assert page.goto(f"{base}/public/qa/{item.id}").status == 404
    assert "不存在或已不再公开" in page.content()
    for url in ("/public/", f"/public/?q={item.title[:4]}", f"/public/?month={MONTH}",
                f"/public/?category={item.category}"):
        page.goto(base + url)
        assert item.title not in page.content(), url


def test_staff_propose_leader_approves_the_public_reads(browser, live):
    staff_prepare(browser, live)
    leader_approve(browser, live, 390)
    staff_publish(browser, live, keep_back=1)
    rows = items(live)
    published = sorted((r for r in rows.values() if r.state == "published"), key=lambda r: r.id)
    waiting = [r for r in rows.values() if r.state == "approved"]
    assert len(published) >= 2 and len(waiting) == 1
    road = next(r for r in published if r.author_name == "王守义")
    withdrawn = next(r for r in published if r is not road)
    staff_unpublish(browser, live, withdrawn.id)
    shown = {r.title for r in published if r is not withdrawn}

    for width in (1440, 390):
        context, page = person(browser, live.url, None, width)
        page.goto(f"{live.url}/public/")
        html = page.content()
        assert all(t in html for t in shown) and not any(s in html for s in SECRETS)
        assert page.locator("main h1").inner_text() == "典型问答"
        look(page, "public-list")
        page.fill("#q", road.title[:4])
        page.click(".field-go button")
        page.wait_for_url("**q=*")
        look(page, "public-search")
        page.goto(f"{live.url}/public/qa/{road.id}")
        html = page.content()
        assert "王某某您好" in html and "138****5678" in html and "城市道路管理条例" in html
        assert not any(s in html for s in SECRETS)
        look(page, "public-detail")
        for item in (withdrawn, waiting[0]):
            check_hidden(page, live.url, item)
        assert page.goto(f"{live.url}/public/qa/{withdrawn.id}").status == 404
        look(page, "public-missing")
        check_feeds(page, live.url, shown, {withdrawn.title, waiting[0].title})
        context.close()
    context, page = person(browser, live.url, "staff", 390)
    page.goto(f"{live.url}/publication/?month={MONTH}")
    look(page, "staff-month")
    page.goto(f"{live.url}/publication/{withdrawn.id}")
    assert "来信人要求不公开" in page.content()
    look(page, "staff-item")
    page.goto(f"{live.url}/ledger/{road.ledger_entry_id}")
    assert "作为典型问答公开" in page.content() and f"/public/qa/{road.id}" in page.content()
    look(page, "staff-ledger-entry")
    context.close()
