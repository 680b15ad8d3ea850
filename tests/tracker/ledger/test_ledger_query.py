"""The ledger list's counts (total, by status, open overdue) agree with a plain Python count
over the same entries, for every filter path: the index-only counts and the one-scan counts
used for title searches, department filters and responders."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.tracker.ledger.factory import HOUSING, SH, TRANSPORT, department_id
from tracker.ledger import Actor
from tracker.ledger.query import LedgerFilter, list_page
from tracker.models.ledger import LedgerDepartment, LedgerEntry

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
STATUSES = {"message": ("accepted", "handling", "replied"),
            "opinion": ("registered", "handling", "closed")}
TITLES = ("小区道路破损", "噪音扰民", "道路积水", "供暖不热")


@pytest.fixture
def entries(session):
    """120 entries over two departments, a third of them co-handled by the other one."""
    rnd = random.Random(5)
    depts = [department_id(session, HOUSING), department_id(session, TRANSPORT)]
    made = []
    for i in range(120):
        kind = rnd.choice(("message", "opinion"))
        status = rnd.choice(STATUSES[kind])
        received = NOW - timedelta(hours=rnd.randrange(1, 24 * 40))
        replied = received + timedelta(hours=5) if status in ("replied", "closed") else None
        entry = LedgerEntry(
            kind=kind, status=status, title=f"{rnd.choice(TITLES)} {i}", received_at=received,
            due_at=received + timedelta(days=rnd.choice((1, 10))), replied_at=replied,
            closed_at=replied if status == "closed" else None,
            paused_since=received if i % 17 == 0 else None,
            lead_department_id=rnd.choice(depts + [None]))
        session.add(entry)
        session.flush()
        co = {d for d in depts if d != entry.lead_department_id and rnd.random() < 0.33}
        for dept in co:
            session.add(LedgerDepartment(entry_id=entry.id, department_id=dept))
        made.append((entry, co))
    session.flush()
    return made, depts


def expected(made, filters: LedgerFilter, department: int | None):
    """(total, by_status, overdue) counted in Python."""
    rows = []
    for entry, co in made:
        if department is not None and department != entry.lead_department_id \
                and department not in co:
            continue
        if filters.department_id and filters.department_id != entry.lead_department_id \
                and filters.department_id not in co:
            continue
        if filters.kind and entry.kind != filters.kind:
            continue
        if filters.q and filters.q not in entry.title:
            continue
        rows.append(entry)
    by_status: dict = {}
    for e in rows:
        by_status[e.kind, e.status] = by_status.get((e.kind, e.status), 0) + 1
    chosen = [e for e in rows if filters.status in (None, e.status)]
    overdue = sum(1 for e in chosen if e.replied_at is None and e.closed_at is None
                  and e.paused_since is None and e.due_at < NOW)
    return len(chosen), by_status, overdue


@pytest.mark.parametrize("filters", [
    LedgerFilter(), LedgerFilter(kind="message"), LedgerFilter(status="handling"),
    LedgerFilter(q="道路"), LedgerFilter(q="道路", status="accepted"),
    LedgerFilter(q="道路", kind="opinion"), LedgerFilter(department_id=-1),
    LedgerFilter(department_id=-1, status="handling", q="噪音"),
])
@pytest.mark.parametrize("role", ["leader", "responder"])
def test_counts_match_a_plain_count(session, entries, filters, role):
    made, depts = entries
    if filters.department_id == -1:
        filters = LedgerFilter(**{**vars(filters), "department_id": depts[1]})
    department = depts[0] if role == "responder" else None
    actor = Actor(1, role, department)
    page = list_page(session, filters, actor, now=NOW, tz=SH, per_page=500)
    total, by_status, overdue = expected(made, filters, department)
    assert (page.total, page.by_status, page.overdue_open) == (total, by_status, overdue)
    assert len(page.entries) == total
    assert total > 0 or filters.q  # the fixture covers each case
