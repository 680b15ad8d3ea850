"""Routing (分办) of board messages as they enter the ledger, on SQLite and PostgreSQL: a sure
prediction of a mapped category assigns the entry and says why; an unsure one waits in the
待分办 queue with its suggestions; staff assign from the queue; a person's department change
is recorded; a disabled department is never routed to nor assigned."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.tracker.ledger.factory import actor, context, message_case
from tracker.accounts import (
    AccountError,
    find_department,
    seed_departments,
    set_category_department,
    set_department_active,
    set_routing_config,
)
from tracker.ledger import (
    LedgerError,
    assign_from_queue,
    perform,
    queue_count,
    route_pending,
    routing_queue,
    sync_message_cases,
)
from tracker.ledger.routing import Suggestion
from tracker.ledger.service import audit_trail
from tracker.models import DepartmentReassignment, LedgerEntry, LedgerRouting

SURE = ("学区划分不合理", "孩子入学 学位 学区划分不合理，希望教育局重新考虑划片")  # 教育文体 ~0.99
UNSURE = ("你好", "你好")  # the model's best guess is far below 0.5
# The messages are of 2025-09-26; the sync runs days later, so they are current, not historic.
NOW = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def seeded(session, demo_users):
    """The default departments and map, and every case already in the ledger."""
    sync_message_cases(session, ctx=context(), now=NOW)
    seed_departments(session)
    return session


def arrive(session, title: str, body: str, **kwargs) -> LedgerEntry:
    """A board message that enters the ledger through the sync."""
    case = message_case(session, "R", "2025-09-26 10:00", **kwargs)
    case.title, case.body = title, body
    session.flush()
    sync_message_cases(session, ctx=context(), now=NOW)
    return session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == case.id))


def reason_of(session, entry) -> str:
    """The note or reason of the entry's routing step on its timeline."""
    for event in audit_trail(session, entry.id):
        if event.action in ("assign", "route") and event.detail:
            return event.detail.get("note") or event.detail.get("reason")
    return ""


def test_seed_adds_every_department_and_map_row_once(session, tmp_path):
    first = seed_departments(session)
    assert len(first.categories_mapped) == 15 and "市交通运输局" in first.departments_added
    again = seed_departments(session)
    assert again.departments_added == [] and again.categories_mapped == []
    taxonomy = tmp_path / "taxonomy.csv"
    taxonomy.write_text("一级分类,二级分类\n交通运输,公路\n城乡建设,物业\n外事侨务,出入境\n",
                        encoding="utf-8")
    assert seed_departments(session, taxonomy).unmapped == ["外事侨务"]
    assert find_department(session, "交通局").name == "市交通运输局"  # by short name too


def test_seed_maps_every_category_of_the_shared_taxonomy(session):
    path = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
            / "tipdm2020c_fj1_taxonomy" / "fujian1_label_taxonomy.csv")
    if not path.exists():
        pytest.skip("the shared data folder is not beside the repository")
    assert seed_departments(session, path).unmapped == []


def test_a_sure_message_is_assigned_with_the_reason_in_words(seeded):
    entry = arrive(seeded, *SURE)
    education = find_department(seeded, "市教育局")
    assert (entry.status, entry.lead_department_id) == ("assigned", education.id)
    assert entry.proposed_department_id == education.id
    reason = reason_of(seeded, entry)
    assert reason.startswith("自动分办：分类为教育文体（置信度 0.9") and "交市教育局" in reason
    routing = seeded.get(LedgerRouting, entry.id)
    assert routing.outcome == "auto" and len(routing.suggestions) == 3
    assert entry.id not in [i.entry.id for i in routing_queue(seeded, limit=10_000)]


def test_an_unsure_message_waits_with_three_suggestions(seeded):
    entry = arrive(seeded, *UNSURE)
    assert entry.status == "accepted" and entry.lead_department_id is None
    assert queue_count(seeded) >= 1
    item = next(i for i in routing_queue(seeded, limit=10_000) if i.entry.id == entry.id)
    assert len(item.suggestions) == 3
    assert item.suggestions[0].confidence >= item.suggestions[1].confidence
    assert all(s.department is not None for s in item.suggestions)  # every class is mapped
    assert "低于自动分办阈值 0.50" in reason_of(seeded, entry)


def test_the_office_threshold_and_switch_decide(seeded):
    set_routing_config(seeded, 0.999, True)
    assert arrive(seeded, *SURE).status == "accepted"
    set_routing_config(seeded, None, False)
    off = arrive(seeded, *SURE)
    assert off.status == "accepted" and "自动分办已关闭" in reason_of(seeded, off)
    with pytest.raises(AccountError):
        set_routing_config(seeded, 1.5, True)


def test_a_message_that_arrives_answered_keeps_its_reply_department(seeded):
    entry = arrive(seeded, *SURE, reply="已答复", replied="2025-09-27 10:00",
                   department="市住房和城乡建设局")
    assert entry.lead_department.name == "市住房和城乡建设局"
    assert seeded.get(LedgerRouting, entry.id) is None


def test_one_click_from_the_queue_and_a_changed_department_is_recorded(seeded):
    staff = actor(seeded, "staff")
    entry = arrive(seeded, *UNSURE)
    item = next(i for i in routing_queue(seeded, limit=10_000) if i.entry.id == entry.id)
    top = item.suggestions[0].department
    assign_from_queue(seeded, entry.id, top.id, staff, ctx=context())
    assert (entry.status, entry.lead_department_id) == ("assigned", top.id)
    assert seeded.scalars(select(DepartmentReassignment).where(
        DepartmentReassignment.entry_id == entry.id)).all() == []  # the suggestion was taken
    with pytest.raises(LedgerError, match="已不在待分办中"):
        assign_from_queue(seeded, entry.id, top.id, staff, ctx=context())

    other = arrive(seeded, *UNSURE)
    routed = seeded.get(LedgerRouting, other.id)
    civil = find_department(seeded, "市民政局")
    transport = find_department(seeded, "市交通运输局")
    assign_from_queue(seeded, other.id, civil.id, staff, co_department_ids=[transport.id],
                      ctx=context())
    assert [c.department_id for c in other.co_departments] == [transport.id]
    perform(seeded, other, "reassign", staff, ctx=context(),
            data={"lead_department_id": transport.id})
    rows = seeded.scalars(select(DepartmentReassignment).where(
        DepartmentReassignment.entry_id == other.id).order_by(DepartmentReassignment.id)).all()
    assert [(r.from_department_id, r.to_department_id) for r in rows] == [
        (routed.suggestions[0]["department_id"], civil.id), (civil.id, transport.id)]
    assert rows[0].category == routed.category and rows[0].actor_id == staff.id


def test_a_disabled_department_is_neither_routed_to_nor_assigned(seeded):
    education = find_department(seeded, "市教育局")
    set_department_active(seeded, education, False)
    entry = arrive(seeded, *SURE)
    assert entry.status == "accepted"
    assert "尚未对应承办单位" in reason_of(seeded, entry)
    with pytest.raises(LedgerError, match="启用中的承办单位"):
        assign_from_queue(seeded, entry.id, education.id, actor(seeded, "staff"), ctx=context())
    with pytest.raises(LedgerError, match="已停用"):
        perform(seeded, entry, "assign", actor(seeded, "staff"), ctx=context(),
                data={"lead_department_id": education.id})
    with pytest.raises(AccountError):
        set_category_department(seeded, "教育文体", education.id)


def test_messages_from_before_routing_are_routed_once(seeded):
    sure, unsure = arrive(seeded, *SURE), arrive(seeded, *UNSURE)
    seeded.delete(seeded.get(LedgerRouting, unsure.id))  # as if it came in before routing
    seeded.flush()
    assert route_pending(seeded, ctx=context()) == {"auto": 0, "queued": 1}
    assert seeded.get(LedgerRouting, unsure.id).outcome == "queued"
    assert route_pending(seeded, ctx=context()) == {"auto": 0, "queued": 0}
    assert sure.status == "assigned"


def test_a_department_the_model_all_but_rules_out_is_not_offered_in_one_click(seeded):
    education = find_department(seeded, "市教育局")
    assert Suggestion("教育文体", 0.31, education).offered
    assert not Suggestion("教育文体", 0.01, education).offered  # shown as "0%": not a suggestion
    assert not Suggestion("外事侨务", 0.9, None).offered  # no department answers it


def _attribution(session, entry) -> str:
    for event in audit_trail(session, entry.id):
        if event.action == "attribute":
            return event.detail["reason"]
    return ""


def test_an_answered_message_is_attributed_to_the_unit_its_reply_signs(seeded):
    entry = arrive(seeded, *UNSURE, reply="已答复", replied="2025-09-27 10:00",
                   department="A7县教育局")
    assert entry.lead_department.name == "市教育局"
    assert _attribution(seeded, entry) == "答复署名“A7县教育局”，归入市教育局"
    assert entry.status != "assigned" and seeded.get(LedgerRouting, entry.id) is None


def test_an_unsigned_answer_is_attributed_by_its_category_only_when_the_model_is_sure(seeded):
    sure = arrive(seeded, *SURE, reply="已答复", replied="2025-09-27 10:00")
    assert sure.lead_department.name == "市教育局"
    assert "按留言分类“教育文体”归入市教育局" in _attribution(seeded, sure)
    unsure = arrive(seeded, *UNSURE, reply="已答复", replied="2025-09-27 10:00",
                    department="A市人民政府")  # names no department the office has
    assert unsure.lead_department_id is None and _attribution(seeded, unsure) == ""
