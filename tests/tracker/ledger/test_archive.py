"""Historic data must not drown the present: messages already old when they enter the ledger
are archived (answered) or go to 历史遗留 (unanswered), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.tracker.ledger.factory import (
    HOUSING,
    actor,
    board,
    context,
    department_id,
    local,
    message_case,
)
from tracker.ledger import (
    LedgerError,
    LegacyFilter,
    PermissionDenied,
    backfill_archive,
    decide_legacy,
    legacy_count,
    legacy_page,
    red_flags,
    sync_message_cases,
)
from tracker.ledger.service import audit_trail
from tracker.metrics import Period, compute_metrics
from tracker.models import LedgerEntry
from tracker.reports import build_monthly_report
from tracker.reports.dashboard import overdue_now

NOW = local("2026-12-01 10:00")
SH = context().tz


def entry_for(session, case):
    return session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == case.id))


@pytest.fixture
def people(session, demo_users):
    return {role: actor(session, demo_users[role].username) for role in demo_users}


@pytest.fixture
def synced(session):
    """Leftovers first; then one old answered, one old unanswered, one recent unanswered."""
    sync_message_cases(session, ctx=context(), now=NOW)
    old_answered = message_case(session, "A-1", "2015-03-02 09:00", reply="已修复。",
                                replied="2015-03-05 17:00", department=HOUSING,
                                url=None)  # as an import: the reply was never published here
    old_open = message_case(session, "A-2", "2015-03-10 09:00")
    recent = message_case(session, "A-3", "2026-11-20 09:00")
    sync_message_cases(session, ctx=context(), now=NOW)
    return old_answered, old_open, recent


def test_old_answered_is_archived_and_counted_in_its_month_not_overdue(session, settings,
                                                                       synced):
    old_answered, _, _ = synced
    entry = entry_for(session, old_answered)
    assert entry.status == "archived" and entry.closed_at == local("2015-03-05 17:00")
    assert entry.replied_at == local("2015-03-05 17:00") and entry.due_at is not None
    month = compute_metrics(session, Period.month(2015, 3), settings, kind="message",
                            as_of=NOW).total
    assert month.received >= 2 and month.replied >= 1 and month.on_time >= 1
    assert month.median_reply_hours is not None
    assert month.overdue_open == 0 and month.closed >= 1
    assert entry.published_at is None  # history: no 已答复但未公开 flag, nothing to fix
    assert "not_published" not in {f.code for f in red_flags(entry, NOW)}


def test_old_unanswered_goes_to_legacy_and_out_of_every_overdue_figure(session, settings,
                                                                       synced):
    _, old_open, recent = synced
    entry = entry_for(session, old_open)
    assert entry.status == "legacy" and entry.due_at is None
    assert "历史遗留" in entry.due_explanation and "90 天" in entry.due_explanation
    trail = audit_trail(session, entry.id)
    due = [e for e in trail if e.field == "due_at"]
    assert due and due[-1].new_value is None  # the computed deadline stays in the audit
    month = compute_metrics(session, Period.month(2015, 3), settings, kind="message",
                            as_of=NOW).total
    assert month.overdue_open == 0 and month.received >= 2 and month.open >= 1
    assert month.on_time_rate == 1.0  # decided: the answered one, on time
    assert entry.id not in {row.id for row in overdue_now(session, NOW, limit=10_000).rows}
    fresh = entry_for(session, recent)
    assert fresh.status == "accepted" and fresh.due_at is not None
    page = legacy_page(session, LegacyFilter(year=2015), SH)
    assert entry.id in {e.id for e in page.entries} and page.total >= 1
    assert (2015, page.total) in page.years
    assert legacy_count(session) == page.all_total


def test_resync_and_backfill_change_nothing(session, synced):
    before = session.scalar(select(func.count()).select_from(LedgerEntry)
                            .where(LedgerEntry.status == "legacy"))
    assert sync_message_cases(session, ctx=context(), now=NOW) == 0
    counts = backfill_archive(session, now=NOW, ctx=context())
    assert (counts.archived, counts.legacy) == (0, 0)
    assert counts.legacy_total == before


def test_backfill_classifies_entries_by_when_they_entered(session):
    sync_message_cases(session, ctx=context(), now=NOW)
    live = message_case(session, "B-1", "2026-06-01 09:00")  # entered when fresh
    sync_message_cases(session, ctx=context(), now=local("2026-06-01 10:00"))
    entry_for(session, live).created_at = local("2026-06-01 10:00")
    old = message_case(session, "B-2", "2016-06-01 09:00")
    answered = message_case(session, "B-3", "2016-06-01 09:00", reply="已办。",
                            replied="2016-06-03 09:00")
    # As a database filled before the classification existed: entries stay as created.
    sync_message_cases(session, ctx=context(), now=local("2016-06-04 09:00"))
    for case in (old, answered):
        entry_for(session, case).created_at = NOW
    session.flush()
    counts = backfill_archive(session, now=NOW, ctx=context())
    assert counts.legacy >= 1 and counts.archived >= 1
    assert entry_for(session, old).status == "legacy"
    assert entry_for(session, answered).status == "archived"
    assert entry_for(session, live).status == "accepted"  # really overdue: stays overdue
    actions = {e.action for e in audit_trail(session, entry_for(session, old).id)}
    assert "archive_classify" in actions
    again = backfill_archive(session, now=NOW, ctx=context())
    assert (again.archived, again.legacy) == (0, 0)


def test_a_board_horizon_is_its_own(session):
    source = board(session)
    source.config = {**(source.config or {}), "archive_horizon_days": 3650}
    session.flush()
    case = message_case(session, "H-1", "2020-03-10 09:00")  # 6.7 years: inside 10 years
    sync_message_cases(session, ctx=context(), now=NOW)
    assert entry_for(session, case).status == "accepted"


def test_bulk_close_needs_a_note_and_is_audited_per_entry(session, people, synced):
    _, old_open, _ = synced
    other = message_case(session, "C-1", "2014-01-02 09:00")
    sync_message_cases(session, ctx=context(), now=NOW)
    ids = [entry_for(session, c).id for c in (old_open, other)]
    with pytest.raises(LedgerError):
        decide_legacy(session, ids, "close", people["leader"], note="  ", ctx=context())
    with pytest.raises(PermissionDenied):
        decide_legacy(session, ids, "close", people["responder"], note="无", ctx=context())
    result = decide_legacy(session, ids, "close", people["leader"],
                           note="留言人已通过电话答复，结案。", ctx=context(), now=NOW)
    assert result.done == 2 and not result.skipped
    for entry_id in ids:
        entry = session.get(LedgerEntry, entry_id)
        assert entry.status == "archived" and entry.closed_at == NOW
        closing = [e for e in audit_trail(session, entry_id) if e.action == "close"]
        assert closing and closing[0].detail["note"] == "留言人已通过电话答复，结案。"
        assert closing[0].actor_id == people["leader"].id
    again = decide_legacy(session, ids, "close", people["leader"], note="再次", ctx=context())
    assert again.done == 0 and sorted(again.skipped) == sorted(ids)


def test_bulk_assign_starts_the_clock_at_assignment(session, settings, people, synced):
    _, old_open, _ = synced
    housing = department_id(session, HOUSING)
    entry = entry_for(session, old_open)
    result = decide_legacy(session, [entry.id], "assign", people["opinion_staff"],
                           department_id=housing, ctx=context(), now=NOW)
    assert result.done == 1
    assert entry.status == "assigned" and entry.lead_department_id == housing
    assert entry.clock_restarted_at == NOW
    assert entry.due_at.astimezone(SH).date() == date(2026, 12, 10)  # 7 working days on
    assert entry.due_explanation.startswith("历史遗留留言，自交办之日起重新计算期限")
    fields = {e.field for e in audit_trail(session, entry.id) if e.action == "assign"}
    assert {"status", "lead_department_id", "due_at"} <= fields
    assert compute_metrics(session, Period.month(2015, 3), settings, kind="message",
                           as_of=NOW).total.overdue_open == 0


def test_the_monthly_report_says_how_many_wait_in_legacy(session, settings, synced):
    report = build_monthly_report(session, Period.month(2015, 3), settings, as_of=NOW)
    _, old_open, _ = synced
    entry = entry_for(session, old_open)
    assert report.legacy >= 1
    assert entry.id not in {row.id for row in report.unanswered_3m.rows}
    assert entry.id not in {row.id for row in report.overdue.rows}
    archived = entry_for(session, synced[0])
    assert archived.id not in {row.id for row in report.unpublished.rows}
    assert f"另有历史遗留留言 {report.legacy} 件" in "".join(report.summary)
    assert report.month.total.legacy_open >= 1 and report.month.total.overdue_open == 0
