"""The triage queue pages: roles, the actions through their forms, CSRF, escaping of crawled
text. Every test runs on both databases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.tracker.events.factory import MATTER, POLITE, fresh_epoch, mention
from tracker.events.analyze import run_analysis
from tracker.models import AuditEvent
from tracker.models.events import Alert, Event, MentionAnalysis, SentimentCorrection
from tracker.models.ledger import LedgerEntry

HOSTILE = "<script>window.pwned=1</script>丽发新城搅拌站"
GARBAGE = "A3区枫林路垃圾站臭气熏天，苍蝇蚊子成群，居民苦不堪言，多次投诉无人处理"


@pytest.fixture
def alerts(session, demo_users):
    """Two alerted events: the mixing plant (one title hostile, one link javascript:) and a
    garbage station; returns their alert ids."""
    start, rows = fresh_epoch(), []
    for n in range(8):
        row = mention(session, f"{MATTER[n % len(MATTER)]}（第{n}位网友）",
                      start + timedelta(minutes=n), title=HOSTILE if n == 0 else None)
        if n == 1:
            row.url = "javascript:alert(1)"
        rows += [row, mention(session, f"{GARBAGE}（第{n}位居民反映）",
                              start + timedelta(minutes=n))]
    run_analysis(session, now=start + timedelta(hours=1))
    session.commit()
    events = select(MentionAnalysis.event_id).where(
        MentionAnalysis.mention_id.in_([r.id for r in rows]))
    ids = list(session.scalars(select(Alert.id).where(Alert.event_id.in_(events))
                               .order_by(Alert.id)))
    assert len(ids) == 2
    return ids


def sign_in(auth, demo_users, role: str) -> None:
    """Sign in as one of the demo roles."""
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def token(client, alert_id: int) -> str:
    """The CSRF token on an alert's page."""
    html = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role, queue, detail, act", [
    ("opinion_staff", 200, 200, 303), ("admin", 200, 200, 303),
    ("leader", 200, 200, 403), ("responder", 403, 403, 403)])
def test_who_may_read_and_act(client, auth, demo_users, alerts, role, queue, detail, act):
    sign_in(auth, demo_users, role)
    assert client.get("/alerts/").status_code == queue
    page = client.get(f"/alerts/{alerts[0]}")
    assert page.status_code == detail
    if detail == 200:
        assert ('data-action="dismiss"' in page.get_data(as_text=True)) == (act == 303)
    data = {"csrf_token": token(client, alerts[0]) if detail == 200 else "x", "reason": "误报"}
    assert client.post(f"/alerts/{alerts[0]}/dismiss", data=data).status_code in (act, 400)


def test_signed_out_users_go_to_the_login(client, alerts):
    assert client.get("/alerts/").status_code == 302


def test_the_queue_shows_the_alerts_with_crawled_text_escaped(client, auth, demo_users, alerts):
    sign_in(auth, demo_users, "opinion_staff")
    html = client.get("/alerts/").get_data(as_text=True)
    assert all(f'data-alert-id="{a}"' in html for a in alerts)
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned" in html
    assert "负面占比" in html and "待处置（" in html
    detail = client.get(f"/alerts/{alerts[0]}").get_data(as_text=True)
    assert "<script>window.pwned" not in detail
    assert 'href="javascript:' not in detail
    assert "情感分布" in detail and "走势" in detail and "建议承办" in detail
    assert detail.count("data-mention-id=") == 8


def test_posts_without_the_csrf_token_are_refused(client, auth, demo_users, alerts, session):
    sign_in(auth, demo_users, "opinion_staff")
    for action in ("dismiss", "escalate", "merge"):
        response = client.post(f"/alerts/{alerts[0]}/{action}", data={"reason": "x"})
        assert response.status_code == 400
    assert session.get(Alert, alerts[0]).status == "new"


def test_dismiss_needs_a_reason(client, auth, demo_users, alerts, session):
    sign_in(auth, demo_users, "opinion_staff")
    url = f"/alerts/{alerts[0]}/dismiss"
    empty = client.post(url, data={"csrf_token": token(client, alerts[0]), "reason": " "},
                        follow_redirects=True)
    assert "请填写忽略理由" in empty.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token(client, alerts[0]), "reason": "旧闻"})
    assert done.status_code == 303
    session.expire_all()
    alert = session.get(Alert, alerts[0])
    assert (alert.status, alert.decision_note) == ("dismissed", "旧闻")
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.entity_type == "alert", AuditEvent.entity_id == str(alerts[0]))) == "dismiss"
    queue = client.get("/alerts/?status=dismissed").get_data(as_text=True)
    assert f'data-alert-id="{alerts[0]}"' in queue and f'data-alert-id="{alerts[1]}"' not in queue


def test_merge_escalate_and_correct_through_the_forms(client, auth, demo_users, alerts, session):
    sign_in(auth, demo_users, "opinion_staff")
    first, second = (session.get(Alert, a) for a in alerts)
    target = second.event_id
    merged = client.post(f"/alerts/{alerts[0]}/merge",
                         data={"csrf_token": token(client, alerts[0]), "target": str(target)})
    assert merged.status_code == 303
    session.expire_all()
    assert session.get(Event, first.event_id).status == "merged"
    assert session.get(Event, target).mention_count == 16
    escalated = client.post(f"/alerts/{alerts[1]}/escalate",
                            data={"csrf_token": token(client, alerts[1])})
    assert escalated.status_code == 303
    session.expire_all()
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.alert_id == alerts[1]))
    assert entry is not None and len(entry.links) == 16
    page = client.get(f"/alerts/{alerts[1]}").get_data(as_text=True)
    assert f'href="/ledger/{entry.id}" data-ledger-link>查看台账事项' in page
    assert 'data-action="dismiss"' not in page
    mention_id = session.scalar(select(MentionAnalysis.mention_id)
                                .where(MentionAnalysis.event_id == target)
                                .order_by(MentionAnalysis.mention_id))
    fixed = client.post(f"/alerts/{alerts[1]}/mentions/{mention_id}/sentiment",
                        data={"csrf_token": token(client, alerts[1]), "label": "positive"})
    assert fixed.status_code == 303
    session.expire_all()
    assert session.get(MentionAnalysis, mention_id).sentiment == 1.0
    assert session.scalar(select(SentimentCorrection.label)) == 1


def test_the_queue_sorts_newest_or_hottest_first(client, auth, demo_users, alerts, session):
    sign_in(auth, demo_users, "opinion_staff")
    first, second = (session.get(Alert, a) for a in alerts)
    first.hotness, second.hotness = 200.0, 100.0
    second.created_at = first.created_at + timedelta(minutes=5)
    session.commit()

    def order(query: str) -> list[int]:
        html = client.get(f"/alerts/{query}").get_data(as_text=True)
        found = [int(v) for v in re.findall(r'<tr data-alert-id="(\d+)"', html)]
        return [a for a in found if a in alerts]  # rows other tests left on SQLite aside

    assert order("") == [second.id, first.id]
    assert order("?sort=hot") == [first.id, second.id]


def test_board_messages_show_the_appeal_their_title_declares(client, auth, demo_users, session):
    start = fresh_epoch()
    rows = [mention(session, text, start + timedelta(minutes=i), title=title, kind="board",
                    likes=300) for i, (title, text) in enumerate(POLITE)]
    run_analysis(session, now=start + timedelta(hours=1))
    session.commit()
    event_id = session.get(MentionAnalysis, rows[0].id).event_id
    alert_id = session.scalar(select(Alert.id).where(Alert.event_id == event_id))
    sign_in(auth, demo_users, "opinion_staff")
    html = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    chips = re.findall(r'<span class="chip" data-appeal title="([^"]*)">([^<]*)</span>', html)
    assert chips == [("留言标题自述的诉求类型，计入负面占比", "投诉")] * 3
    assert "负面占比 75%" in html
