"""tracker.quality on both databases: a stored response checked against its entry's message and
the other stored replies, and the month's approved replies averaged by department."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker import quality
from tracker.ledger import open_opinion_entry, perform
from tracker.models import LedgerResponse

TEMPLATE = ("您好！您反映的问题，我单位高度重视，已安排工作人员进行调查核实，将依法依规处理，"
            "确保群众合法权益不受侵害。如有疑问请拨打0731-88888888。")
GOOD = ("您好！经现场核实，{p}3栋供水管道爆裂，我局已于10月2日组织抢修，当晚恢复供水。根据"
        "《城市供水条例》第二十二条，供水企业应提前24小时通知停水，我局已约谈供水公司。"
        "咨询电话0731-84411234。")
PLACES = ["东塘小区", "洋湖新城", "万国城", "梨子山社区", "桂花坪小区"]


def replied(session, place: str, content: str, approve: bool = True) -> LedgerResponse:
    """An opinion about ``place`` answered by the housing responder (approved by default)."""
    staff, ctx = actor(session, "staff"), context()
    entry = open_opinion_entry(
        session, title=f"{place}停水三天", summary=f"{place}3栋停水三天，什么时候恢复供水？",
        source="本地论坛", url=None, found_at=local("2025-10-01 09:00"),
        first_published_at=None, level="一般", mention_ids=[], actor_id=staff.id, ctx=ctx)
    perform(session, entry, "assess", staff, ctx=ctx, now=local("2025-10-01 09:10"))
    perform(session, entry, "assign", staff, ctx=ctx, now=local("2025-10-01 09:20"),
            data={"lead_department_id": department_id(session, HOUSING)})
    responder = actor(session, "responder")
    perform(session, entry, "accept", responder, ctx=ctx, now=local("2025-10-01 10:00"))
    perform(session, entry, "submit", responder, ctx=ctx, now=local("2025-10-02 10:00"),
            data={"channel": "发布权威信息", "content": content})
    if approve:
        perform(session, entry, "approve", actor(session, "leader"), ctx=ctx,
                now=local("2025-10-02 11:00"))
    session.flush()
    return entry.responses[-1]


def test_a_stored_reply_is_checked_against_its_message_and_other_replies(session, demo_users):
    templated = [replied(session, p, TEMPLATE) for p in PLACES]
    good = replied(session, "东塘小区", GOOD.format(p="东塘小区"))
    check = quality.reply_quality(session, templated[0].id)
    assert any("与另外4条答复几乎相同" in p for p in check.problems), check.problems
    fine = quality.reply_quality(session, good.id)
    assert fine.problems == () and fine.score > check.score
    with pytest.raises(LookupError):
        quality.reply_quality(session, 10**9)


def test_checks_of_the_inbox_do_not_count_a_reply_as_its_own_copy(session, demo_users):
    pending = [replied(session, p, TEMPLATE, approve=False) for p in PLACES[:3]]
    checks = quality.checks_of(session, pending)
    assert set(checks) == {r.id for r in pending}
    assert not any("几乎相同" in p for c in checks.values() for p in c.problems)


def test_department_quality_averages_the_months_approved_replies(session, demo_users):
    replies = [replied(session, p, GOOD.format(p=p)) for p in PLACES[:2]]
    replied(session, PLACES[2], TEMPLATE, approve=False)  # not approved: not counted
    start, end = datetime(2025, 10, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC)
    rows = quality.department_quality(session, start, end)
    assert [(r.name, r.replies) for r in rows] == [(HOUSING, 2)]
    expected = [quality.reply_quality(session, r.id).score for r in replies]
    assert rows[0].score == pytest.approx(sum(expected) / 2, abs=1e-3)
    assert quality.department_quality(session, end, datetime(2025, 12, 1, tzinfo=UTC)) == []
