"""Each kind walks its whole workflow; the audit trail is complete; forbidden transitions and
roles are refused. Runs on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest

from tests.tracker.ledger.factory import (
    HOUSING,
    TRANSPORT,
    actor,
    context,
    department_id,
    local,
    mention,
    other_responder,
)
from tracker.ledger import (
    LedgerError,
    PermissionDenied,
    access,
    audit_trail,
    get_entry,
    open_disclosure_entry,
    open_opinion_entry,
    perform,
    red_flags,
)
from tracker.ledger.decisions import Actor


@pytest.fixture
def people(session, demo_users):
    """Actors for the four demo roles and a responder of another department."""
    found = {role: actor(session, demo_users[role].username) for role in demo_users}
    found["other"] = other_responder(session)
    return found


def statuses(trail):
    """The status changes in an audit trail, as (action, old, new)."""
    return [(e.action, e.old_value, e.new_value) for e in trail if e.field == "status"]


def refused(exc_type, session, entry, action, who, **data):
    """Assert that ``action`` is refused and leaves no trace."""
    before = len(audit_trail(session, entry.id))
    status = entry.status
    with pytest.raises(exc_type):
        perform(session, entry, action, who, data=data, ctx=context(), now=local("2025-10-01"))
    assert entry.status == status
    assert len(audit_trail(session, entry.id)) == before


def open_opinion(session, people):
    news = mention(session, "m-1")
    return open_opinion_entry(
        session, title="网传某小区停水三天", summary="居民反映停水，情绪激动", source="本地新闻网",
        url=news.url, found_at=local("2025-09-30 09:00"),
        first_published_at=local("2025-09-30 08:00"), level="一般", mention_ids=[news.id],
        actor_id=people["opinion_staff"].id, ctx=context())


def test_an_opinion_walks_from_registration_to_closing_and_reopening(session, people):
    ctx, entry = context(), open_opinion(session, people)
    assert entry.status == "registered" and entry.due_at == local("2025-10-02 09:00")
    staff, resp, leader = people["opinion_staff"], people["responder"], people["leader"]
    housing, transport = department_id(session, HOUSING), department_id(session, TRANSPORT)
    steps = [
        ("assess", staff, {"level": "重大", "note": "涉及民生，升级"}, "2025-09-30 09:30"),
        ("assign", staff, {"lead_department_id": housing, "co_department_ids": [transport],
                           "responsible_person": "李办理"}, "2025-09-30 09:40"),
        ("accept", resp, {}, "2025-09-30 10:00"),
        ("submit", resp, {"channel": "发布权威信息",
                          "content": "已组织抢修，将于10月2日前恢复供水。"}, "2025-09-30 11:00"),
        ("approve", leader, {"published_url": "http://127.0.0.1:1/notice"}, "2025-09-30 12:00"),
        ("follow_up", staff, {"method": "电话回访", "satisfaction": "满意",
                              "outcome": "已恢复供水", "promise_kept": True}, "2025-10-02 10:00"),
        ("close", staff, {"note": "办结"}, "2025-10-02 11:00"),
        ("reopen", staff, {"reason": "居民反映水质仍有问题"}, "2025-10-03 09:00"),
    ]
    for action, who, data, at in steps:
        assert action in access(entry, who, ctx).actions, action
        perform(session, entry, action, who, data=data, ctx=ctx, now=local(at))
    assert entry.status == "handling" and entry.closed_at is None
    assert entry.level == "major" and entry.due_at == local("2025-09-30 14:00")
    assert entry.second_due_at == local("2025-10-01 09:00")
    assert entry.first_ack_at == local("2025-09-30 10:00")
    assert entry.replied_at == local("2025-09-30 12:00") and entry.reply_has_promise
    assert entry.satisfaction == "满意" and entry.follow_up_count == 1
    assert entry.responses[0].approver_id == leader.id
    trail = audit_trail(session, entry.id)
    assert statuses(trail) == [
        ("create", None, "registered"), ("assess", "registered", "assessing"),
        ("assign", "assessing", "assigned"), ("accept", "assigned", "handling"),
        ("submit", "handling", "review"), ("approve", "review", "responded"),
        ("follow_up", "responded", "follow_up"), ("close", "follow_up", "closed"),
        ("reopen", "closed", "handling")]
    by_field = {(e.action, e.field): e for e in trail}
    assert by_field[("assess", "level")].new_value == "major"
    assert by_field[("assign", "lead_department_id")].new_value == str(housing)
    assert by_field[("assign", "co_departments")].new_value == str(transport)
    assert by_field[("reopen", "status")].detail == {"reason": "居民反映水质仍有问题"}
    assert all(e.at is not None for e in trail)
    assert {e.actor_id for e in trail} == {staff.id, resp.id, leader.id}


def test_opinion_refuses_wrong_roles_departments_and_transitions(session, people):
    entry = open_opinion(session, people)
    staff, leader, other = people["opinion_staff"], people["leader"], people["other"]
    refused(PermissionDenied, session, entry, "assess", leader)
    refused(LedgerError, session, entry, "close", staff)  # not from 登记
    refused(LedgerError, session, entry, "approve", leader)  # nothing to approve yet
    perform(session, entry, "assess", staff, ctx=context(), now=local("2025-09-30 09:30"))
    perform(session, entry, "assign", staff, ctx=context(), now=local("2025-09-30 09:40"),
            data={"lead_department_id": department_id(session, HOUSING)})
    refused(PermissionDenied, session, entry, "accept", other)
    refused(PermissionDenied, session, entry, "accept", leader)
    with pytest.raises(PermissionDenied):
        get_entry(session, entry.id, other)
    assert access(entry, other, context()).visible is False
    assert access(entry, leader, context()).actions == ()
    perform(session, entry, "accept", people["responder"], ctx=context(),
            now=local("2025-09-30 10:00"))
    refused(LedgerError, session, entry, "submit", people["responder"])  # content required
    perform(session, entry, "submit", people["responder"], ctx=context(),
            now=local("2025-09-30 11:00"), data={"content": "情况说明"})
    refused(PermissionDenied, session, entry, "approve", staff)
    refused(PermissionDenied, session, entry, "approve", people["responder"])


def test_a_message_walks_from_acceptance_to_archive_with_an_extension(session, people):
    from tests.tracker.ledger.factory import message_case
    from tracker.ledger import sync_message_cases

    synced = local("2025-10-01 10:00")  # days after the message, not years (see test_archive)
    sync_message_cases(session, ctx=context(), now=synced)  # cases other tests left behind
    case = message_case(session, "A-1", "2025-09-26 10:00")
    assert sync_message_cases(session, ctx=context(), now=synced) == 1
    entry = get_entry(session, _message_entry_id(session, case.id), people["admin"])
    assert entry.status == "accepted" and entry.due_at == local("2025-10-13 23:59:59")
    staff, resp, leader = people["opinion_staff"], people["responder"], people["leader"]
    housing = department_id(session, HOUSING)
    perform(session, entry, "assign", staff, data={"lead_department_id": housing},
            ctx=context(), now=local("2025-09-27 09:00"))
    perform(session, entry, "accept", resp, ctx=context(), now=local("2025-09-28 09:00"))
    perform(session, entry, "request_extension", resp, ctx=context(), now=local("2025-10-09"),
            data={"days": 8, "reason": "涉及多个部门，需现场勘查"})
    refused(LedgerError, session, entry, "request_extension", resp, days=2, reason="再延")
    refused(PermissionDenied, session, entry, "approve_extension", staff)
    perform(session, entry, "approve_extension", leader, ctx=context(), now=local("2025-10-09"))
    assert entry.due_at == local("2025-10-23 23:59:59") and entry.extension_days == 8
    assert "经批准延长 8 个工作日，共 15 个工作日" in entry.due_explanation
    perform(session, entry, "submit", resp, ctx=context(), now=local("2025-10-10"),
            data={"channel": "网站答复", "content": "已安排维修，尽快完成。"})
    perform(session, entry, "approve", staff, ctx=context(), now=local("2025-10-11 10:00"))
    flags = {f.code for f in red_flags(entry, local("2025-10-12"))}
    assert flags == {"not_published", "promise_no_follow_up"}
    refused(PermissionDenied, session, entry, "publish", leader)
    perform(session, entry, "visit", staff, ctx=context(), now=local("2025-10-12"),
            data={"method": "电话回访", "satisfaction": "基本满意", "outcome": "已维修"})
    perform(session, entry, "publish", staff, ctx=context(), now=local("2025-10-13"))
    refused(LedgerError, session, entry, "visit", resp)  # missing method and outcome
    perform(session, entry, "archive", staff, ctx=context(), now=local("2025-10-14"))
    assert red_flags(entry, local("2025-12-01")) == []
    assert statuses(audit_trail(session, entry.id)) == [
        ("sync_create", None, "accepted"), ("assign", "accepted", "assigned"),
        ("accept", "assigned", "handling"), ("submit", "handling", "review"),
        ("approve", "review", "replied"), ("visit", "replied", "visited"),
        ("publish", "visited", "published"), ("archive", "published", "archived")]
    actions = [e.action for e in audit_trail(session, entry.id)]
    assert "request_extension" in actions and "approve_extension" in actions


def _message_entry_id(session, case_id):
    from sqlalchemy import select

    from tracker.models import LedgerEntry
    return session.scalar(select(LedgerEntry.id).where(LedgerEntry.message_case_id == case_id))


def test_a_disclosure_walks_through_correction_consultation_extension_and_reply(session, people):
    ctx, staff, resp, leader = context(), people["opinion_staff"], people["responder"], \
        people["leader"]
    entry = open_disclosure_entry(
        session, title="申请公开某小区改造资金使用情况", request="请公开2024年某小区改造资金明细",
        applicant="张三", applicant_type="自然人", receipt_channel="网络",
        received_at=local("2025-09-26 15:30"), actor_id=staff.id, ctx=ctx)
    assert entry.due_at == local("2025-10-30 23:59:59")

    def do(action, who, now, **data):
        perform(session, entry, action, who, data=data, ctx=ctx, now=local(now))

    do("review", staff, "2025-09-29 09:00")
    do("request_correction", staff, "2025-09-29 10:00", reason="请明确小区名称")
    assert entry.due_at is None and entry.paused_since is not None
    refused(LedgerError, session, entry, "assign", staff)  # waiting for the correction
    do("receive_correction", staff, "2025-10-09 14:00", at=local("2025-10-09 14:00"))
    assert entry.due_at == local("2025-11-05 23:59:59")
    do("assign", staff, "2025-10-09 15:00", lead_department_id=department_id(session, HOUSING))
    do("start_consultation", resp, "2025-10-13 10:00", party="某建设公司",
       at=local("2025-10-13 10:00"))
    assert entry.due_at is None and "期限暂停计算" in entry.due_explanation
    do("end_consultation", resp, "2025-10-20 16:00", at=local("2025-10-20 16:00"))
    assert entry.due_at == local("2025-11-12 23:59:59")
    assert "征求某建设公司意见 10-13 至 10-20 期间 5 个工作日不计入" in entry.due_explanation
    refused(LedgerError, session, entry, "request_extension", resp, days=21, reason="太多")
    do("request_extension", resp, "2025-11-05 09:00", days=20, reason="信息量大，需逐项核对")
    do("approve_extension", leader, "2025-11-05 10:00", note="同意")
    assert entry.due_at == local("2025-12-10 23:59:59")
    refused(PermissionDenied, session, entry, "reply", people["other"], reply_type="disclosed")
    refused(LedgerError, session, entry, "reply", resp, reply_type="no-such-type",
            content="x", search_done="x", legal_basis="x")
    do("reply", resp, "2025-11-20 10:00", reply_type="partly", content="部分公开",
       search_done="检索了本机关2024年财务档案", legal_basis="条例第三十七条")
    refused(LedgerError, session, entry, "withdraw", staff, reason="x")
    do("archive", staff, "2025-11-21 10:00")
    assert entry.reply_type == "partly" and entry.closed_at == local("2025-11-21 10:00")
    assert statuses(audit_trail(session, entry.id)) == [
        ("create", None, "registered"), ("review", "registered", "reviewing"),
        ("request_correction", "reviewing", "correcting"),
        ("receive_correction", "correcting", "reviewing"), ("assign", "reviewing", "handling"),
        ("start_consultation", "handling", "consulting"),
        ("end_consultation", "consulting", "handling"), ("reply", "handling", "replied"),
        ("archive", "replied", "archived")]
    due_changes = [(e.action, e.new_value) for e in audit_trail(session, entry.id)
                   if e.field == "due_at"]
    assert [a for a, _ in due_changes] == [
        "create", "request_correction", "receive_correction", "start_consultation",
        "end_consultation", "approve_extension"]


def test_a_disclosure_without_correction_is_deemed_withdrawn(session, people):
    staff = people["opinion_staff"]
    entry = open_disclosure_entry(
        session, title="申请", request="内容不清", applicant="李四", applicant_type="自然人",
        receipt_channel="邮寄", received_at=local("2025-09-26 10:00"), actor_id=staff.id,
        ctx=context())
    for action, data in (("review", {}), ("request_correction", {"reason": "请说明所需信息"}),
                         ("withdraw", {"reason": "逾期未补正"})):
        perform(session, entry, action, staff, data=data, ctx=context(),
                now=local("2025-10-20"))
    assert entry.status == "withdrawn" and entry.reply_type == "other_no_correction"
    assert red_flags(entry, local("2026-03-01")) == []


def test_opening_an_opinion_refuses_unknown_mentions_and_naive_times(session, people):
    with pytest.raises(LedgerError):
        open_opinion_entry(session, title="t", summary="", source=None, url=None,
                           found_at=local("2025-09-30 09:00"), first_published_at=None,
                           level=None, mention_ids=[999999], actor_id=None, ctx=context())
    with pytest.raises(LedgerError):
        open_opinion_entry(session, title="t", summary="", source=None, url=None,
                           found_at=local("2025-09-30 09:00").replace(tzinfo=None),
                           first_published_at=None, level=None, actor_id=None, ctx=context())


def test_overdue_and_unanswered_red_flags(session, people):
    entry = open_opinion(session, people)
    assert [f.code for f in red_flags(entry, entry.due_at + timedelta(minutes=1))] == ["overdue"]
    system = Actor.system()
    assert access(entry, system, context()).visible
