"""At phone width (390 px) no page of the alert, ledger, account and 系统管理 areas scrolls
sideways, and tables become labelled cards; at 1440 px they stay tables. Every role signs in
and visits every page of those areas it may open, in a real Chromium.

Screenshots of the alert list and detail and the ledger list and entry, at 1440 and 390 px,
per role, are written to ``YUQING_SCREENSHOT_DIR`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_support import sign_in, start_live_server
from tests.tracker.events.factory import mention, mixed_event
from tracker.accounts.users import get_or_create_department
from tracker.db import session_scope
from tracker.events import escalate_alert
from tracker.ledger import sync_message_cases
from tracker.models import Source, User
from tracker.models.events import Alert, Event, MentionAnalysis
from tracker.models.ledger import LedgerEntry

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 390, 1440
ROLES = {"staff": "staff-demo-123", "leader": "leader-demo-123",
         "responder": "responder-demo-123", "admin": "admin-demo-123"}
LONG = ("A2区丽发新城小区旁边的搅拌站噪音扰民晚上施工灰尘大居民无法休息请相关部门尽快查处"
        "https://example.invalid/a/very/long/link/without/any/space/0123456789abcdef")
REASON = ("48 条相关信息（31 位作者），6 小时内增长 5 倍，负面占比 72%，点赞 1200、评论 86、"
          "转发 40，命中监测方案：A市住建、丽发新城，敏感词：上访、维权")


def seed(sessions) -> dict[str, int]:
    """A real mixed matter escalated to the ledger (lead: the responder's bureau), 49 more
    alerts with long titles, and old board messages on the 历史遗留 list."""
    start = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)
    with session_scope(sessions) as session:
        rows = mixed_event(session, start)
        event_id = session.get(MentionAnalysis, rows[0].id).event_id
        alert = session.scalar(select(Alert).where(Alert.event_id == event_id))
        staff = session.scalar(select(User).where(User.username == "staff"))
        entry_id = escalate_alert(session, alert, staff.id)
        housing = get_or_create_department(session, "市住房和城乡建设局")
        session.get(LedgerEntry, entry_id).lead_department_id = housing.id
        for n in range(49):
            at = start + timedelta(hours=n)
            event = Event(cluster_key=f"wide{n}", title=f"{LONG[:40 + n % 20]}（第{n}件）",
                          first_seen_at=at, last_seen_at=at, mention_count=48,
                          negative_count=35, hotness=60.0 + n, level="较大", reason=REASON)
            session.add(event)
            session.flush()
            session.add(Alert(event_id=event.id, level="较大", level_rank=2, hotness=60.0 + n,
                              reason=REASON, department="市住房和城乡建设局", status="new",
                              created_at=at))
        for n in range(6):
            mention(session, f"{LONG}（第{n}位网友）", datetime(2015, 3, 1 + n, tzinfo=UTC),
                    title=f"关于{LONG[:30]}的投诉{n}", kind="board")
        sync_message_cases(session)
        source_id = session.scalar(select(Source.id).order_by(Source.id))
        user_id = session.scalar(select(User.id).where(User.username == "responder"))
        return {"alert": alert.id, "entry": entry_id, "source": source_id, "user": user_id}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app over its own SQLite file with the seeded matters."""
    server, stop = start_live_server(tmp_path_factory.mktemp("responsive-live"))
    ids = seed(server.sessions)
    yield server.url, ids
    stop()


def pages(role: str, ids: dict[str, int]) -> list[str]:
    """Every page of the owned areas the role may open."""
    alert, entry = f"/alerts/{ids['alert']}", f"/ledger/{ids['entry']}"
    everyone = ["/ledger/", "/ledger/?status=all", entry, "/notifications", "/account/password"]
    readers = ["/alerts/", "/alerts/?status=all", alert, "/ledger/legacy"]
    managers = ["/ledger/new/opinion", "/ledger/new/disclosure", "/ledger/queue"]
    admin = ["/admin/users", f"/admin/users/{ids['user']}", "/admin/departments",
             "/admin/routing", "/admin/sources", f"/admin/sources/{ids['source']}",
             f"/admin/sources/{ids['source']}/edit", "/admin/sources/new", "/admin/ops/jobs",
             "/admin/ops/jobs/analyze", "/admin/ops/notify", "/admin/ops/deliveries",
             "/admin/ops/sources", "/admin/api-tokens", "/admin/api-tokens/guide",
             "/ledger/calendar", "/ledger/calendar/notice", "/ledger/sla"]
    return {"responder": everyone + ["/alerts/"], "leader": everyone + readers,
            "staff": everyone + readers + managers + ["/admin/rules", "/admin/rules/new"],
            "admin": everyone + readers + managers + admin + ["/no-such-page"]}[role]


#: Error pages visited on purpose: a page that does not exist, one the role may not open.
REFUSED = {("admin", "/no-such-page"): 404, ("responder", "/alerts/"): 403}

SHOTS = {"alert-list": "/alerts/?status=all", "alert-detail": "alert",
         "ledger-list": "/ledger/", "ledger-entry": "entry"}


def shoot(page, base: str, ids: dict[str, int], role: str, width: int) -> None:
    """Full-page screenshots of the four main pages the role may open."""
    folder = Path(os.environ.get("YUQING_SCREENSHOT_DIR") or base_dir())
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in SHOTS.items():
        path = {"alert": f"/alerts/{ids['alert']}", "entry": f"/ledger/{ids['entry']}"}.get(
            path, path)
        if path.startswith("/alerts") and role == "responder":
            continue
        page.goto(base + path)
        page.screenshot(path=str(folder / f"{role}-{name}-{width}.png"), full_page=True)


_dir: list[Path] = []


def base_dir() -> Path:
    """The screenshot folder when none is given (set by the fixture below)."""
    return _dir[0]


@pytest.fixture(scope="module", autouse=True)
def screenshot_dir(tmp_path_factory):
    """A folder for the screenshots of this run."""
    _dir[:] = [tmp_path_factory.mktemp("screens")]
    yield _dir[0]


def widths(page) -> tuple[int, int]:
    """The page's scroll width and height."""
    return page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]")


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_scrolls_sideways_at_phone_width(live, browser, role):
    base, ids = live
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    page.goto(base + "/login")
    wide = {"/login": widths(page)[0]} if widths(page)[0] > PHONE else {}
    sign_in(page, base, role, ROLES[role])
    for path in pages(role, ids):
        response = page.goto(base + path)
        assert response.status == REFUSED.get((role, path), 200), (path, response.status)
        width, _ = widths(page)
        if width > PHONE:
            wide[path] = width
    assert wide == {}, f"{role}: pages wider than {PHONE} px: {wide}"
    if role != "responder":
        page.goto(base + "/alerts/?status=all")
        rows = page.locator("table.cards tbody tr").count()
        assert rows >= 30
        _, height = widths(page)
        assert height < 6000, f"the alert list is {height} px tall for {rows} alerts"
        label = page.evaluate("getComputedStyle(document.querySelector("
                              "'table.cards td[data-label=建议承办]'), '::before').content")
        assert label == '"建议承办"'
    shoot(page, base, ids, role, PHONE)
    context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_tables_stay_tables_at_desktop_width(live, browser, role):
    base, ids = live
    context = browser.new_context(locale="zh-CN", viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    sign_in(page, base, role, ROLES[role])
    for path in ("/ledger/", f"/ledger/{ids['entry']}") + (
            () if role == "responder" else ("/alerts/?status=all", f"/alerts/{ids['alert']}")):
        page.goto(base + path)
        display = page.evaluate("[...document.querySelectorAll('table')].map("
                                "t => getComputedStyle(t).display + '/' + getComputedStyle("
                                "t.querySelector('thead') || t).position)")
        assert display and set(display) == {"table/static"}, (path, display)
        assert widths(page)[0] <= DESKTOP, path
    shoot(page, base, ids, role, DESKTOP)
    context.close()
