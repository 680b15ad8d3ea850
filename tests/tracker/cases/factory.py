"""Finished ledger entries for the case-library tests, walked through the real workflow."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.ledger import open_opinion_entry, perform
from tracker.models import LedgerEntry

GOOD_REPLY = ("您好！关于您反映的丽发新城小区停水问题，经市住房和城乡建设局核实，系小区二次供水泵房"
              "设备故障所致。我局已督促物业公司于9月30日下午更换水泵，当日18时恢复供水。依据《城市"
              "供水条例》第二十七条，供水设施维护由产权单位负责，我局将于10月15日前组织全市泵房安全"
              "检查。如有疑问，请拨打市住建局城建科电话0351-1234567。")


def finished_opinion(session: Session, *, title: str = "丽发新城小区停水三天",
                     summary: str = "丽发新城小区停水三天，居民生活受影响，物业未作说明。",
                     reply: str = GOOD_REPLY, found: str = "2025-09-30 09:00",
                     approved: str = "2025-09-30 12:00", satisfaction: str | None = "满意",
                     promise_kept: bool | None = True, closed: str = "2025-10-02 11:00",
                     close: bool = True) -> LedgerEntry:
    """An opinion found, assigned to 住建局, answered, followed up and closed at these times."""
    staff, resp, leader = (actor(session, name) for name in ("staff", "responder", "leader"))
    ctx = context()
    entry = open_opinion_entry(
        session, title=f"{title} {uuid.uuid4().hex[:4]}", summary=summary, source="本地新闻网",
        url=None, found_at=local(found), first_published_at=None, level="一般", mention_ids=[],
        actor_id=staff.id, ctx=ctx)
    steps = [("assess", staff, {}, found),
             ("assign", staff, {"lead_department_id": department_id(session, HOUSING)}, found),
             ("accept", resp, {}, found), ("submit", resp, {"channel": "网上答复",
                                                           "content": reply}, approved),
             ("approve", leader, {}, approved)]
    if close or satisfaction or promise_kept is not None:  # an opinion closes after a follow-up
        steps.append(("follow_up", staff, {"method": "电话回访",
                                           "satisfaction": satisfaction or "未评价",
                                           "outcome": "居民确认已恢复供水，泵房检查已开展",
                                           "promise_kept": promise_kept}, closed))
    if close:
        steps.append(("close", staff, {"note": "办结"}, closed))
    for action, who, data, at in steps:
        perform(session, entry, action, who, data=data, ctx=ctx, now=local(at))
    session.flush()
    return entry
