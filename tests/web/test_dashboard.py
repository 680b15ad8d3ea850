"""The dashboard on every role's home page and the projector view (both databases)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker.models import LedgerEntry, User
from tracker.models.base import utcnow

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


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_home_is_a_dashboard(client, auth, demo_users, session, ledger_now, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    html = client.get(HOMES[role]).get_data(as_text=True)
    assert f'data-role-home="{HOMES[role][1:]}"' in html and "data-dashboard" in html
    assert html.count("<svg") >= 2 and "答复用时趋势" in html
    assert "即将到期的留言" in html and "已经超期的留言" in html
    assert not re.search(r'(src|href)="https?://', html)  # everything served by the app
    soon, late = open_counts(session, ledger_now if role == "responder" else None)
    assert f"data-due-soon>{soon}<" in html and f"data-overdue>{late}<" in html
    if role == "responder":
        assert "别的部门超期" not in html and "待处置预警" not in html
    else:
        assert "近30天信息量" in html
        assert "别的部门超期" in html or late > 20  # lists show the 20 most late


def test_the_projector_view_is_for_leaders_staff_and_admins(client, auth, demo_users):
    auth.login(demo_users["leader"].username, demo_users["leader"].password)
    page = client.get("/dashboard/wall")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-dashboard-wall" in html
    assert 'http-equiv="refresh"' in html and "dashboard.css" in html
    auth.logout()
    auth.login(demo_users["responder"].username, demo_users["responder"].password)
    assert client.get("/dashboard/wall").status_code == 403


def test_the_dashboard_stylesheet_is_served_by_the_app(client):
    response = client.get("/static/dashboard.css")
    assert response.status_code == 200 and b"@media" in response.data
