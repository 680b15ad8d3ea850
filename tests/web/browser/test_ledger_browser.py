"""An opinion goes through the whole ledger workflow in a real Chromium: registered (through
the same ``open_opinion_entry`` alert escalation uses), assessed, assigned, accepted and
answered by the department, approved by a leader, followed up and closed; the responder of
another department can neither list nor open it."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.browser_support import start_live_server
from tracker.accounts.users import create_user, get_or_create_department
from tracker.db import session_scope

HOUSING, TRANSPORT = "市住房和城乡建设局", "市交通运输局"
TITLE = "网传某小区停水三天<script>window.pwned=1</script>"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app on a free port over its own SQLite file, with the demo accounts and a
    responder of the transport bureau."""
    server, stop = start_live_server(tmp_path_factory.mktemp("ledger-live"))
    with session_scope(server.sessions) as session:
        get_or_create_department(session, HOUSING)
        create_user(session, "transport", "transport-demo-123", "responder", "钱交通", TRANSPORT)
    yield server.url, server.settings
    stop()




class Person:
    """One signed-in user in a browser context of their own."""

    def __init__(self, browser, base: str, username: str, password: str) -> None:
        self.base = base
        self.context = browser.new_context(locale="zh-CN")
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.page.on("request", lambda r: None if r.url.startswith(base)
                     else self.outside.append(r.url))
        self.page.goto(base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, username

    def open(self, path: str):
        """Go to a page of the app; return the response."""
        return self.page.goto(self.base + path)

    def act(self, action: str, fill: dict[str, str] | None = None,
            select: dict[str, str] | None = None) -> None:
        """Open an action on the entry page, fill it in and submit it."""
        box = f"details[data-action={action}]"
        self.page.click(f"{box} summary")
        for name, value in (fill or {}).items():
            self.page.fill(f"#{action}-{name}", value)
        for name, label in (select or {}).items():
            self.page.select_option(f"#{action}-{name}", label=label)
        self.page.click(f"{box} button.primary")  # not 检查答复 (reply checks)
        self.page.wait_for_load_state()
        errors = self.page.locator(".flash-error")
        assert errors.count() == 0, errors.all_inner_texts()

    def status(self) -> str:
        """The entry's status code shown on the page."""
        return self.page.get_attribute("[data-page=ledger-entry]", "data-status")


def test_an_opinion_goes_from_registration_to_closing(live, browser):
    base, settings = live
    staff = Person(browser, base, "staff", "staff-demo-123")
    staff.open("/ledger/")
    staff.page.click("text=登记舆情")
    found = datetime.now(settings.tz).strftime("%Y-%m-%dT%H:%M")
    staff.page.fill("#title", TITLE)
    staff.page.fill("#summary", "居民反映停水三天无人处理，情绪激动。")
    staff.page.fill("#source", "本地论坛")
    staff.page.fill("#url", "http://127.0.0.1:9/thread/1")
    staff.page.fill("#found_at", found)
    staff.page.select_option("#level", label="一般")
    staff.page.click("button[type=submit].primary")
    staff.page.wait_for_selector("[data-page=ledger-entry]")
    entry_path = "/ledger/" + staff.page.get_attribute("[data-page=ledger-entry]",
                                                        "data-entry-id")
    assert staff.status() == "registered"
    assert "48 小时内回应" in staff.page.inner_text("[data-explanation]")
    assert staff.page.inner_text("h1") == TITLE  # shown as text, never run
    assert staff.page.evaluate("window.pwned === undefined")

    staff.act("assess", select={"level": "重大"}, fill={"note": "涉及民生，升级为重大"})
    assert "5 小时内发布权威信息" in staff.page.inner_text("[data-explanation]")
    staff.act("assign", select={"lead_department_id": HOUSING},
              fill={"responsible_person": "李办理"})
    assert staff.status() == "assigned" and staff.page.inner_text("[data-lead]") == HOUSING

    responder = Person(browser, base, "responder", "responder-demo-123")
    responder.open("/ledger/")
    responder.page.click(f"a:has-text('{TITLE[:8]}')")
    responder.page.wait_for_selector("[data-page=ledger-entry]")
    responder.act("accept")
    responder.act("submit", select={"channel": "发布权威信息"},
                  fill={"content": "已组织抢修，将于今晚24时前恢复供水。"})
    assert responder.status() == "review"
    assert responder.page.locator("details[data-action=approve]").count() == 0

    leader = Person(browser, base, "leader", "leader-demo-123")
    leader.open(entry_path)
    actions = leader.page.eval_on_selector_all("details[data-action]",
                                               "els => els.map(e => e.dataset.action)")
    assert sorted(actions) == ["approve", "reject"]  # a leader only approves (or sends back)
    leader.page.click("details[data-action=approve] summary")
    leader.page.click("details[data-action=approve] button[type=submit]")
    leader.page.wait_for_load_state()
    assert leader.status() == "responded"

    staff.open(entry_path)
    assert "回应中有承诺事项" in staff.page.inner_text("[data-page=ledger-entry]")
    staff.act("follow_up", fill={"method": "电话回访", "outcome": "已恢复供水，居民认可"},
              select={"satisfaction": "满意", "promise_kept": "已兑现"})
    staff.act("close")
    assert staff.status() == "closed"
    timeline = staff.page.inner_text("[data-timeline]")
    for step in ("登记", "研判", "交办", "签收办理", "提交审签", "审签通过并发布",
                 "记录跟踪反馈", "办结", "张领导", "李办理"):
        assert step in timeline, step

    other = Person(browser, base, "transport", "transport-demo-123")
    other.open("/ledger/")
    assert TITLE[:8] not in other.page.inner_text("main")
    assert other.open(entry_path).status == 404
    for person in (staff, responder, leader, other):
        assert person.outside == []  # nothing fetched from anywhere but the app
        person.context.close()
