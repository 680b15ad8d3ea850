"""Two authorisation checks: a ledger entry's responsible person must belong to its lead
department, and a sentiment correction on an alert's page must name one of that alert's
mentions. Every test runs on both databases."""

import pytest
from sqlalchemy import func, select

from tests.tracker.ledger.factory import HOUSING, TRANSPORT, actor, context, department_id, local
from tests.web import test_alerts as alert_pages
from tests.web import test_ledger_pages as ledger_pages
from tracker.ledger import LedgerError, open_opinion_entry, perform
from tracker.models import AuditEvent, User
from tracker.models.events import Alert, MentionAnalysis, SentimentCorrection
from tracker.models.ledger import LedgerEntry

world = ledger_pages.world  # the ledger pages' entries (and the transport responder)
alerts = alert_pages.alerts  # two alerted events


@pytest.fixture
def assessed(session, world):
    """An opinion entry ready to be assigned (交办)."""
    staff = actor(session, "staff")
    entry = open_opinion_entry(session, title="某小区停水", summary="内容", source="本地论坛",
                               url=None, found_at=local("2025-09-30 09:00"),
                               first_published_at=None, level="一般", mention_ids=[],
                               actor_id=staff.id, ctx=context())
    perform(session, entry, "assess", staff, ctx=context(), now=local("2025-09-30 09:10"))
    session.commit()
    return entry.id


def user_id(session, username: str) -> int:
    """The id of an existing user."""
    return session.scalar(select(User.id).where(User.username == username))


def assign_audits(session, entry_id: int) -> int:
    """How many audit rows record an assignment of the entry."""
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_id == str(entry_id), AuditEvent.action == "assign"))


def test_the_ledger_refuses_a_responsible_person_of_another_department(session, assessed):
    entry = session.get(LedgerEntry, assessed)
    data = {"lead_department_id": department_id(session, HOUSING),
            "responsible_user_id": user_id(session, "transport")}
    with pytest.raises(LedgerError, match="牵头单位"):
        perform(session, entry, "assign", actor(session, "staff"), data=data, ctx=context())


def test_assigning_a_person_of_another_department_is_400_and_changes_nothing(
        client, auth, demo_users, session, assessed):
    ledger_pages.sign_in(auth, demo_users, "opinion_staff")
    housing = department_id(session, HOUSING)
    status = session.get(LedgerEntry, assessed).status
    refused = ledger_pages.post_action(client, assessed, "assign",
                                       lead_department_id=str(housing),
                                       responsible_user_id=str(user_id(session, "transport")))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert f"责任人须为牵头单位（{HOUSING}）的人员" in html and f'data-status="{status}"' in html
    session.expire_all()
    entry = session.get(LedgerEntry, assessed)
    assert (entry.status, entry.lead_department_id, entry.responsible_user_id) == (
        status, None, None)
    assert assign_audits(session, assessed) == 0
    done = ledger_pages.post_action(client, assessed, "assign", lead_department_id=str(housing),
                                    responsible_user_id=str(user_id(session, "responder")))
    assert done.status_code == 303
    session.expire_all()
    assert session.get(LedgerEntry, assessed).responsible_user_id == user_id(session,
                                                                             "responder")


def test_the_assign_form_names_each_persons_department(client, auth, demo_users, assessed):
    ledger_pages.sign_in(auth, demo_users, "opinion_staff")
    html = client.get(f"/ledger/{assessed}").get_data(as_text=True)
    assert f"李办理（{HOUSING}）" in html and f"钱交通（{TRANSPORT}）" in html


def test_correcting_a_mention_of_another_alert_is_404_and_stores_nothing(
        client, auth, demo_users, alerts, session):
    alert_pages.sign_in(auth, demo_users, "opinion_staff")
    first, second = (session.get(Alert, a) for a in alerts)
    foreign = session.scalar(select(MentionAnalysis).where(
        MentionAnalysis.event_id == second.event_id).order_by(MentionAnalysis.mention_id))
    before = foreign.sentiment
    response = client.post(f"/alerts/{first.id}/mentions/{foreign.mention_id}/sentiment",
                           data={"csrf_token": alert_pages.token(client, first.id),
                                 "label": "positive" if before < 0.5 else "negative"})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(MentionAnalysis, foreign.mention_id).sentiment == before
    assert session.scalar(select(func.count()).select_from(SentimentCorrection)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "mention")) == 0
    own = client.post(f"/alerts/{second.id}/mentions/{foreign.mention_id}/sentiment",
                      data={"csrf_token": alert_pages.token(client, second.id),
                            "label": "positive"})
    assert own.status_code == 303
    assert session.scalar(select(func.count()).select_from(SentimentCorrection)) == 1


def test_correcting_an_unknown_mention_is_404(client, auth, demo_users, alerts):
    alert_pages.sign_in(auth, demo_users, "opinion_staff")
    response = client.post(f"/alerts/{alerts[0]}/mentions/999999999/sentiment",
                           data={"csrf_token": alert_pages.token(client, alerts[0]),
                                 "label": "positive"})
    assert response.status_code == 404
