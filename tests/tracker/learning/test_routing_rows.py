"""Department reassignments as routing training rows, on SQLite and PostgreSQL: the last
reassignment of an entry counts, labelled with the 一级分类 its new department answers in the
office's map; a department that answers no category says nothing and is skipped."""

from sqlalchemy import select

from tests.tracker.ledger.factory import actor, context
from tests.tracker.ledger.test_routing import UNSURE, arrive, seeded  # noqa: F401 (fixture)
from tracker.accounts import find_department, set_category_department
from tracker.learning import routing_rows
from tracker.ledger import assign_from_queue, perform, routed_text
from tracker.models import Department, DepartmentReassignment, MessageCase


def give(session, entry, department, staff) -> None:
    """A person gives the entry a department: from 待分办, or by reassigning it."""
    if entry.lead_department_id is None:
        assign_from_queue(session, entry.id, department.id, staff, ctx=context())
    else:
        perform(session, entry, "reassign", staff, ctx=context(),
                data={"lead_department_id": department.id})


def test_reassignments_become_category_labels(seeded):  # noqa: F811
    staff = actor(seeded, "staff")
    before = routing_rows(seeded)
    entry = arrive(seeded, "咨询", "请问这个事情应该找哪个部门反映？谢谢（学习用例一）")
    civil = find_department(seeded, "市民政局")
    transport = find_department(seeded, "市交通运输局")
    give(seeded, entry, civil, staff)
    give(seeded, entry, transport, staff)  # the last department counts
    # An entry given to a department the office's map gives no category: no label.
    loose = Department(name="市信访局", active=True)
    seeded.add(loose)
    seeded.flush()
    other = arrive(seeded, "咨询", "请问这个事情应该找哪个部门反映？谢谢（学习用例二）")
    give(seeded, other, loose, staff)
    assert seeded.scalar(select(DepartmentReassignment.id).where(
        DepartmentReassignment.entry_id == other.id)) is not None

    rows = routing_rows(seeded)
    new = [r for r in rows.train + rows.held_out if r not in before.train + before.held_out]
    case = seeded.get(MessageCase, entry.message_case_id)
    assert [(r.dataset, r.text, r.label) for r in new] == [
        ("office", routed_text(entry, case), "交通运输")]

    # The office maps 交通运输 to another department: the same reassignment now says nothing.
    set_category_department(seeded, "交通运输", civil.id, actor_id=None)
    rows = routing_rows(seeded)
    assert not [r for r in rows.train + rows.held_out if r.text == routed_text(entry, case)]
