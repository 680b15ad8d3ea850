"""The dashboard on every role's home page and the projector view (both databases)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.tracker.events.factory import mention, source
from tracker.models import Department, LedgerEntry, User
from tracker.models.base import utcnow
from tracker.models.events import Alert, Event, MentionAnalysis
from web.dashboard import ROLE_CHARTS

HOMES = {"opinion_staff": "/staff", "responder": "/responder", "leader": "/leader",
         "admin": "/admin"}


def open_counts(session, department_id=None):
    """Entries due within 48 h and overdue now, counted here in plain SQL."""
    now = utcnow()
    base = select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.replied_at.is_(None), LedgerEntry.closed_at.is_(None),
        LedgerEntry.paused_since.is_(None), LedgerEntry.status != "withdrawn")
    if department_id is not None:
        base = base.where(LedgerEntry.lead_department_id == department_id)
    soon = session.scalar(base.where(LedgerEntry.due_at >= now,
                                     LedgerEntry.due_at <= now + timedelta(hours=48)))
    late = session.scalar(base.where(LedgerEntry.due_at < now))
    return soon, late


@pytest.fixture
def ledger_now(session, demo_users):
    """One entry due within a day and one overdue in the responder's department, one
    overdue in no department (on top of whatever the demo accounts come with)."""
    now = utcnow()
    dept_id = session.scalar(select(User.department_id).where(
        User.username == demo_users["responder"].username))
    assert dept_id is not None
    for title, due in (("即将到期的留言", now + timedelta(hours=20)),
                       ("已经超期的留言", now - timedelta(days=3))):
        session.add(LedgerEntry(kind="message", status="handling", title=title,
                                received_at=now - timedelta(days=10), due_at=due,
                                lead_department_id=dept_id))
    session.add(LedgerEntry(kind="message", status="handling", title="别的部门超期",
                            received_at=now - timedelta(days=10), due_at=now - timedelta(days=1)))
    session.commit()
    return dept_id


@pytest.fixture
def office(session, ledger_now):
    """A month of activity: replied and overdue entries in two departments, mentions of the
    last days with sentiment and keywords, one hot event with an alert."""
    now = utcnow()
    other = Department(name="市看板测试局", active=True)
    session.add(other)
    session.flush()
    for dept, late in ((ledger_now, False), (other.id, True)):
        received = now - timedelta(days=6)
        session.add(LedgerEntry(kind="message", status="replied", title="看板已答复留言",
                                received_at=received, due_at=received + timedelta(days=3),
                                replied_at=received + timedelta(days=4 if late else 1),
                                lead_department_id=dept))
    session.add(LedgerEntry(kind="message", status="handling", title="看板测试局超期留言",
                            received_at=now - timedelta(days=9), due_at=now - timedelta(days=2),
                            lead_department_id=other.id))
    board = source(session, "dash_forum", "forum")
    event = Event(cluster_key="dash-hot", title="看板热点：搅拌站噪音扰民", keywords=["搅拌站"],
                  first_seen_at=now - timedelta(days=3), last_seen_at=now - timedelta(hours=2),
                  mention_count=4, negative_count=3, hotness=88.0, level="较大", reason="测试")
    session.add(event)
    session.flush()
    for n in range(4):
        row = mention(session, f"搅拌站夜间施工噪音扰民第{n}帖", now - timedelta(days=n, hours=1),
                      kind="forum", src=board)
        session.add(MentionAnalysis(mention_id=row.id, event_id=event.id,
                                    sentiment=0.1 if n else 0.9, keywords=["搅拌站", "噪音"]))
    session.add(Alert(event_id=event.id, level="较大", level_rank=2, hotness=88.0,
                      reason="测试", department=None))
    session.commit()
    return {"department": ledger_now, "other": other, "event": event}


def charts_of(html: str) -> list[str]:
    """The chart panels of a page, in order."""
    return re.findall(r'data-chart="([a-z_]+)"', html)


def chart(html: str, key: str) -> str:
    """The markup of one chart panel."""
    return html.split(f'data-chart="{key}"', 1)[1].split("</figure>", 1)[0]


def chart_links(html: str) -> list[str]:
    """Every link drawn on a chart of the page."""
    svg = "".join(re.findall(r"<svg.*?</svg>", html, flags=re.S))
    return sorted({htmllib.unescape(h) for h in re.findall(r'<a href="([^"]+)"', svg)})


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_sees_its_panels_with_data(client, auth, demo_users, office, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    html = client.get(HOMES[role]).get_data(as_text=True)
    assert charts_of(html) == list(ROLE_CHARTS[role])
    assert "chart-empty" not in html, re.findall(r'class="empty">([^<]+)<', html)
    if role in ("leader", "opinion_staff"):
        assert "data-hot-issues" in html and "看板热点：搅拌站噪音扰民" in html
        assert 'class="spark"' in html
    if role == "opinion_staff":
        assert "搅拌站" in chart(html, "keywords") and "论坛" in chart(html, "kinds")
        assert "测试来源 dash_forum" in chart(html, "sources")
    if role == "leader":
        overdue = chart(html, "dept_overdue")
        assert "市看板测试局" in overdue
        assert f"/ledger/?department={office['other'].id}&amp;overdue=open" in overdue
        assert "市看板测试局" in chart(html, "dept_on_time") and "0%" in chart(html,
                                                                             "dept_on_time")


def test_a_responder_sees_only_their_department(client, auth, demo_users, office):
    auth.login(demo_users["responder"].username, demo_users["responder"].password)
    html = client.get("/responder").get_data(as_text=True)
    name = office["other"].name
    assert name not in html and "看板测试局超期留言" not in html and "搅拌站" not in html
    assert "本部门答复用时趋势" in html and "本部门（市住房和城乡建设局）" in html
    assert all(link.startswith("/ledger/") for link in chart_links(html))


@pytest.mark.parametrize("role", ["leader", "opinion_staff", "responder"])
def test_chart_links_open_the_lists_behind_them(client, auth, demo_users, office, role):
    auth.login(demo_users[role].username, demo_users[role].password)
    html = client.get(HOMES[role]).get_data(as_text=True)
    links = chart_links(html)
    assert len(links) >= 5
    wanted = {"leader": ("/ledger/?", "/search/?"), "opinion_staff": ("/search/?",),
              "responder": ("/ledger/?",)}[role]
    assert all(any(link.startswith(w) for link in links) for w in wanted)
    for link in links[:: max(1, len(links) // 12)]:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_home_is_a_dashboard(client, auth, demo_users, session, ledger_now, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    html = client.get(HOMES[role]).get_data(as_text=True)
    assert f'data-role-home="{HOMES[role][1:]}"' in html and "data-dashboard" in html
    assert html.count("<svg") >= 2
    assert ("答复用时趋势" in html) == (role != "opinion_staff")
    assert "即将到期的留言" in html and "已经超期的留言" in html
    assert not re.search(r'(src|href)="https?://', html)  # everything served by the app
    soon, late = open_counts(session, ledger_now if role == "responder" else None)
    assert f"data-due-soon>{soon}<" in html and f"data-overdue>{late}<" in html
    if role == "responder":
        assert "别的部门超期" not in html and "待处置预警" not in html
    else:
        assert ("近30天信息量" in html) == (role != "responder")
        assert "别的部门超期" in html or late > 20  # lists show the 20 most late


def test_the_projector_view_is_for_leaders_staff_and_admins(client, auth, demo_users):
    auth.login(demo_users["leader"].username, demo_users["leader"].password)
    page = client.get("/dashboard/wall")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-dashboard-wall" in html
    assert 'http-equiv="refresh"' in html and "dashboard.css" in html
    assert charts_of(html) == list(ROLE_CHARTS["wall"])
    auth.logout()
    auth.login(demo_users["responder"].username, demo_users["responder"].password)
    assert client.get("/dashboard/wall").status_code == 403


def test_the_dashboard_stylesheet_is_served_by_the_app(client):
    response = client.get("/static/dashboard.css")
    assert response.status_code == 200 and b"@media" in response.data
