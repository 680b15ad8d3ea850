"""The month's proposals: questions asked often, replies the public paid attention to; an
entry is proposed once (a dismissed proposal frees it)."""

from __future__ import annotations

from tests.tracker.publication.factory import answered_entry, staff
from tracker.publication import act, answered, candidates, propose_month

PARKING = "小区停车位收费标准过高，物业乱收停车费，请相关部门核查停车收费标准。"


def test_frequent_questions_and_attention_are_proposed_once(session, demo_users):
    month = "2025-09"
    same = [answered_entry(session, title=f"小区停车收费问题{n}", body=PARKING,
                           reply=f"经核查，停车收费标准已公示，第{n}次答复。" + "详" * n)
            for n in range(3)]
    loud = answered_entry(session, title="学校门口交通拥堵", body="学校门口上下学时段拥堵严重。",
                          reply="交警部门已增派警力疏导。", likes=57)
    found = {c.entry_id: c for c in candidates(session, month)}
    frequent = [c for c in found.values() if c.origin == "frequent" and c.entry_id in
                {e.id for e in same}]
    assert len(frequent) == 1 and frequent[0].note == "同类留言 3 件"
    assert frequent[0].entry_id == same[2].id  # the fullest reply stands for the group
    assert found[loud.id].origin == "attention" and found[loud.id].score >= 57

    made = propose_month(session, month, staff(session))
    assert {i.ledger_entry_id for i in made} >= {loud.id, same[2].id}
    assert all(i.state == "proposed" and i.month == month for i in made)
    assert loud.id not in {e.id for e in answered(session, month)}
    again = propose_month(session, month, staff(session))
    assert not {i.ledger_entry_id for i in again} & {i.ledger_entry_id for i in made}
    dismissed = next(i for i in made if i.ledger_entry_id == loud.id)
    act(session, dismissed, "dismiss", staff(session))
    assert loud.id in {e.id for e in answered(session, month)}


def test_a_full_reply_is_proposed_for_its_quality_and_a_bare_one_is_not(session, demo_users):
    good = answered_entry(session, title="幸福小区道路维修")  # names the place, a date, 12345
    bare = answered_entry(session, title="路面坑洼", body="解放路路面坑洼不平。", reply="已收悉。")
    found = {c.entry_id: c for c in candidates(session, "2025-09")}
    assert found[good.id].origin == "quality" and found[good.id].score >= 0.7
    assert found[good.id].note.startswith("答复质量评分")
    assert bare.id not in found
