"""Board messages enter the ledger automatically, once, and pick up replies later."""

from sqlalchemy import func, select

from tests.tracker.ledger.factory import HOUSING, context, department_id, local, message_case
from tracker.ledger import propose_department, sync_message_cases
from tracker.ledger.service import audit_trail
from tracker.models import LedgerEntry

#: When these messages enter the ledger: days after they were written, not years (older
#: ones would be archived or go to 历史遗留, see test_archive.py).
SYNCED = local("2025-10-01 10:00")


def entry_for(session, case):
    return session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == case.id))


def test_sync_creates_one_entry_per_case_and_is_idempotent(session):
    sync_message_cases(session, ctx=context(), now=SYNCED)  # cases other tests may have left behind
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    housing = department_id(session, HOUSING)
    open_case = message_case(session, "S-1", "2025-09-26 10:00")
    answered = message_case(session, "S-2", "2025-09-20 10:00",
                            reply="您好，已安排维修，将于本月底前完成。",
                            replied="2025-09-25 16:00", department=HOUSING)
    imported = message_case(session, "S-3", "2025-09-20 10:00", reply="已处理。",
                            replied="2025-09-22 09:00", department="某个不存在的部门", url=None)
    assert sync_message_cases(session, ctx=context(), now=SYNCED) == 3
    assert sync_message_cases(session, ctx=context(), now=SYNCED) == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before + 3

    pending = entry_for(session, open_case)
    assert pending.status == "accepted" and pending.received_at == local("2025-09-26 10:00")
    assert pending.board == "mayor_box" and pending.category == "城乡建设"
    assert pending.due_at == local("2025-10-13 23:59:59")

    done = entry_for(session, answered)
    assert done.status == "published" and done.replied_at == local("2025-09-25 16:00")
    assert done.published_at == done.replied_at and done.lead_department_id == housing
    assert done.reply_has_promise and done.first_ack_at == done.replied_at
    response = done.responses[0]
    assert response.department_name == HOUSING and response.content.startswith("您好")

    private = entry_for(session, imported)
    assert private.status == "replied" and private.published_at is None
    assert private.lead_department_id is None
    assert private.responses[0].department_name == "某个不存在的部门"


def test_a_reply_arriving_later_updates_the_entry_once(session):
    sync_message_cases(session, ctx=context(), now=SYNCED)
    case = message_case(session, "L-1", "2025-09-26 10:00")
    sync_message_cases(session, ctx=context(), now=SYNCED)
    case.reply_text, case.replied_at = "已答复", local("2025-10-09 10:00")
    case.reply_department = HOUSING
    session.flush()
    assert sync_message_cases(session, ctx=context(), now=SYNCED) == 1
    assert sync_message_cases(session, ctx=context(), now=SYNCED) == 0
    entry = entry_for(session, case)
    assert entry.status == "published" and entry.replied_at == local("2025-10-09 10:00")
    actions = [e.action for e in audit_trail(session, entry.id)]
    assert actions.count("sync_create") >= 1 and "sync_reply" in actions


def test_a_routing_proposal_is_stored_and_audited(session):
    case = message_case(session, "P-1", "2025-09-26 10:00")
    sync_message_cases(session, ctx=context(), now=SYNCED)
    entry = entry_for(session, case)
    housing = department_id(session, HOUSING)
    propose_department(session, entry, housing, 0.83)
    assert entry.proposed_department_id == housing and entry.proposed_confidence == 0.83
    event = [e for e in audit_trail(session, entry.id) if e.action == "propose"][0]
    assert event.new_value == str(housing) and event.detail == {"confidence": 0.83}
