"""Triage services on both databases: dismiss, merge, correct sentiment, escalate; all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.tracker.events.factory import MATTER, OTHERS, T0, mention
from tracker.accounts.users import get_or_create_department
from tracker.events.analyze import run_analysis
from tracker.events.triage import (
    TriageError,
    correct_sentiment,
    dismiss_alert,
    escalate_alert,
    merge_events,
)
from tracker.models import AuditEvent, Mention
from tracker.models.events import Alert, Event, MentionAnalysis, SentimentCorrection
from tracker.models.ledger import LedgerEntry

BURST = [f"{MATTER[n % len(MATTER)]}（网友第{n}次转发反映）" for n in range(8)]
GARBAGE = "A3区枫林路垃圾站臭气熏天，苍蝇蚊子成群，居民苦不堪言，多次投诉无人处理"
OTHER_BURST = [f"{GARBAGE}（第{n}位居民反映）" for n in range(8)]


def _audit(session, entity_type: str, entity_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)))


@pytest.fixture
def two_alerts(session, demo_users):
    """Two events about two matters, each with a 一般 alert."""
    for n, (a, b) in enumerate(zip(BURST, OTHER_BURST, strict=True)):
        mention(session, a, T0 + timedelta(minutes=n))
        mention(session, b, T0 + timedelta(minutes=n))
    run_analysis(session, now=T0 + timedelta(hours=1))
    alerts = list(session.scalars(select(Alert).order_by(Alert.id)))
    assert len(alerts) == 2 and alerts[0].event_id != alerts[1].event_id
    return alerts


def _staff(session) -> int:
    from tracker.models import User

    return session.scalar(select(User.id).where(User.username == "staff"))


def test_dismiss_needs_a_reason_and_is_audited(session, two_alerts):
    alert = two_alerts[0]
    with pytest.raises(TriageError):
        dismiss_alert(session, alert, "  ", _staff(session))
    dismiss_alert(session, alert, "已核实为旧闻转载", _staff(session), now=T0)
    assert (alert.status, alert.decision_note, alert.decided_by_id) == (
        "dismissed", "已核实为旧闻转载", _staff(session))
    (event,) = _audit(session, "alert", alert.id)
    assert (event.action, event.old_value, event.new_value) == ("dismiss", "new", "dismissed")
    with pytest.raises(TriageError):
        dismiss_alert(session, alert, "again", _staff(session))


def test_merge_moves_the_members_and_closes_the_source_alerts(session, two_alerts):
    source, target = (session.get(Event, a.event_id) for a in two_alerts)
    moved = list(session.scalars(select(MentionAnalysis.mention_id)
                                 .where(MentionAnalysis.event_id == source.id)))
    merge_events(session, source, target, _staff(session), now=T0 + timedelta(hours=2))
    assert (source.status, source.merged_into_id) == ("merged", target.id)
    assert target.mention_count == len(BURST) + len(OTHER_BURST)
    assert set(session.scalars(select(MentionAnalysis.event_id)
                               .where(MentionAnalysis.mention_id.in_(moved)))) == {target.id}
    assert two_alerts[0].status == "merged" and two_alerts[1].status == "new"
    assert [e.action for e in _audit(session, "event", source.id)] == ["merge"]
    assert all(session.get(Mention, m).indexed_at is None for m in moved)
    with pytest.raises(TriageError):
        merge_events(session, source, target, _staff(session))
    # Later mentions of the merged matter join the surviving event.
    late = mention(session, BURST[0] + "（再次反映）", T0 + timedelta(hours=3))
    run_analysis(session, now=T0 + timedelta(hours=3))
    assert session.get(MentionAnalysis, late.id).event_id == target.id


def test_a_sentiment_correction_is_kept_for_retraining(session, two_alerts):
    event_id = two_alerts[0].event_id
    row = session.scalars(select(MentionAnalysis).where(MentionAnalysis.event_id == event_id)
                          .order_by(MentionAnalysis.mention_id)).first()
    old, negatives = row.sentiment, session.get(Event, event_id).negative_count
    correct_sentiment(session, row.mention_id, positive=old < 0.5, actor_id=_staff(session))
    (kept,) = session.scalars(select(SentimentCorrection))
    mention_row = session.get(Mention, row.mention_id)
    assert kept.text == f"{mention_row.title}\n{mention_row.text}"
    assert (kept.old_score, kept.label) == (old, int(old < 0.5))
    assert row.sentiment == float(old < 0.5) and row.sentiment_corrected
    expected = negatives - 1 if old < 0.5 else negatives + 1
    assert session.get(Event, event_id).negative_count == expected
    assert [e.field for e in _audit(session, "mention", row.mention_id)] == ["sentiment"]
    # Re-analysis never overwrites a corrected score.
    run_analysis(session, now=T0 + timedelta(hours=2))
    assert session.get(MentionAnalysis, row.mention_id).sentiment == float(old < 0.5)


def test_escalation_opens_an_opinion_entry_linked_to_the_mentions(session, two_alerts):
    alert = two_alerts[0]
    event = session.get(Event, alert.event_id)
    department = get_or_create_department(session, event.department)
    entry_id = escalate_alert(session, alert, _staff(session), now=T0 + timedelta(hours=1))
    entry = session.get(LedgerEntry, entry_id)
    assert (entry.kind, entry.title, entry.alert_id, entry.level) == (
        "opinion", event.title, alert.id, "general")
    assert entry.proposed_department_id == department.id
    members = set(session.scalars(select(MentionAnalysis.mention_id)
                                  .where(MentionAnalysis.event_id == event.id)))
    assert {link.mention_id for link in entry.links} == members
    assert (alert.status, alert.ledger_entry_id) == ("escalated", entry_id)
    assert [e.action for e in _audit(session, "alert", alert.id)] == ["escalate"]
    with pytest.raises(TriageError):
        escalate_alert(session, alert, _staff(session))


def test_nothing_changes_for_unrelated_events(session, two_alerts):
    others = [mention(session, text, T0) for text in OTHERS]
    run_analysis(session, now=T0 + timedelta(hours=1))
    assert all(session.get(MentionAnalysis, m.id).event_id not in
               {a.event_id for a in two_alerts} for m in others)
