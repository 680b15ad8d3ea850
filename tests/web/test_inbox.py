"""The work inbox on each role's home page, through the real app on both databases: the
responder sees their department's cases only, with countdowns; the leader sees the reply above
the 审签 buttons and signs it off from there; the top bar counts unread notifications."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.tracker.ledger.factory import (
    HOUSING,
    TRANSPORT,
    actor,
    context,
    department_id,
    local,
    other_responder,
)
from tests.web.test_ledger_pages import sign_in
from tracker import notify
from tracker.ledger import open_opinion_entry, perform
from tracker.models import Notification, User, utcnow
from tracker.models.ledger import LedgerEntry


@pytest.fixture
def inbox_world(session, settings, demo_users):
    """A housing case due in two days, an overdue transport case, a housing reply waiting
    for 审签, and a board message without a department."""
    other_responder(session)
    tag, ctx = uuid.uuid4().hex[:8], context()
    staff, housing = actor(session, "staff"), actor(session, "responder")

    def opinion(title, dept, found):
        entry = open_opinion_entry(session, title=f"{title} {tag}", summary="内容", source="论坛",
                                   url=None, found_at=found, first_published_at=None,
                                   level="一般", actor_id=staff.id, ctx=ctx)
        perform(session, entry, "assess", staff, ctx=ctx, now=found, settings=settings)
        perform(session, entry, "assign", staff, ctx=ctx, now=found, settings=settings,
                data={"lead_department_id": department_id(session, dept)})
        return entry

    now = utcnow()
    fresh = opinion("住建新案", HOUSING, now - timedelta(hours=1))
    late = opinion("交通旧案", TRANSPORT, local("2025-09-20 09:00"))
    review = opinion("住建待审", HOUSING, now - timedelta(hours=2))
    perform(session, review, "accept", housing, ctx=ctx, now=now, settings=settings)
    perform(session, review, "submit", housing, ctx=ctx, now=now, settings=settings,
            data={"content": f"经核实，道路已于今日修复。{tag}"})
    message = LedgerEntry(kind="message", status="accepted", title=f"待分办留言 {tag}",
                          received_at=now, due_at=now + timedelta(days=7))
    session.add(message)
    session.commit()
    return {"tag": tag, "fresh": fresh.id, "late": late.id, "review": review.id,
            "message": message.id}


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_responder_sees_only_their_cases_with_countdowns(client, auth, demo_users,
                                                             inbox_world):
    sign_in(auth, demo_users, "responder")
    html = page(client, "/responder")
    assert f'href="/ledger/{inbox_world["fresh"]}"' in html
    assert f'href="/ledger/{inbox_world["review"]}"' in html
    assert f'data-entry="{inbox_world["late"]}"' not in html
    item = re.search(rf'data-entry="{inbox_world["fresh"]}".*?data-countdown>([^<]+)<', html,
                     re.S)
    assert item and re.fullmatch(r"剩余 \d+ (小时|个工作日)|今日到期，剩余 \d+ (小时|分钟)",
                                 item.group(1)), item and item.group(1)
    assert "交通旧案" not in html


def test_the_other_department_sees_its_overdue_case_in_red(client, auth, demo_users,
                                                           inbox_world):
    sign_in(auth, demo_users, "other")
    html = page(client, "/responder")
    item = re.search(rf'data-entry="{inbox_world["late"]}".*?class="badge tone-(\w+)" '
                     r'data-countdown>([^<]+)<', html, re.S)
    assert item and item.group(1) == "bad" and item.group(2).startswith("已超期 ")
    assert f'data-entry="{inbox_world["fresh"]}"' not in html


def test_the_leader_signs_off_the_reply_from_the_inbox(client, auth, demo_users, inbox_world,
                                                       session):
    sign_in(auth, demo_users, "leader")
    html = page(client, "/leader")
    item = html[html.index(f'data-entry="{inbox_world["review"]}"'):]
    reply = item.index(f"经核实，道路已于今日修复。{inbox_world['tag']}")
    assert reply < item.index("审签通过并发布") and reply < item.index("退回修改")
    assert 'data-box="overdue"' in html and "交通运输局" in html
    leader = session.scalar(select(User).where(User.username == demo_users["leader"].username))
    unread = notify.unread_count(session, leader.id)
    assert unread >= 1
    assert re.search(rf"data-unread>{unread}<", html)
    token = re.search(r'name="approve-csrf_token" type="hidden" value="([^"]+)"', item)
    assert 'name="next" value="/leader"' in item
    done = client.post(f"/ledger/{inbox_world['review']}/approve",
                       data={"approve-csrf_token": token.group(1), "approve-note": "同意",
                             "next": "/leader"})
    assert done.status_code == 303 and done.location == "/leader"  # back to the inbox
    session.expire_all()
    assert session.get(LedgerEntry, inbox_world["review"]).status == "responded"
    assert f'data-entry="{inbox_world["review"]}"' not in page(client, "/leader")
    assert notify.unread_count(session, leader.id) == unread - 1  # resolved once decided


def test_the_leader_returns_a_reply_and_the_department_is_told(client, auth, demo_users,
                                                               inbox_world, session):
    sign_in(auth, demo_users, "leader")
    html = page(client, "/leader")
    item = html[html.index(f'data-entry="{inbox_world["review"]}"'):]
    token = re.search(r'name="reject-csrf_token" type="hidden" value="([^"]+)"', item)
    done = client.post(f"/ledger/{inbox_world['review']}/reject",
                       data={"reject-csrf_token": token.group(1), "reject-note": "请补充时限",
                             "next": "https://example.com/"})
    assert done.status_code == 303 and done.location.endswith(f"/ledger/{inbox_world['review']}")
    auth.logout()
    sign_in(auth, demo_users, "responder")
    html = page(client, "/responder")
    first = re.search(r'<ul class="items cases">\s*<li data-entry="(\d+)" class="returned"', html)
    assert first and int(first.group(1)) == inbox_world["review"]
    assert "退回理由：请补充时限" in html
    notes = page(client, "/notifications")
    assert "【退回修改】住建待审" in notes and "【新交办】住建新案" in notes


def test_staff_see_unrouted_messages_as_links(client, auth, demo_users, inbox_world):
    sign_in(auth, demo_users, "opinion_staff")
    html = page(client, "/staff")
    box = html[html.index('data-box="unrouted"'):html.index('data-box="waiting"')]
    assert re.search(r"待分办留言（\d+）", box)
    assert (f'href="/ledger/{inbox_world["message"]}"' in box
            or "另有" in box)  # listed, or among the many not listed
    assert 'data-box="alerts"' in html and 'data-dashboard' in html


def test_the_admin_inbox_says_when_nothing_is_wrong(client, auth, demo_users, inbox_world):
    sign_in(auth, demo_users, "admin")
    html = page(client, "/admin")
    assert 'data-inbox="admin"' in html
    for box in ("sources", "jobs", "deliveries"):
        assert f'data-box="{box}"' in html
    assert "没有投递失败的通知。" in html or "条投递失败的通知" in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_entry(client, auth, demo_users,
                                                                    inbox_world, session):
    sign_in(auth, demo_users, "responder")
    me = session.scalar(select(User).where(User.username == demo_users["responder"].username))
    note = session.scalar(select(Notification).where(
        Notification.user_id == me.id, Notification.kind == "assigned",
        Notification.link == f"/ledger/{inbox_world['fresh']}"))
    unread = notify.unread_count(session, me.id)
    assert f'href="/notifications/{note.id}"' in page(client, "/notifications")
    opened = client.get(f"/notifications/{note.id}")
    assert opened.status_code == 302 and opened.location == f"/ledger/{inbox_world['fresh']}"
    session.expire_all()
    assert notify.unread_count(session, me.id) == unread - 1
    auth.logout()
    sign_in(auth, demo_users, "leader")
    assert client.get(f"/notifications/{note.id}").status_code == 404  # not theirs
