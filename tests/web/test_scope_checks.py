"""A sentiment correction on an alert's page must name one of that alert's mentions. Every
test runs on both databases."""

from sqlalchemy import func, select

from tests.web import test_alerts as alert_pages
from tracker.models import AuditEvent
from tracker.models.events import Alert, MentionAnalysis, SentimentCorrection

alerts = alert_pages.alerts  # two alerted events


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
